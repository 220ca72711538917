"""Issue 11, queue screens: statistics readable without "Xem", each recent call once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate

from counter_app.domain.clock import vn_datetime
from counter_app.services.queue_models import BoardPublic, CallPublic
from ui.queue.display import HallDisplayWindow
from ui.queue.stats_view import QueueStatsPresenter, QueueStatsView


def test_stats_headers_are_not_cut_off(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    view = QueueStatsView()
    qtbot.addWidget(view)
    presenter = QueueStatsPresenter(view, ui_services, runner)
    view.resize(1200, 500)
    with qtbot.waitSignal(presenter.stats_loaded, timeout=10_000):
        view.show()  # the tab opened: the figures come without pressing "Xem"
    header = view.table.horizontalHeader()
    metrics = header.fontMetrics()
    for col in range(view.model.columnCount()):
        text = view.model.headerData(col, header.orientation())
        widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        assert header.sectionSize(col) >= widest, text


def test_stats_follow_the_dates_and_show_them_day_first(qtbot, ui_services, runner):  # type: ignore[no-untyped-def]
    view = QueueStatsView()
    qtbot.addWidget(view)
    presenter = QueueStatsPresenter(view, ui_services, runner)
    assert view.date_from.displayFormat() == "dd/MM/yyyy"
    with qtbot.waitSignal(presenter.stats_loaded, timeout=10_000):
        view.date_from.setDate(QDate(2026, 11, 2))
    assert view.date_from.text() == "02/11/2026"


def test_hall_display_lists_each_recent_call_once(qtbot):  # type: ignore[no-untyped-def]
    view = HallDisplayWindow()
    qtbot.addWidget(view)
    at = vn_datetime(2026, 11, 25, 9, 0)
    a1 = CallPublic(id=3, ticket_uid="u1", number="A001", prefix="A", counter_no=1,
                    recall=True, priority=False, called_at=at)
    b1 = CallPublic(id=2, ticket_uid="u2", number="B001", prefix="B", counter_no=2,
                    recall=False, priority=False, called_at=at)
    first = replace(a1, id=1, recall=False)
    view.set_board(BoardPublic(ward_name="UBND", calls=(a1, b1, first), waiting=(),
                               day=date(2026, 11, 25)))
    shown = [num.text() for num, _ in view.rows if num.text()]
    assert shown == ["A001", "B001"]
