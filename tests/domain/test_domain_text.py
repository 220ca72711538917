"""Tests for counter_app.domain.text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import DomainError
from counter_app.domain.text import (
    EmailInvalid,
    PhoneInvalid,
    TextInvalid,
    TextProblem,
    clean_email,
    clean_phone,
    clean_text,
    fold,
    nfc,
    title_case_name,
)

DECOMPOSED = unicodedata.normalize("NFD", "Nguyễn Văn Đức")


def test_nfc_composes_decomposed_text() -> None:
    assert DECOMPOSED != "Nguyễn Văn Đức"
    assert nfc(DECOMPOSED) == "Nguyễn Văn Đức"


def test_nfc_strips_and_collapses_whitespace() -> None:
    assert nfc("  Nguyễn \t Văn\r\n  A\u00a0 ") == "Nguyễn Văn A"


def test_nfc_removes_invisible_and_control_characters() -> None:
    assert nfc("\ufeffNguy\u200bễn\x00 Văn\x1b A") == "Nguyễn Văn A"


def test_nfc_recomposes_across_a_removed_character() -> None:
    # "e" + ZERO WIDTH SPACE + combining circumflex must still become "ê".
    assert nfc("e\u200b\u0302") == "ê"


def test_nfc_is_total_on_lone_surrogates() -> None:
    assert nfc("a\udcffb") == "ab"


@given(st.text())
def test_nfc_is_idempotent(s: str) -> None:
    assert nfc(nfc(s)) == nfc(s)


@given(st.text())
def test_nfc_output_has_no_edge_or_double_spaces(s: str) -> None:
    out = nfc(s)
    assert out == out.strip()
    assert "  " not in out
    assert unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Văn A", "nguyen van a"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        (DECOMPOSED, "nguyen van duc"),
        ("Phường Hàng Bạc", "phuong hang bac"),
        ("Ðức", "duc"),  # U+00D0 (eth) as emitted by legacy converters
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@given(st.text())
def test_fold_is_idempotent(s: str) -> None:
    assert fold(fold(s)) == fold(s)


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệ "))
def test_fold_of_vietnamese_is_plain_ascii(s: str) -> None:
    assert fold(s.upper()).isascii()


def test_clean_text_returns_normalized_text() -> None:
    assert clean_text(f"  {DECOMPOSED} ", field="name", max_len=50, required=True) == (
        "Nguyễn Văn Đức"
    )


def test_clean_text_optional_empty_is_empty() -> None:
    assert clean_text("   ", field="note", max_len=10, required=False) == ""


@pytest.mark.parametrize(
    ("value", "max_len", "problem"),
    [
        ("   ", 10, TextProblem.MISSING),
        ("x" * 11, 10, TextProblem.TOO_LONG),
        ("abc\x00", 10, TextProblem.CONTROL_CHAR),
        ("Nguy\ufffdn", 10, TextProblem.REPLACEMENT_CHAR),
        ("a\ud800", 10, TextProblem.INVALID),
    ],
)
def test_clean_text_rejects(value: str, max_len: int, problem: TextProblem) -> None:
    with pytest.raises(TextInvalid) as info:
        clean_text(value, field="full_name", max_len=max_len, required=True)
    assert info.value.problem is problem
    assert info.value.field == "full_name"
    assert isinstance(info.value, DomainError)
    assert info.value.message_vi


def test_clean_text_length_counts_composed_characters() -> None:
    # 14 composed characters but 18 code points when decomposed.
    assert clean_text(DECOMPOSED, field="n", max_len=14, required=True) == "Nguyễn Văn Đức"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("(024) 3825 1234", "02438251234"),
        ("0292 3821 234", "02923821234"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_phone_accepts(raw: str, expected: str) -> None:
    assert clean_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "091234567",
        "09123456789",
        "1912345678",
        "0012345678",
        "0912abc678",
        "+1 912 345 678",
        "0912/345/678",
        "09123456789012",
        "٠٩١٢٣٤٥٦٧٨",
    ],
)
def test_clean_phone_rejects(raw: str) -> None:
    with pytest.raises(PhoneInvalid) as info:
        clean_phone(raw)
    assert info.value.field == "phone"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        (" an.nguyen@Example.VN ", "an.nguyen@example.vn"),
        ("ubnd.phuong+mc@hanoi.gov.vn", "ubnd.phuong+mc@hanoi.gov.vn"),
    ],
)
def test_clean_email_accepts(raw: str, expected: str) -> None:
    assert clean_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "an",
        "an@",
        "@example.vn",
        "an@example",
        "an@@example.vn",
        "a n@example.vn",
        "an@exa_mple.vn",
        ".an@example.vn",
        "an..b@example.vn",
        "an@-x.vn",
        "an@1.2.3.4",
        "nguyễn@example.vn",
    ],
)
def test_clean_email_rejects(raw: str) -> None:
    with pytest.raises(EmailInvalid):
        clean_email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NGUYỄN VĂN A", "Nguyễn Văn A"),
        ("  đặng   thị  đào ", "Đặng Thị Đào"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        (DECOMPOSED.upper(), "Nguyễn Văn Đức"),
    ],
)
def test_title_case_name(raw: str, expected: str) -> None:
    assert title_case_name(raw) == expected
