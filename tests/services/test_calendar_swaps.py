"""The Government's 2026 day swaps shipped as data, merged under the store's overrides, and the
same-day rule "sau 15 giờ" (after 15:00) read to the minute (issue 11, item 6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from counter_app.domain.calendar import VN_TZ, DurationKind, OverrideKind, WorkingCalendar
from counter_app.services.calendar import CalendarService, shipped_swaps
from counter_app.sync.protocol import Change, ChangesPage
from counter_app.sync.store import apply_page
from db.engine import make_engine
from db.migrate import upgrade

SAME = DurationKind.SAME_DAY
DAYS = DurationKind.WORKING_DAYS
NOW = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(tmp_path / "t.db")
    upgrade(engine)
    return engine


@pytest.fixture
def cal(engine: Engine) -> WorkingCalendar:
    """The calendar an intake uses, on an empty store: holidays + the shipped swaps."""
    from counter_app.domain.clock import FixedClock

    return CalendarService(engine, FixedClock(NOW)).calendar(on=date(2026, 1, 5))


def test_the_shipped_file_holds_the_2026_swaps() -> None:
    swaps = {o.day: o.kind for o in shipped_swaps()}
    assert swaps == {
        date(2026, 1, 2): OverrideKind.DAY_OFF,
        date(2026, 1, 10): OverrideKind.WORKING_DAY,
        date(2026, 8, 22): OverrideKind.WORKING_DAY,
        date(2026, 8, 31): OverrideKind.DAY_OFF,
    }
    assert all(o.name for o in shipped_swaps())


def test_new_year_2026_friday_off_saturday_worked(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 1, 2))  # Fri 02/01 off by swap
    assert cal.is_working_day(date(2026, 1, 10))  # Sat 10/01 made up
    # Wed 31/12/2025 09:00 + 3 working days (24 h): 6.5 h Wed, Thu 1 and Fri 2 off,
    # 8 h Mon 5, 8 h Tue 6, 1.5 h Wed 7.
    assert cal.due_at(vn(2025, 12, 31, 9), kind=DAYS, hours=24) == vn(2026, 1, 7, 9)
    # A same-day procedure received Wed 31/12 after 15:00 is due Mon 05/01, not Fri 02/01.
    assert cal.due_at(vn(2025, 12, 31, 16), kind=SAME, hours=0) == vn(2026, 1, 5, 17)


def test_a_make_up_saturday_is_a_full_working_day(cal: WorkingCalendar) -> None:
    for sat in (date(2026, 1, 10), date(2026, 8, 22)):
        assert not cal.has_saturday_shift(sat)
        assert cal.is_reception_time(datetime.combine(sat, datetime.min.time(), VN_TZ)
                                     .replace(hour=14))  # the afternoon too
        # Same-day: due that Saturday at 17:00, not on the next Monday.
        assert cal.due_at(vn(sat.year, sat.month, sat.day, 9), kind=SAME, hours=0) == vn(
            sat.year, sat.month, sat.day, 17)
    # It counts for deadlines: 1 working day from Fri 09/01 17:00 ends Sat 10/01 17:00.
    assert cal.due_at(vn(2026, 1, 9, 17), kind=DAYS, hours=8) == vn(2026, 1, 10, 17)


def test_national_day_2026_monday_off_saturday_worked(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))
    # Fri 28/08 09:00 + 2 working days (16 h): 6.5 h Fri, then Sat 29 – Wed 02/09 off
    # (weekend, Mon 31 by swap, National Day), 8 h Thu 3, 1.5 h Fri 4.
    assert cal.due_at(vn(2026, 8, 28, 9), kind=DAYS, hours=16) == vn(2026, 9, 4, 9)


def test_swaps_hold_without_the_holidays_package(engine: Engine) -> None:
    """The shipped file alone carries the swaps (a `holidays` release may not know them)."""
    cal = WorkingCalendar(overrides=shipped_swaps(), use_public_holidays=False)
    assert not cal.is_working_day(date(2026, 1, 2))
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 1, 10)) and cal.is_working_day(date(2026, 8, 22))


def _pull_override(engine: Engine, day: str, kind: str, name: str) -> None:
    change = Change(seq=1, kind="calendar.override", created_at=NOW,
                    payload={"day": day, "kind": kind, "name": name})
    page = ChangesPage(changes=[change], next_cursor=1, has_more=False, last_seq=1,
                       server_time=NOW)
    apply_page(engine, page, own_device_id="d", now=NOW, checkpoint=lambda _: None)


def test_upstream_beats_the_shipped_data_and_the_rest_still_merges(engine: Engine) -> None:
    from counter_app.domain.clock import FixedClock

    _pull_override(engine, "2026-01-10", "day_off", "Không làm bù (quyết định mới)")
    cal = CalendarService(engine, FixedClock(NOW)).calendar(on=date(2026, 1, 5))
    assert not cal.is_working_day(date(2026, 1, 10))
    override = cal.override_on(date(2026, 1, 10))
    assert override is not None and override.name == "Không làm bù (quyết định mới)"
    assert not cal.is_working_day(date(2026, 1, 2))  # the shipped rest is kept
    assert cal.is_working_day(date(2026, 8, 22))


# --- "sau 15 giờ": strictly after 15:00, read to the minute -------------------------------


@pytest.mark.parametrize(("hh", "mm", "ss", "due_day"), [
    (14, 59, 0, 10),
    (15, 0, 0, 10),  # at 15:00 is not after 15:00
    (15, 0, 59, 10),  # still the 15:00 minute printed on the receipt
    (15, 1, 0, 11),  # after 15:00: next working day
    (16, 30, 0, 11),
])
def test_same_day_after_15_00_is_strictly_after(hh: int, mm: int, ss: int, due_day: int) -> None:
    cal = WorkingCalendar()
    received = vn(2026, 3, 10, hh, mm, ss)  # a Tuesday
    assert cal.due_at(received, kind=SAME, hours=0) == vn(2026, 3, due_day, 17)
