"""Time: an injectable clock, the local zone, and the storage format (UTC ISO text)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Anything that tells the current time as an aware datetime."""

    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock tests set by hand (Saturday shift, 15:00 cut-off, Tết)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def now(self) -> datetime:
        """The instant the clock was set to."""
        return self._at

    def set(self, at: datetime) -> None:
        """Move the clock to ``at``."""
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at

    def advance(self, **kwargs: float) -> None:
        """Move the clock forward by a timedelta's keyword arguments."""
        self._at += timedelta(**kwargs)


def to_db(dt: datetime) -> str:
    """Storage text of an aware datetime: UTC ISO-8601 with microseconds (sorts as text)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    """Aware UTC datetime from storage text."""
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def local(dt: datetime) -> datetime:
    """The same instant in Asia/Ho_Chi_Minh."""
    return dt.astimezone(VN_TZ)


def local_day(dt: datetime) -> date:
    """The calendar day of an instant in Vietnam."""
    return local(dt).date()


def vn_datetime(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    """An aware datetime in Vietnam's zone (handy in tests and seeds)."""
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)
