"""Queue statistics: waiting and service time per service, counter and hour; CSV and XLSX.

Wait time = first call − issue (a transferred ticket keeps its issue time, so its wait counts
from the kiosk); service time = finish − start (a ticket finished without "start" counts from
its last call). Times are in minutes; the hour is the local hour of issue.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Engine
from sqlmodel import select

from counter_app.domain.clock import local
from counter_app.domain.queue import TicketStatus
from counter_app.services.queue_models import TicketPublic, ticket_public
from counter_app.services.spreadsheet import safe_row
from db.engine import read_session
from db.models import Ticket

HEADERS = (
    "Nhóm", "Giá trị", "Số phiếu", "Đã phục vụ", "Vắng mặt", "Đang chờ",
    "Chờ TB (phút)", "Chờ trung vị (phút)", "Chờ lâu nhất (phút)",
    "Phục vụ TB (phút)", "Phục vụ trung vị (phút)", "Phục vụ lâu nhất (phút)",
)
GROUP_LABELS = {"service": "Dịch vụ", "counter": "Quầy", "hour": "Giờ", "total": "Tổng"}


@dataclass(frozen=True)
class StatRow:
    """Counts and times of one group (a service, a counter, an hour, or everything)."""

    group: str  # service | counter | hour | total
    key: str  # "A — Chứng thực", "3", "09:00", ""
    tickets: int
    served: int
    no_shows: int
    waiting: int
    wait_avg: float | None
    wait_median: float | None
    wait_max: float | None
    service_avg: float | None
    service_median: float | None
    service_max: float | None

    def cells(self) -> tuple[object, ...]:
        """The row as exported (minutes rounded to 0.1)."""
        def r(v: float | None) -> object:
            return "" if v is None else round(v, 1)
        return (GROUP_LABELS[self.group], self.key, self.tickets, self.served, self.no_shows,
                self.waiting, r(self.wait_avg), r(self.wait_median), r(self.wait_max),
                r(self.service_avg), r(self.service_median), r(self.service_max))


@dataclass(frozen=True)
class QueueStats:
    """Statistics over a range of days (inclusive)."""

    day_from: date
    day_to: date
    total: StatRow
    by_service: tuple[StatRow, ...]
    by_counter: tuple[StatRow, ...]
    by_hour: tuple[StatRow, ...]

    def rows(self) -> list[StatRow]:
        """Every row: total first, then services, counters, hours."""
        return [self.total, *self.by_service, *self.by_counter, *self.by_hour]


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else (b - a).total_seconds() / 60


def stat_row(group: str, key: str, tickets: list[TicketPublic]) -> StatRow:
    """Aggregate one group of tickets."""
    waits = [w for t in tickets if (w := _minutes(t.issued_at, t.first_called_at)) is not None]
    served = [t for t in tickets if t.status is TicketStatus.DONE]
    times = [s for t in served if (s := _minutes(t.started_at, t.finished_at)) is not None]

    def agg(values: list[float]) -> tuple[float | None, float | None, float | None]:
        if not values:
            return None, None, None
        return statistics.fmean(values), statistics.median(values), max(values)

    return StatRow(group, key, len(tickets), len(served),
                   sum(t.status is TicketStatus.NO_SHOW for t in tickets),
                   sum(t.status is TicketStatus.WAITING for t in tickets),
                   *agg(waits), *agg(times))


def _grouped(group: str, tickets: Iterable[TicketPublic],
             key: Callable[[TicketPublic], str | None]) -> tuple[StatRow, ...]:
    buckets: dict[str, list[TicketPublic]] = defaultdict(list)
    for t in tickets:
        k = key(t)
        if k is not None:
            buckets[k].append(t)
    return tuple(stat_row(group, k, buckets[k]) for k in sorted(buckets))


def compute_stats(tickets: list[TicketPublic], day_from: date, day_to: date) -> QueueStats:
    """Statistics of a list of tickets (pure; the service reads them)."""
    return QueueStats(
        day_from, day_to,
        total=stat_row("total", "", tickets),
        by_service=_grouped("service", tickets, lambda t: f"{t.prefix} — {t.service_name}"),
        by_counter=_grouped("counter", tickets,
                            lambda t: None if t.counter_no is None else f"{t.counter_no:02d}"),
        by_hour=_grouped("hour", tickets, lambda t: f"{local(t.issued_at):%H}:00"),
    )


def load_stats(engine: Engine, day_from: date, day_to: date) -> QueueStats:
    """Read the tickets of the range and aggregate them."""
    with read_session(engine) as s:
        rows = s.exec(select(Ticket).where(Ticket.day >= day_from.isoformat(),
                                           Ticket.day <= day_to.isoformat()))
        tickets = [ticket_public(r) for r in rows]
    return compute_stats(tickets, day_from, day_to)


def stats_csv(stats: QueueStats) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel opens the Vietnamese headers correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(HEADERS))
    for row in stats.rows():
        writer.writerow(safe_row(row.cells()))
    return out.getvalue().encode("utf-8-sig")


def stats_xlsx(stats: QueueStats) -> bytes:
    """The same table as an Excel workbook, one sheet, bold headers, frozen top row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Thống kê hàng đợi"
    ws.append([f"Thống kê hàng đợi từ {stats.day_from:%d/%m/%Y} đến {stats.day_to:%d/%m/%Y}"])
    ws.append(safe_row(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in stats.rows():
        ws.append(safe_row(row.cells()))
    ws.freeze_panes = "A3"
    for col, width in zip("ABCDEFGHIJKL", (10, 34, 9, 11, 10, 9, 12, 16, 16, 14, 18, 18),
                          strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
