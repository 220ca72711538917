"""Citizen ID card (CCCD) numbers and the QR code printed on the card."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ftfy.badness import is_bad

from counter_app.domain.errors import (
    CccdDateInvalid,
    CccdFormatInvalid,
    CccdGarbled,
    CccdMismatch,
    CccdNumberInvalid,
    CccdNumberProblem,
    PersonNameInvalid,
)
from counter_app.domain.text import fold, nfc

__all__ = [
    "PROVINCE_CODES",
    "CccdDateInvalid",
    "CccdFormatInvalid",
    "CccdGarbled",
    "CccdMismatch",
    "CccdNumberInvalid",
    "CccdNumberProblem",
    "CitizenId",
    "PersonNameInvalid",
    "Sex",
    "check_cccd_number",
    "check_person_name",
    "find_scan",
    "mask_id",
    "parse_cccd_qr",
    "province_of",
]

# Province part (first 3 digits) of the personal ID number, Circular 07/2016/TT-BCA
# (same as the statistics office's province codes). These are the 63 pre-2025 provinces:
# numbers already issued keep them after the 2025 mergers, so the table never shrinks.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An",
    "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

# Century of birth for each pair of G digits (even = male, odd = female), Decree 137/2015:
# 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 2300s.
_CENTURY_BY_G = {0: 1900, 1: 2000, 2: 2100, 3: 2200, 4: 2300}
# A scan typed into any field: 12 digits, then at least five more "|"-separated fields.
_SCAN_RE = re.compile(r"\d{12}\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|[^|\r\n]*(?:\|[^|\r\n]*)*")
_FULL_FIELDS = 7
_MIN_FIELDS = 6  # the issue date is sometimes missing on scans; it becomes None
_BIRTH, _ISSUED = "birth_date", "issued_on"


class Sex(StrEnum):
    """Sex as printed on the card."""

    MALE = "Nam"
    FEMALE = "Nữ"

    @classmethod
    def parse(cls, text: str) -> Sex:
        """Return the sex for "Nam"/"Nữ" in any case or without diacritics; raise ValueError."""
        key = fold(text)
        if key == "nam":
            return cls.MALE
        if key == "nu":
            return cls.FEMALE
        raise ValueError(f"not a sex: {text!r}")


@dataclass(frozen=True)
class CitizenId:
    """The personal data read from a CCCD QR code."""

    number: str
    old_id: str
    full_name: str
    birth_date: date
    sex: Sex
    address: str
    issued_on: date | None
    field_count: int = _FULL_FIELDS

    @property
    def incomplete(self) -> bool:
        """True for a six-field scan (no issue date): the official should look at the card."""
        return self.field_count < _FULL_FIELDS


def find_scan(text: str) -> tuple[str, str] | None:
    """Split a field's text into (what was there before, the CCCD scan) if it holds one.

    A 2D scanner in keyboard mode types into whatever field has the cursor, so any field can
    receive a scan; it is recognised by its shape (12 digits, then "|"-separated fields).
    """
    flat = text.replace("\r", "").replace("\n", "")
    m = _SCAN_RE.search(flat)
    if m is None:
        return None
    return (flat[: m.start()] + flat[m.end():]).strip(), m.group(0)


def check_person_name(name: str, *, field: str = "applicant_name") -> None:
    """Raise `PersonNameInvalid` for a name holding a digit or "|" (a stray scan)."""
    if "|" in name or any(ch.isdigit() for ch in name):
        raise PersonNameInvalid(name, field=field)


def _check_not_garbled(text: str) -> None:
    # "?" stands for a letter the scanner's keyboard layout could not type; is_bad spots
    # UTF-8 read as Windows-1252 ("Nguyá»…n"). Either way the text cannot be trusted: rescan.
    if "?" in text or "\ufffd" in text or is_bad(text):
        raise CccdGarbled(text)


def province_of(number: str) -> str | None:
    """Return the province name for the first three digits of an ID number, if known."""
    return PROVINCE_CODES.get(number[:3])


def _check_shape(number: str) -> None:
    if len(number) != 12 or not (number.isascii() and number.isdigit()):
        raise CccdNumberInvalid(number, problem=CccdNumberProblem.NOT_12_DIGITS)
    if number[:3] not in PROVINCE_CODES:
        raise CccdNumberInvalid(number, problem=CccdNumberProblem.UNKNOWN_PROVINCE)


def check_cccd_number(
    number: str, *, birth_date: date | None = None, sex: Sex | None = None
) -> None:
    """Check `PPP G YY RRRRRR` and, when given, cross-check G/YY with birth date and sex."""
    _check_shape(number)
    g = int(number[3])
    if birth_date is not None:
        if birth_date.year // 100 * 100 != _CENTURY_BY_G[g // 2]:
            raise CccdMismatch(number, part="century")
        if birth_date.year % 100 != int(number[4:6]):
            raise CccdMismatch(number, part="year")
    if sex is not None and (sex is Sex.FEMALE) != bool(g % 2):
        raise CccdMismatch(number, part="sex")


def _parse_date(text: str, *, field: str) -> date:
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise CccdDateInvalid(text, field=field)
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise CccdDateInvalid(text, field=field) from None


def _split_fields(text: str) -> list[str]:
    # Keyboard-wedge scanners append CR/LF (sometimes mid-text on slow hosts): drop them.
    flat = text.replace("\r", "").replace("\n", "")
    fields = [nfc(f) for f in nfc(flat).split("|")]
    if len(fields) < _MIN_FIELDS:
        raise CccdFormatInvalid(field_count=len(fields))
    return fields


def parse_cccd_qr(text: str) -> CitizenId:
    """Parse `CCCD12|CMND9|name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy[|...]` into a `CitizenId`."""
    fields = _split_fields(text)
    number, old_id, name, birth_text, sex_text, address = fields[:6]
    issued_text = fields[6] if len(fields) > 6 else ""
    if not name:
        raise CccdFormatInvalid(field_count=len(fields), field="full_name")
    _check_not_garbled(f"{name}|{address}")
    try:
        sex = Sex.parse(sex_text)
    except ValueError:
        raise CccdFormatInvalid(field_count=len(fields), field="sex") from None
    birth_date = _parse_date(birth_text, field=_BIRTH)
    issued_on = _parse_date(issued_text, field=_ISSUED) if issued_text else None
    if issued_on is not None and issued_on < birth_date:
        raise CccdDateInvalid(issued_text, field=_ISSUED)
    check_cccd_number(number, birth_date=birth_date, sex=sex)
    return CitizenId(
        number=number,
        old_id=old_id,
        full_name=name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        issued_on=issued_on,
        field_count=min(len(fields), _FULL_FIELDS),
    )


def mask_id(number: str) -> str:
    """Return the number with its middle third hidden ("001090123456" → "0010****3456")."""
    text = number.strip()
    keep = len(text) // 3
    if keep == 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]
