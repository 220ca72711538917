"""Text helpers for printed forms: NFC normalization and Vietnamese date wording."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import datetime
from typing import Any, TypeVar
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

T = TypeVar("T")


def nfc(text: str) -> str:
    """Return text in Unicode NFC (reportlab cannot position combining marks)."""
    return unicodedata.normalize("NFC", text)


def markup(text: str) -> str:
    """Return NFC text escaped for a platypus Paragraph."""
    return escape(nfc(text))


def normalize_data(value: T) -> T:
    """Return a copy of a dataclass tree with every string NFC-normalized."""
    return _normalize(value)  # type: ignore[no-any-return]


def _normalize(value: Any) -> Any:
    """Normalize one value of any supported kind."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, tuple):
        return tuple(_normalize(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _normalize(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def to_vn(moment: datetime) -> datetime:
    """Convert a tz-aware datetime to Vietnam time; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime cannot be printed: {moment!r}")
    return moment.astimezone(VN_TZ)


def time_phrase(moment: datetime) -> str:
    """Return '08 giờ 15 phút, ngày 22/11/2026' in Vietnam time."""
    local = to_vn(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def short_time(moment: datetime) -> str:
    """Return '08:15 ngày 22/11/2026' in Vietnam time."""
    local = to_vn(moment)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def place_date_line(place: str, moment: datetime) -> str:
    """Return '<place>, ngày 05 tháng 3 năm 2026' per Decree 30/2020 (zero before day<10, months 1-2)."""
    local = to_vn(moment)
    month = f"{local.month:02d}" if local.month <= 2 else str(local.month)
    return f"{nfc(place)}, ngày {local.day:02d} tháng {month} năm {local.year}"


def two_digits(number: int) -> str:
    """Return a count padded to two digits, as forms print it ('01 bộ')."""
    return f"{number:02d}"


def mask_id(number: str, *, keep: int = 3) -> str:
    """Return an ID number with all but its first and last `keep` digits hidden ('001******345')."""
    clean = number.strip()
    if len(clean) <= 2 * keep:
        return "*" * len(clean)
    return clean[:keep] + "*" * (len(clean) - 2 * keep) + clean[-keep:]
