"""Each settings tab renders with realistic content; with SCREENSHOTS=1 the grabs are written to
docs/settings-<tab>.png (``SCREENSHOTS=1 uv run pytest tests/ui/test_ui_admin_screens.py``)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from test_ui_admin import FakePrinter, _write_csv

from counter_app.domain.calendar import CalendarOverride, OverrideKind
from counter_app.services.admin import AdminService
from ui.admin.settings_dialog import SettingsPresenters
from ui.printing import PrintSettings

DOCS = Path(__file__).resolve().parents[2] / "docs"
WAIT = 15_000


def _seed(svc, admin) -> None:  # type: ignore[no-untyped-def]
    cal = svc.calendar
    cal.set_override(
        admin, CalendarOverride(date(2026, 9, 4), OverrideKind.DAY_OFF, "Nghỉ bù Quốc khánh")
    )
    cal.set_override(
        admin, CalendarOverride(date(2026, 9, 12), OverrideKind.WORKING_DAY, "Làm bù cho ngày 04/9")
    )
    for weekday, code in ((0, "2.000815"), (2, "2.000815")):
        cal.set_no_appointment(
            admin, weekday=weekday, procedure_code=code, effective_from=date(2026, 11, 1)
        )
    svc.accounts.create_official(
        admin, username="maitt", full_name="Trần Thị Mai", password="mai-12345"
    )
    AdminService(svc.engine, svc.clock).set_active(admin, "maitt", False)


def test_every_tab_renders(qtbot, ui_services, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = ui_services.accounts.login("admin", "admin123")
    _seed(ui_services, admin)
    qsettings = QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)
    p = SettingsPresenters(
        None,
        ui_services,
        runner,
        admin,
        PrintSettings(receipt_page="a5", after_receive="print"),
        qsettings=qsettings,
        printer_factory=lambda ps: FakePrinter(),
    )
    qtbot.addWidget(p.dialog)
    p.dialog.resize(1080, 720)
    p.dialog.show()
    assert p.catalogue and p.calendar and p.officials and p.ward
    ui_services.queue.ensure_defaults()  # the ward tab lists the queue's services
    with qtbot.waitSignals(
        [p.catalogue.loaded, p.calendar.loaded, p.officials.loaded, p.ward.loaded], timeout=WAIT
    ):
        p.start()
    csv_path = tmp_path / "danh-muc.csv"
    _write_csv(csv_path)
    with qtbot.waitSignals([p.catalogue.imported, p.catalogue.loaded], timeout=WAIT):
        p.catalogue.view.import_requested.emit(str(csv_path))
    with qtbot.waitSignal(p.calendar.marks_loaded, timeout=WAIT):
        p.calendar.view.calendar.setCurrentPage(2026, 9)
    p.calendar.view.select_day(date(2026, 9, 3))
    p.officials.view.select_username("maitt")
    for key in p.dialog.pages:
        p.dialog.show_tab(key)
        qtbot.wait(50)  # one turn of the event loop for layout, not waiting on work
        image = p.dialog.grab().toImage()
        assert not image.isNull() and image.width() >= 1000
        if os.environ.get("SCREENSHOTS") == "1":
            image.save(str(DOCS / f"settings-{key}.png"))
