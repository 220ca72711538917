"""Tests for counter_app.domain.calendar (working days, reception time, due dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.calendar import (
    VN_TZ,
    CalendarOverride,
    DurationKind,
    OverrideKind,
    WorkingCalendar,
    WorkingHours,
)

DAYS = DurationKind.WORKING_DAYS
SAME = DurationKind.SAME_DAY
TET_2026 = [
    CalendarOverride(date(2026, 2, 14) + timedelta(days=i), OverrideKind.DAY_OFF, "Nghỉ Tết 2026")
    for i in range(9)  # 14–22/02/2026
]
CAL = WorkingCalendar()  # shared so hypothesis examples reuse the holiday cache


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


# --- the required scenarios --------------------------------------------------------------


def test_tet_2026_three_working_days() -> None:
    cal = WorkingCalendar(overrides=TET_2026)
    # The package alone already knows the five Tết days 16–20/02/2026.
    assert [d.day for d in _public_holidays_feb_2026()] == [16, 17, 18, 19, 20]
    received = vn(2026, 2, 13, 16, 30)  # Friday, 0.5 h left that day
    due = cal.due_at(received, kind=DAYS, hours=3 * 8)
    # 0.5 h Fri 13 + 8 h Mon 23 + 8 h Tue 24 + 7.5 h Wed 25.
    assert due == vn(2026, 2, 25, 16, 30)
    assert cal.working_hours_between(received, due) == 24
    # The official 14–22/02 break is the package's 16–20 plus two weekends, so the package
    # alone and the overrides alone (without the package) each give the same answer.
    assert CAL.due_at(received, kind=DAYS, hours=24) == due
    overrides_only = WorkingCalendar(overrides=TET_2026, use_public_holidays=False)
    assert overrides_only.due_at(received, kind=DAYS, hours=24) == due
    assert WorkingCalendar(use_public_holidays=False).due_at(received, kind=DAYS, hours=24) == (
        vn(2026, 2, 18, 16, 30)
    )


def _public_holidays_feb_2026() -> list[date]:
    days = (date(2026, 2, 1) + timedelta(days=i) for i in range(28))
    return [d for d in days if CAL.public_holiday_name(d) is not None]


def test_same_day_before_and_after_cutoff() -> None:
    assert CAL.due_at(vn(2026, 3, 10, 14, 59), kind=SAME, hours=0) == vn(2026, 3, 10, 17)
    assert CAL.due_at(vn(2026, 3, 10, 15, 0), kind=SAME, hours=0) == vn(2026, 3, 10, 17)
    assert CAL.due_at(vn(2026, 3, 10, 15, 5), kind=SAME, hours=0) == vn(2026, 3, 11, 17)


def test_same_day_after_cutoff_on_friday_before_tet() -> None:
    cal = WorkingCalendar(overrides=TET_2026)
    assert cal.due_at(vn(2026, 2, 13, 15, 5), kind=SAME, hours=0) == vn(2026, 2, 23, 17)


def test_same_day_received_on_saturday_shift() -> None:
    assert CAL.due_at(vn(2026, 3, 7, 9), kind=SAME, hours=0) == vn(2026, 3, 9, 17)


def test_saturday_intake_week_of_vietnam_cultural_day() -> None:
    # Installed holidays data (0.109) lists 24/11 "Ngày Văn hóa Việt Nam" from 2026 on,
    # so Tuesday 24/11/2026 is skipped: Mon 23 + Wed 25 + Thu 26.
    assert CAL.public_holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    due = CAL.due_at(vn(2026, 11, 21, 9), kind=DAYS, hours=24)
    assert due == vn(2026, 11, 26, 17)


def test_saturday_intake_plain_week() -> None:
    # Sat 7/3/2026 counts from Mon 9/3 07:30: Mon, Tue, Wed.
    assert CAL.due_at(vn(2026, 3, 7, 9), kind=DAYS, hours=24) == vn(2026, 3, 11, 17)


def test_swapped_working_saturday_counts() -> None:
    saturday = date(2026, 3, 14)
    swap = CalendarOverride(saturday, OverrideKind.WORKING_DAY, "Làm bù")
    cal = WorkingCalendar(overrides=[swap])
    assert cal.is_working_day(saturday) and not CAL.is_working_day(saturday)
    received = vn(2026, 3, 13, 9)  # Fri: 6.5 h, Sat: 8 h, then 1.5 h
    assert cal.due_at(received, kind=DAYS, hours=16) == vn(2026, 3, 16, 9)
    assert CAL.due_at(received, kind=DAYS, hours=16) == vn(2026, 3, 17, 9)


def test_package_swap_saturday_is_working_day() -> None:
    # holidays gives Mon 31/8/2026 off in exchange for working Sat 22/8/2026.
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not WorkingCalendar(use_public_holidays=False).is_working_day(date(2026, 8, 22))


def test_day_off_override_is_skipped() -> None:
    off = CalendarOverride(date(2026, 3, 11), OverrideKind.DAY_OFF, "Nghỉ bù")
    cal = WorkingCalendar(overrides=[off])
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.due_at(vn(2026, 3, 10, 7, 30), kind=DAYS, hours=16) == vn(2026, 3, 12, 17)
    assert cal.next_working_day(date(2026, 3, 10)) == date(2026, 3, 12)


def test_overrides_beat_public_holidays() -> None:
    work = CalendarOverride(date(2026, 11, 24), OverrideKind.WORKING_DAY, "Đi làm")
    assert WorkingCalendar(overrides=[work]).is_working_day(date(2026, 11, 24))


def test_no_appointment_day() -> None:
    cal = WorkingCalendar(no_appointment={2: frozenset({"1.004873"})})  # Wednesdays
    wednesday = vn(2026, 3, 11, 10)
    assert cal.due_at(wednesday, kind=DAYS, hours=24, procedure_code="1.004873") == vn(
        2026, 3, 11, 17
    )
    late = vn(2026, 3, 11, 15, 30)
    assert cal.due_at(late, kind=DAYS, hours=24, procedure_code="1.004873") == vn(2026, 3, 12, 17)
    other = cal.due_at(wednesday, kind=DAYS, hours=24, procedure_code="1.001612")
    assert other == vn(2026, 3, 16, 10)
    thursday = cal.due_at(vn(2026, 3, 12, 10), kind=DAYS, hours=24, procedure_code="1.004873")
    assert thursday == vn(2026, 3, 17, 10)


@pytest.mark.parametrize(
    "day",
    [date(2024, 4, 18), date(2025, 4, 7), date(2026, 4, 27), date(2027, 4, 16)],
)
def test_hung_kings_day_is_off(day: date) -> None:
    assert not CAL.is_working_day(day)
    assert "Hùng Vương" in (CAL.public_holiday_name(day) or "")


@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_national_day_is_off(year: int) -> None:
    assert not CAL.is_working_day(date(year, 9, 2))
    assert "Quốc khánh" in (CAL.public_holiday_name(date(year, 9, 2)) or "")


# --- working days and reception time -----------------------------------------------------


def test_weekends_and_ordinary_days() -> None:
    assert CAL.is_working_day(date(2026, 3, 10))
    assert not CAL.is_working_day(date(2026, 3, 7))
    assert not CAL.is_working_day(date(2026, 3, 8))
    assert CAL.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)
    assert CAL.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)


def test_without_public_holidays() -> None:
    cal = WorkingCalendar(use_public_holidays=False)
    assert cal.is_working_day(date(2026, 11, 24))
    assert cal.public_holiday_name(date(2026, 11, 24)) is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (vn(2026, 3, 10, 7, 30), True),
        (vn(2026, 3, 10, 7, 29), False),
        (vn(2026, 3, 10, 11, 30), False),
        (vn(2026, 3, 10, 12, 0), False),
        (vn(2026, 3, 10, 13, 0), True),
        (vn(2026, 3, 10, 16, 59), True),
        (vn(2026, 3, 10, 17, 0), False),
        (vn(2026, 3, 7, 9, 0), True),  # Saturday shift
        (vn(2026, 3, 7, 13, 30), False),  # Saturday afternoon
        (vn(2026, 3, 8, 9, 0), False),  # Sunday
        (vn(2027, 5, 1, 9, 0), False),  # Saturday that is Labour Day
        (vn(2026, 11, 24, 9, 0), False),  # public holiday
    ],
)
def test_is_reception_time(moment: datetime, expected: bool) -> None:
    assert CAL.is_reception_time(moment) is expected


def test_reception_time_respects_overrides_and_switch() -> None:
    tet = WorkingCalendar(overrides=TET_2026)
    assert not tet.is_reception_time(vn(2026, 2, 14, 9))  # Saturday inside the Tết break
    assert not WorkingCalendar(saturday_reception=False).is_reception_time(vn(2026, 3, 7, 9))


def test_reception_time_converts_from_other_zones() -> None:
    # 02:00 UTC is 09:00 in Vietnam.
    assert CAL.is_reception_time(datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    assert not CAL.is_reception_time(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))


# --- add_working_hours / working_hours_between -------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (vn(2026, 3, 10, 7, 30), 4, vn(2026, 3, 10, 11, 30)),  # ends at period end
        (vn(2026, 3, 10, 7, 30), 8, vn(2026, 3, 10, 17)),  # stays at 17:00
        (vn(2026, 3, 10, 11, 0), 1, vn(2026, 3, 10, 13, 30)),  # across lunch
        (vn(2026, 3, 10, 12, 0), 1, vn(2026, 3, 10, 14)),  # from lunch
        (vn(2026, 3, 10, 17, 0), 1, vn(2026, 3, 11, 8, 30)),  # from closing time
        (vn(2026, 3, 10, 18, 0), 0, vn(2026, 3, 11, 7, 30)),  # zero moves into work time
        (vn(2026, 3, 10, 6, 0), 0.25, vn(2026, 3, 10, 7, 45)),
        (vn(2026, 3, 6, 16, 0), 2, vn(2026, 3, 9, 8, 30)),  # over the weekend
    ],
)
def test_add_working_hours(start: datetime, hours: float, expected: datetime) -> None:
    assert CAL.add_working_hours(start, hours) == expected


def test_add_working_hours_returns_vietnam_time() -> None:
    result = CAL.add_working_hours(datetime(2026, 3, 10, 1, 0, tzinfo=UTC), 1)
    assert result.tzinfo == VN_TZ and result == vn(2026, 3, 10, 9)


def test_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_hours(datetime(2026, 3, 10, 9), 1)
    with pytest.raises(ValueError):
        CAL.add_working_hours(vn(2026, 3, 10, 9), -1)
    with pytest.raises(ValueError):
        CAL.due_at(vn(2026, 3, 10, 9), kind=DAYS, hours=-8)


def test_working_hours_between() -> None:
    assert CAL.working_hours_between(vn(2026, 3, 10, 9), vn(2026, 3, 10, 9)) == 0
    assert CAL.working_hours_between(vn(2026, 3, 10, 11), vn(2026, 3, 10, 14)) == 1.5
    assert CAL.working_hours_between(vn(2026, 3, 6, 16), vn(2026, 3, 9, 8, 30)) == 2
    assert CAL.working_hours_between(vn(2026, 3, 9, 8, 30), vn(2026, 3, 6, 16)) == -2
    assert CAL.working_hours_between(vn(2026, 3, 7, 8), vn(2026, 3, 8, 12)) == 0


def test_working_hours_validation() -> None:
    assert WorkingHours().hours_per_day() == 8
    with pytest.raises(ValueError):
        WorkingHours(morning_start=time(12, 0))
    with pytest.raises(ValueError):
        WorkingHours(same_day_cutoff=time(18, 0))


def test_custom_hours() -> None:
    hours = WorkingHours(
        morning_start=time(8), afternoon_end=time(17, 30), same_day_cutoff=time(16)
    )
    cal = WorkingCalendar(hours=hours)
    assert hours.hours_per_day() == 8
    assert cal.due_at(vn(2026, 3, 10, 15, 30), kind=SAME, hours=0) == vn(2026, 3, 10, 17, 30)


# --- properties --------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 1), timezones=st.just(VN_TZ)
)
kinds = st.sampled_from(list(DurationKind))


def _in_working_time(cal: WorkingCalendar, dt: datetime) -> bool:
    # Period ends count as inside: a due time of exactly 17:00 is within working time.
    t = dt.time()
    inside = any(start <= t <= end for start, end in cal.hours.periods())
    return dt.tzinfo == VN_TZ and cal.is_working_day(dt.date()) and inside


@given(instants, kinds, st.integers(0, 200))
def test_due_is_within_working_time(received: datetime, kind: DurationKind, hours: int) -> None:
    assert _in_working_time(CAL, CAL.due_at(received, kind=kind, hours=hours))


@given(instants, instants, kinds, st.integers(0, 200))
def test_due_is_monotonic_in_received_at(
    a: datetime, b: datetime, kind: DurationKind, hours: int
) -> None:
    early, late = sorted((a, b))
    assert CAL.due_at(early, kind=kind, hours=hours) <= CAL.due_at(late, kind=kind, hours=hours)


@given(instants, st.integers(0, 200), st.integers(0, 200))
def test_due_is_monotonic_in_hours(received: datetime, h1: int, h2: int) -> None:
    low, high = sorted((h1, h2))
    for kind in (DurationKind.WORKING_HOURS, DAYS):
        assert CAL.due_at(received, kind=kind, hours=low) <= CAL.due_at(
            received, kind=kind, hours=high
        )


@given(instants, st.integers(0, 100), st.integers(0, 100))
def test_add_working_hours_is_additive(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_hours(CAL.add_working_hours(start, a), b) == CAL.add_working_hours(
        start, a + b
    )


@given(instants, st.integers(0, 24 * 60 * 10))
def test_between_inverts_add(start: datetime, minutes: int) -> None:
    end = CAL.add_working_hours(start, minutes / 60)
    assert CAL.working_hours_between(start, end) == pytest.approx(minutes / 60)
