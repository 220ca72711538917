"""Tests for counter_app.domain.cccd."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from counter_app.domain.cccd import (
    PROVINCE_CODES,
    CccdDateInvalid,
    CccdFormatInvalid,
    CccdGarbled,
    CccdMismatch,
    CccdNumberInvalid,
    CccdNumberProblem,
    CitizenId,
    PersonNameInvalid,
    Sex,
    check_cccd_number,
    check_person_name,
    find_scan,
    mask_id,
    parse_cccd_qr,
    province_of,
)

ADDRESS = "Số 1 phố Hàng Bạc, Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội"
QR = f"001090123456|012345678|Nguyễn Văn A|01011990|Nam|{ADDRESS}|15042021"


def test_parse_documented_example() -> None:
    assert parse_cccd_qr(QR) == CitizenId(
        number="001090123456",
        old_id="012345678",
        full_name="Nguyễn Văn A",
        birth_date=date(1990, 1, 1),
        sex=Sex.MALE,
        address=ADDRESS,
        issued_on=date(2021, 4, 15),
    )


def test_parse_keyboard_wedge_input() -> None:
    # Decomposed text, surrounding whitespace and the scanner's trailing CR/LF.
    scanned = "  " + unicodedata.normalize("NFD", QR) + "\r\n"
    parsed = parse_cccd_qr(scanned)
    assert parsed.full_name == "Nguyễn Văn A"
    assert parsed.address == ADDRESS


def test_parse_empty_old_id_and_extra_fields() -> None:
    text = "079304012345||Trần Thị Bích|29022004|Nữ|Quận 1, TP Hồ Chí Minh|01052021|X|Y"
    parsed = parse_cccd_qr(text)
    assert parsed.old_id == ""
    assert parsed.sex is Sex.FEMALE
    assert parsed.birth_date == date(2004, 2, 29)


def test_parse_missing_issue_date() -> None:
    assert parse_cccd_qr("001090123456||Nguyễn Văn A|01011990|Nam|Hà Nội").issued_on is None
    assert parse_cccd_qr("001090123456||Nguyễn Văn A|01011990|Nam|Hà Nội|").issued_on is None


@pytest.mark.parametrize("text", ["Nam", "nam", "NAM", " Nam "])
def test_sex_male_variants(text: str) -> None:
    assert Sex.parse(text) is Sex.MALE


@pytest.mark.parametrize("text", ["Nữ", "nữ", "NỮ", "Nu", "NU", unicodedata.normalize("NFD", "Nữ")])
def test_sex_female_variants(text: str) -> None:
    assert Sex.parse(text) is Sex.FEMALE


def test_sex_unknown() -> None:
    with pytest.raises(ValueError):
        Sex.parse("N?")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "001090123456",
        "001090123456 012345678 Nguyễn Văn A 01011990 Nam Hà Nội 15042021",
        "001090123456|012345678|Nguyễn Văn A|01011990|Nam",
        "001090123456|012345678||01011990|Nam|Hà Nội|15042021",  # no name
        "001090123456|012345678|Nguyễn Văn A|01011990|N?|Hà Nội|15042021",  # garbled sex
    ],
)
def test_parse_format_invalid(text: str) -> None:
    with pytest.raises(CccdFormatInvalid):
        parse_cccd_qr(text)


@pytest.mark.parametrize(
    ("birth", "issued", "field"),
    [
        ("3101990", "15042021", "birth_date"),
        ("31021990", "15042021", "birth_date"),
        ("0101199O", "15042021", "birth_date"),
        ("01011990", "32042021", "issued_on"),
        ("01011990", "01011989", "issued_on"),  # issued before birth
    ],
)
def test_parse_date_invalid(birth: str, issued: str, field: str) -> None:
    with pytest.raises(CccdDateInvalid) as info:
        parse_cccd_qr(f"001090123456||Nguyễn Văn A|{birth}|Nam|Hà Nội|{issued}")
    assert info.value.field == field


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("00109012345", CccdNumberProblem.NOT_12_DIGITS),
        ("0010901234567", CccdNumberProblem.NOT_12_DIGITS),
        ("00109012345A", CccdNumberProblem.NOT_12_DIGITS),
        ("003090123456", CccdNumberProblem.UNKNOWN_PROVINCE),
        ("097090123456", CccdNumberProblem.UNKNOWN_PROVINCE),
        ("000090123456", CccdNumberProblem.UNKNOWN_PROVINCE),
    ],
)
def test_number_invalid(number: str, problem: CccdNumberProblem) -> None:
    with pytest.raises(CccdNumberInvalid) as info:
        check_cccd_number(number)
    assert info.value.problem is problem


def test_parse_reports_number_invalid() -> None:
    with pytest.raises(CccdNumberInvalid):
        parse_cccd_qr(QR.replace("001090123456", "999090123456"))


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("001090123456", date(1990, 1, 1), Sex.MALE),
        ("001190123456", date(1990, 1, 1), Sex.FEMALE),
        ("079205123456", date(2005, 6, 1), Sex.MALE),
        ("079305123456", date(2005, 6, 1), Sex.FEMALE),
        ("038400123456", date(2100, 6, 1), Sex.MALE),
        ("038501123456", date(2101, 6, 1), Sex.FEMALE),
        ("048600123456", date(2200, 6, 1), Sex.MALE),
        ("048799123456", date(2299, 6, 1), Sex.FEMALE),
        ("001999123456", date(2399, 12, 31), Sex.FEMALE),
        ("001800123456", date(2300, 1, 1), Sex.MALE),
    ],
)
def test_century_and_sex_digit(number: str, birth: date, sex: Sex) -> None:
    check_cccd_number(number, birth_date=birth, sex=sex)


@pytest.mark.parametrize(
    ("number", "birth", "sex", "part"),
    [
        ("001290123456", date(1990, 1, 1), Sex.MALE, "century"),  # G=2 means 2000s
        ("001091123456", date(1990, 1, 1), Sex.MALE, "year"),
        ("001090123456", date(1990, 1, 1), Sex.FEMALE, "sex"),
        ("001190123456", date(1990, 1, 1), Sex.MALE, "sex"),
    ],
)
def test_mismatch(number: str, birth: date, sex: Sex, part: str) -> None:
    with pytest.raises(CccdMismatch) as info:
        check_cccd_number(number, birth_date=birth, sex=sex)
    assert info.value.part == part


def test_parse_reports_mismatch() -> None:
    with pytest.raises(CccdMismatch):
        parse_cccd_qr(QR.replace("|Nam|", "|Nữ|"))


def test_check_without_cross_data_only_checks_structure() -> None:
    check_cccd_number("001990123456")


def test_province_table() -> None:
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert min(PROVINCE_CODES) == "001" and max(PROVINCE_CODES) == "096"
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["038"] == "Thanh Hóa"
    assert PROVINCE_CODES["048"] == "Đà Nẵng"
    assert "Hồ Chí Minh" in PROVINCE_CODES["079"]
    assert all(unicodedata.is_normalized("NFC", name) for name in PROVINCE_CODES.values())
    assert province_of("092090123456") == "Cần Thơ"
    assert province_of("999090123456") is None


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("001090123456", "0010****3456"),
        ("012345678", "012***678"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked


def test_century_digit_8_9_is_the_2300s_not_the_1800s() -> None:
    with pytest.raises(CccdMismatch):
        check_cccd_number("001898123456", birth_date=date(1898, 12, 31), sex=Sex.MALE)


@pytest.mark.parametrize(
    "garbled",
    [
        QR.replace("Nguyễn Văn A", "Nguyá»…n VÄƒn A"),  # UTF-8 read as Windows-1252
        QR.replace("Nguyễn Văn A", "Nguy?n V?n A"),  # letters the layout could not type
        QR.replace(ADDRESS, "Sá»‘ 1 phá»‘ HÃ ng Báº¡c"),
    ],
)
def test_garbled_scan_asks_for_a_rescan(garbled: str) -> None:
    with pytest.raises(CccdGarbled):
        parse_cccd_qr(garbled)


@pytest.mark.parametrize(
    "address",
    [
        "Thôn Đông Khê, Xã Ứng Hòa, Hà Nội",
        "Tổ 3, Phường Thụy Khuê, Quận Tây Hồ, Hà Nội",
        "Ấp Mỹ Hưng, Xã Mỹ Thuận, Huyện Thủ Thừa, Long An",
        "123/45 Nguyễn Thị Minh Khai, Phường Bến Nghé, TP Hồ Chí Minh",
    ],
)
def test_real_vietnamese_is_not_taken_for_mojibake(address: str) -> None:
    assert parse_cccd_qr(QR.replace(ADDRESS, address)).address == address


def test_six_field_scan_is_flagged_incomplete() -> None:
    six = QR.rsplit("|", 1)[0]
    assert parse_cccd_qr(six).incomplete
    assert not parse_cccd_qr(QR).incomplete


def test_find_scan_recognises_a_scan_typed_into_any_field() -> None:
    assert find_scan(QR) == ("", QR)
    assert find_scan("Nguyễn " + QR + "\r\n") == ("Nguyễn", QR)
    assert find_scan("Nguyễn Văn A") is None
    assert find_scan("0912345678") is None


@pytest.mark.parametrize("name", ["001090123456", "Nguyễn|Văn A", "Nguyễn Văn 2"])
def test_a_name_never_holds_digits_or_pipes(name: str) -> None:
    with pytest.raises(PersonNameInvalid):
        check_person_name(name)


def test_a_plain_name_passes() -> None:
    check_person_name("Nguyễn Thị Ánh")
