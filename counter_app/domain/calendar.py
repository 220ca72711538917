"""Working calendar: working days, reception time and due dates in working hours.

All instants are timezone-aware; computation happens on the wall clock of
Asia/Ho_Chi_Minh (no daylight saving since 1975, so wall-clock arithmetic is exact)
and results are returned in that zone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "VN_TZ",
    "CalendarOverride",
    "DurationKind",
    "OverrideKind",
    "WorkingCalendar",
    "WorkingHours",
    "parse_swaps",
    "to_vn",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A calendar with no working day for ten years is misconfigured; stop instead of looping.
_MAX_SEARCH_DAYS = 3660
_SATURDAY = 5
_NO_APPOINTMENT: Mapping[int, frozenset[str]] = MappingProxyType({})


def to_vn(dt: datetime) -> datetime:
    """Return the aware `dt` on the Vietnam wall clock; reject naive datetimes."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime not allowed: {dt!r}")
    return dt.astimezone(VN_TZ)


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of a working day (8 h by default) and the same-day cut-off."""

    morning_start: time = time(7, 30)
    morning_end: time = time(11, 30)
    afternoon_start: time = time(13, 0)
    afternoon_end: time = time(17, 0)
    same_day_cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        ordered = self.morning_start < self.morning_end <= self.afternoon_start
        if not (ordered and self.afternoon_start < self.afternoon_end):
            raise ValueError(f"working periods out of order: {self}")
        if not self.morning_start <= self.same_day_cutoff <= self.afternoon_end:
            raise ValueError(f"same-day cut-off outside office hours: {self}")

    def periods(self) -> tuple[tuple[time, time], tuple[time, time]]:
        """Return the morning and afternoon periods as (start, end) pairs."""
        return (self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end)

    def hours_per_day(self) -> float:
        """Return the working hours in one working day."""
        day = date(2000, 1, 3)
        total = sum(
            (datetime.combine(day, e) - datetime.combine(day, s) for s, e in self.periods()),
            timedelta(),
        )
        return total.total_seconds() / 3600


class OverrideKind(StrEnum):
    """How an override changes one day."""

    DAY_OFF = "day_off"  # compensatory or extra day off, e.g. the Tết schedule
    WORKING_DAY = "working_day"  # e.g. a Saturday worked in exchange for a bridge day


@dataclass(frozen=True)
class CalendarOverride:
    """An edited day of the calendar; it beats weekends and public holidays."""

    day: date
    kind: OverrideKind
    name: str


def parse_swaps(data: bytes) -> tuple[CalendarOverride, ...]:
    """The ``swaps`` of a shipped calendar file (``counter_app/data/calendar_vn.json``).

    Each entry is ``{day: "YYYY-MM-DD", kind: "day_off" | "working_day", name, source}``, the
    shape of an upstream ``calendar.override``; a bad entry raises ``ValueError`` (shipped data
    is checked by the tests, never half-loaded).
    """
    doc = json.loads(data)
    out = []
    for entry in doc["swaps"]:
        name = str(entry["name"]).strip()
        if not name:
            raise ValueError(f"swap without a name: {entry!r}")
        out.append(
            CalendarOverride(date.fromisoformat(entry["day"]), OverrideKind(entry["kind"]), name)
        )
    return tuple(sorted(out, key=lambda o: o.day))


class DurationKind(StrEnum):
    """How a procedure's legal time is counted."""

    SAME_DAY = "same_day"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


