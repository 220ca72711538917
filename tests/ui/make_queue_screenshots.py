"""Screenshots for docs/queue.md: the kiosk, the hall display, the 80 mm and 58 mm tickets.

Run: QT_QPA_PLATFORM=offscreen uv run python tests/ui/make_queue_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from escpos.printer import Dummy  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from counter_app.domain.clock import FixedClock, vn_datetime  # noqa: E402
from counter_app.services.context import open_services  # noqa: E402
from counter_app.services.demo import ensure_demo_ward  # noqa: E402
from counter_app.services.queue_models import QueueSettings  # noqa: E402
from printing.ticket import render_ticket_image  # noqa: E402
from ui.queue.display import DisplayPresenter, HallDisplayWindow  # noqa: E402
from ui.queue.kiosk import KioskPresenter, KioskWindow  # noqa: E402
from ui.queue.ticket_output import TicketPrinter  # noqa: E402
from ui.style import apply_style  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402

DOCS = ROOT / "docs"


def wait_for(signal, ms: int = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Spin the event loop until ``signal`` fires (or the timeout)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    """Write the four PNGs into docs/."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)  # type: ignore[arg-type]
    clock = FixedClock(vn_datetime(2026, 11, 24, 9, 30))
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Path(tmp) / "c.db", clock)
        ensure_demo_ward(svc.engine, clock)
        q = svc.queue
        q.ensure_defaults()
        q.save_service("C", "Đất đai – Xây dựng", counters=(2, 3), position=2)
        q.save_settings(QueueSettings(ticket_qr_url="https://dichvucong.example.vn/hang-doi/"
                                      "{number}"))
        for i, prefix in enumerate("AABBACDAABECA"):
            clock.advance(minutes=2)
            q.issue(prefix, priority=i == 4)
        for counter in (1, 2, 3, 4, 1, 2):
            clock.advance(minutes=1)
            busy = q.counter_state(counter).current
            if busy:
                q.finish(busy.uid)
            q.call_next(counter)
        ticket = q.issue("C", priority=True)
        data = q.ticket_print_data(ticket)
        render_ticket_image(data, width_mm=80).save(DOCS / "ticket-80mm.png")
        render_ticket_image(data, width_mm=58).save(DOCS / "ticket-58mm.png")

        runner = TaskRunner()
        display = HallDisplayWindow()
        presenter = DisplayPresenter(display, svc, runner)
        presenter.start()
        wait_for(presenter.board_shown)
        display.resize(1920, 1080)
        display.grab().save(str(DOCS / "hall-display.png"))
        presenter.stop()

        kiosk = KioskWindow()
        kp = KioskPresenter(kiosk, svc, runner, TicketPrinter(runner, {"kind": "dummy"},
                                                               printer=Dummy()))
        kp.start()
        kiosk.resize(1280, 1024)
        kiosk.show()
        wait_for(kp.print_failed, 300)  # let the services load
        kiosk.buttons["B"].click()
        wait_for(kp.ticket_printed)
        kiosk.priority_button.setChecked(True)  # shown pressed for the picture
        kiosk.grab().save(str(DOCS / "kiosk.png"))
        kiosk.unlock()
        kiosk.close()
        runner.wait_idle()
        svc.close()
    print("wrote", *(p.name for p in sorted(DOCS.glob("*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
