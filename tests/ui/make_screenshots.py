"""Screenshots for the docs: the intake form filled for a citizen, and the dossier list.

Run: QT_QPA_PLATFORM=offscreen uv run python tests/ui/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from counter_app.domain.clock import FixedClock, vn_datetime  # noqa: E402
from counter_app.services.context import open_services  # noqa: E402
from counter_app.services.demo import ensure_demo_ward, seed_dossiers  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.printing import PrintSettings  # noqa: E402
from ui.style import apply_style  # noqa: E402
from ui.tasks import TaskRunner  # noqa: E402

QR = ("001190012345||Nguyễn Thị Hồng Nhung|15031990|Nữ|"
      "Số 12 ngõ 34 Thụy Khuê, phường Thụy Khuê, Hà Nội|01012022")


def wait_for(signal, ms: int = 10_000) -> None:  # type: ignore[no-untyped-def]
    """Spin the event loop until ``signal`` fires (or the timeout)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    """Build a demo store, open the main window, fill the form, grab both tabs."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_style(app)
    clock = FixedClock(vn_datetime(2026, 11, 25, 9, 40))  # a Wednesday morning
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Path(tmp) / "c.db", clock)
        ensure_demo_ward(svc.engine, clock)
        seed_dossiers(svc.engine, clock, 120)
        official = svc.accounts.login("canbo", "canbo123")
        runner = TaskRunner()
        win = MainWindow(svc, runner, official, svc.accounts.ward(),
                         PrintSettings(after_receive="none"))
        win.resize(1280, 800)
        win.show()
        win.start()
        wait_for(win.intake.procedures_loaded)
        wait_for(win.dossiers.results_loaded)
        view = win.intake_view
        view.scan_submitted.emit(QR)
        proc = svc.catalogue.in_force("2.000815", on=clock.now().date())
        view.picker.choose(proc.id)
        view.checklist.set_counts(1, 0, 0, 3)
        view.checklist.tick_required()  # F2: the official checked the required papers
        view.pages_spin.setValue(2)
        view.copies_spin.setValue(3)
        view.phone_edit.setText("0912 345 678")
        view.email_edit.setText("nhung.nth@example.vn")
        view.note_edit.setText("Chứng thực 03 bản sao giấy khai sinh")
        view.show_banner("Đã tiếp nhận hồ sơ 000.00.12.H26-261125-0007 — hẹn trả 17 giờ 00 phút,"
                         " ngày 25/11/2026")
        view.focus_scan()
        app.processEvents()
        docs = ROOT / "docs"
        docs.mkdir(exist_ok=True)
        win.grab().save(str(docs / "intake-window.png"))
        win.list_view.filter_buttons["all"].setChecked(True)
        wait_for(win.dossiers.results_loaded)
        win.tabs.setCurrentWidget(win.list_view)
        app.processEvents()
        win.grab().save(str(docs / "dossier-list.png"))
        runner.wait_idle()
        win.close()
        svc.close()
    print(docs / "intake-window.png", docs / "dossier-list.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