@lru_cache(maxsize=64)
def _vn_public_holidays(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of one year, built once per process.

    Building a year is slow (lunar calendar) and every intake builds a new calendar from the
    database, so the cache lives here, not in the instance. Only read with dates of ``year``,
    which never expands (mutates) the shared object.
    """
    return holidays.country_holidays("VN", years=year, language="vi")


class WorkingCalendar:
    """Working days = Mon–Fri minus public holidays, adjusted by overrides (which win).

    Public holidays come from `holidays.Vietnam`, including its known swaps: a Saturday the
    package lists as a make-up workday (`weekend_workdays`) counts as a working day.
    `use_public_holidays=False` ignores the package entirely (overrides then carry everything).
    Saturday-morning shifts are reception time only, never deadline time. With several
    overrides for one day, the last one wins.
    """

    def __init__(
        self,
        overrides: Iterable[CalendarOverride] = (),
        hours: WorkingHours = WorkingHours(),
        use_public_holidays: bool = True,
        saturday_reception: bool = True,
        no_appointment: Mapping[int, frozenset[str]] = _NO_APPOINTMENT,
    ) -> None:
        self._overrides = {o.day: o for o in overrides}
        self._hours = hours
        self._use_public_holidays = use_public_holidays
        self._saturday_reception = saturday_reception
        self._no_appointment = dict(no_appointment)

    @property
    def hours(self) -> WorkingHours:
        """Return the office hours used by this calendar."""
        return self._hours

    def _public(self, year: int) -> holidays.HolidayBase:
        return _vn_public_holidays(year)

    def public_holiday_name(self, d: date) -> str | None:
        """Return the public holiday's (Vietnamese) name on `d`, or None."""
        if not self._use_public_holidays:
            return None
        name = self._public(d.year).get(d)
        return None if name is None else str(name)

    def override_on(self, d: date) -> CalendarOverride | None:
        """Return the override for `d`, if any."""
        return self._overrides.get(d)

    def is_working_day(self, d: date) -> bool:
        """Return True on Mon–Fri that are no holiday or DAY_OFF, and on WORKING_DAY overrides."""
        override = self._overrides.get(d)
        if override is not None:
            return override.kind is OverrideKind.WORKING_DAY
        if self._use_public_holidays:
            public = self._public(d.year)
            if d in public:
                return False
            if d in public.weekend_workdays:
                return True
        return d.weekday() < _SATURDAY

    def has_saturday_shift(self, d: date) -> bool:
        """Return True if `d` is a non-working Saturday with a morning reception shift."""
        if not self._saturday_reception or d.weekday() != _SATURDAY or self.is_working_day(d):
            return False
        return d not in self._overrides and self.public_holiday_name(d) is None

    def is_reception_time(self, dt: datetime) -> bool:
        """Return True during office periods of working days and Saturday-shift mornings."""
        local = to_vn(dt)
        d, t = local.date(), local.time()
        if self.is_working_day(d):
            return any(start <= t < end for start, end in self._hours.periods())
        if self.has_saturday_shift(d):
            return self._hours.morning_start <= t < self._hours.morning_end
        return False

    def next_working_day(self, d: date) -> date:
        """Return the first working day strictly after `d`."""
        for offset in range(1, _MAX_SEARCH_DAYS):
            candidate = d + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days after {d}")

    def _periods_from(self, local: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield working periods (clipped to start at `local`) that end at or after `local`."""
        day = local.date()
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                for start, end in self._hours.periods():
                    period_end = datetime.combine(day, end, VN_TZ)
                    if period_end >= local:
                        yield max(datetime.combine(day, start, VN_TZ), local), period_end
            day += timedelta(days=1)
        raise ValueError(f"no working time within {_MAX_SEARCH_DAYS} days of {local}")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """Return the instant `hours` working hours after `start`.

        A start outside working time first moves to the start of the next working period
        (lunch → 13:00, evening/weekend/holiday → next working morning). A result exactly at
        a period's end stays there (17:00, not the next 07:30).
        """
        if hours < 0:
            raise ValueError(f"negative working hours: {hours}")
        remaining = timedelta(hours=hours)
        for cursor, end in self._periods_from(to_vn(start)):
            if remaining <= end - cursor:
                return cursor + remaining
            remaining -= end - cursor
        raise AssertionError("unreachable: _periods_from never ends normally")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Return working hours in [start, end]; negative if `end` is before `start`."""
        local_start, local_end = to_vn(start), to_vn(end)
        if local_end < local_start:
            return -self.working_hours_between(end, start)
        total = timedelta()
        for cursor, period_end in self._periods_from(local_start):
            if cursor >= local_end:
                break
            total += min(period_end, local_end) - cursor
        return total.total_seconds() / 3600

    def _same_day_due(self, local: datetime) -> datetime:
        """Today's 17:00 unless received "sau 15 giờ" (or on a day that is not working).

        The law says *after* 15:00: a reception at 15:00 is still on time for the same day;
        the clock is read to the minute, as printed on the receipt, so 15:00:59 is 15:00
        and 15:01 is after (docs/decisions.md).
        """
        d = local.date()
        to_minute = local.time().replace(second=0, microsecond=0)
        if not (self.is_working_day(d) and to_minute <= self._hours.same_day_cutoff):
            d = self.next_working_day(d)
        return datetime.combine(d, self._hours.afternoon_end, VN_TZ)

    def is_no_appointment(self, received_at: datetime, procedure_code: str) -> bool:
        """Return True if the procedure is returned same day on the reception weekday."""
        weekday = to_vn(received_at).weekday()
        return bool(procedure_code) and procedure_code in self._no_appointment.get(weekday, ())

    def due_at(
        self,
        received_at: datetime,
        *,
        kind: DurationKind,
        hours: int,
        procedure_code: str = "",
    ) -> datetime:
        """Return the legal return time of a dossier received at `received_at`.

        SAME_DAY (and no-appointment procedures on their weekday): afternoon end of the
        reception day if received on a working day at or before the cut-off minute, otherwise
        afternoon end of the next working day (after 15:00, Saturday shift, holiday). WORKING_HOURS and
        WORKING_DAYS (`hours` is always working hours, days × 8): `add_working_hours` from the
        reception instant; receptions outside working time count from the next working period.
        """
        local = to_vn(received_at)
        if kind is DurationKind.SAME_DAY or self.is_no_appointment(local, procedure_code):
            return self._same_day_due(local)
        if hours < 0:
            raise ValueError(f"negative legal time: {hours}")
        return self.add_working_hours(local, hours)
