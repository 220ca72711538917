"""The settings / administration dialog against a real temp store (DB work on the DB thread)."""

from __future__ import annotations

import csv
import json
from datetime import date, time
from pathlib import Path
from typing import ClassVar

import pytest
from PySide6.QtCore import QObject, QSettings, QTime, Signal
from sqlmodel import select

from counter_app.domain.calendar import OverrideKind
from counter_app.services.admin import AdminService
from counter_app.services.catalogue_io import CSV_COLUMNS, CatalogueFileInvalid
from counter_app.services.errors import LoginFailed, PermissionDenied, ValidationFailed
from db.engine import read_session
from db.models import Event
from ui.admin.calendar_view import HOLIDAY
from ui.admin.catalogue import CataloguePresenter, CatalogueView
from ui.admin.settings_dialog import SettingsPresenters
from ui.printing import PrintSettings

WAIT = 15_000


class FakePrinter(QObject):
    """Stands in for PdfPrinter: records the PDFs it is asked to print."""

    printed = Signal(str)
    print_failed = Signal(str)
    jobs: ClassVar[list[tuple[str, bytes]]] = []

    def print_pdf(self, pdf: bytes, *, printer_name: str = "", parent: object = None) -> bool:
        """Record instead of printing."""
        self.jobs.append((printer_name, pdf))
        return True


@pytest.fixture
def admin(ui_services):  # type: ignore[no-untyped-def]
    """The demo ward's administrator, logged in."""
    return ui_services.accounts.login("admin", "admin123")


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    """This PC's settings in a temp INI file."""
    return QSettings(str(tmp_path / "pc.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_for(qtbot, ui_services, runner, qsettings):  # type: ignore[no-untyped-def]
    """Build the dialog for an official (shown, so visibility can be checked)."""
    FakePrinter.jobs = []

    def build(who):  # type: ignore[no-untyped-def]
        p = SettingsPresenters(
            None,
            ui_services,
            runner,
            who,
            PrintSettings(),
            qsettings=qsettings,
            printer_factory=lambda ps: FakePrinter(),
        )
        qtbot.addWidget(p.dialog)
        p.dialog.show()
        return p

    return build


def _write_csv(path: Path) -> None:
    good = {
        "ma_thu_tuc": "1.999999",
        "ten_thu_tuc": "Thủ tục thử nghiệm nhập tệp",
        "ma_linh_vuc": "TN",
        "ten_linh_vuc": "Thử nghiệm",
        "thoi_han_loai": "ngày làm việc",
        "thoi_han_so": "3",
        "phi_loai": "miễn phí",
        "hieu_luc_tu": "01/07/2026",
        "thanh_phan": "Tờ khai",
        "ban_chinh": "1",
    }
    bad = {
        **good,
        "ma_thu_tuc": "1.888888",
        "ten_thu_tuc": "Thủ tục lỗi ngày",
        "hieu_luc_tu": "32/13/2026",
    }
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        w.writeheader()
        w.writerow(good)
        w.writerow(bad)


def test_non_admin_sees_only_printers(open_for, official) -> None:  # type: ignore[no-untyped-def]
    p = open_for(official)
    assert p.dialog.tab_titles() == ["Máy in"]
    assert p.catalogue is None and p.calendar is None and p.officials is None


def test_admin_sees_every_tab(open_for, admin) -> None:  # type: ignore[no-untyped-def]
    p = open_for(admin)
    assert p.dialog.tab_titles() == ["Máy in", "Danh mục thủ tục", "Lịch làm việc", "Cán bộ",
                                     "Đơn vị và quầy"]


def test_printer_settings_saved_per_pc(qtbot, open_for, official, qsettings) -> None:  # type: ignore[no-untyped-def]
    p = open_for(official)
    view = p.printers.view
    view.page.setCurrentIndex(view.page.findData("a5"))
    view.after_receive.setCurrentIndex(view.after_receive.findData("none"))
    view.kiosk.setChecked(True)
    with qtbot.waitSignal(p.dialog.print_settings_changed, timeout=WAIT) as saved:
        view.save_button.click()
    expected = PrintSettings(receipt_page="a5", after_receive="none", kiosk=True)
    assert saved.args[0] == expected
    assert PrintSettings.load(qsettings) == expected


def test_test_page_rendered_off_gui_and_sent(qtbot, open_for, official) -> None:  # type: ignore[no-untyped-def]
    p = open_for(official)
    with qtbot.waitSignal(p.printers.test_sent, timeout=WAIT) as sent:
        p.printers.view.test_receipt_button.click()
    kind, pdf = sent.args
    assert kind == "receipt" and pdf.startswith(b"%PDF")
    assert FakePrinter.jobs == [("", pdf)]
    p.printers.view.test_slip_button.click()  # no slip printer chosen: said at once
    assert "phiếu hẹn" in p.printers.view.status.text()


def test_import_csv_with_one_bad_row_shows_report(qtbot, open_for, admin, ui_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = open_for(admin)
    cat = p.catalogue
    with qtbot.waitSignal(cat.loaded, timeout=WAIT):
        p.start()
    before = cat.view.procedures.rowCount()
    path = tmp_path / "danh-muc.csv"
    _write_csv(path)
    reports = []
    cat.imported.connect(reports.append)
    with qtbot.waitSignals([cat.imported, cat.loaded], timeout=WAIT):
        cat.view.import_requested.emit(str(path))
    [report] = reports
    assert (report.added, len(report.rejected)) == (1, 1)
    rejected = cat.view.rejected
    assert rejected.rowCount() == 1
    assert rejected.index(0, 0).data() == "3"  # spreadsheet row of the bad line
    assert rejected.index(0, 1).data() == "1.888888"
    assert "hiệu lực" in rejected.index(0, 2).data().lower()
    assert not cat.view.report_box.isHidden() and "Thêm mới: 1" in cat.view.summary_label.text()
    codes = [cat.view.procedures.row_at(r).code for r in range(cat.view.procedures.rowCount())]
    assert "1.999999" in codes and len(codes) == before + 1
    # Recorded in the outbox in the name of the administrator logged in to the dialog.
    with read_session(ui_services.engine) as s:
        [event] = s.exec(select(Event).where(Event.type == "catalogue.imported")).all()
    assert event.official_id == admin.id
    payload = json.loads(event.payload)
    assert (payload["file_name"], payload["added"], payload["rejected"]) == ("danh-muc.csv", 1, 1)


def test_import_is_refused_to_a_non_admin(qtbot, ui_services, runner, official, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The presenter imports as the official it was given; the service refuses a non-admin."""
    presenter = CataloguePresenter(
        CatalogueView(), ui_services.catalogue, runner, official, date(2026, 11, 20)
    )
    qtbot.addWidget(presenter.view)
    path = tmp_path / "danh-muc.csv"
    _write_csv(path)
    with qtbot.waitSignal(presenter.failed, timeout=WAIT) as failed:
        presenter.view.import_requested.emit(str(path))
    assert isinstance(failed.args[0], PermissionDenied)
    assert presenter.view.errors.labels["file"].text() == failed.args[0].message_vi


def test_import_unreadable_file_error_at_file(qtbot, open_for, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = open_for(admin)
    p.dialog.show_tab("catalogue")
    path = tmp_path / "danh-muc.txt"
    path.write_text("x")
    with qtbot.waitSignal(p.catalogue.failed, timeout=WAIT) as failed:
        p.catalogue.view.import_requested.emit(str(path))
    assert isinstance(failed.args[0], CatalogueFileInvalid)
    label = p.catalogue.view.errors.labels["file"]
    assert label.isVisible() and label.text() == failed.args[0].message_vi


def test_export_writes_file(qtbot, open_for, admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = open_for(admin)
    path = tmp_path / "xuat.csv"
    with qtbot.waitSignal(p.catalogue.exported, timeout=WAIT) as done:
        p.catalogue.view.export_requested.emit(str(path))
    assert done.args[0] > 0 and "2.000815" in path.read_text(encoding="utf-8-sig")


def _loaded_calendar(qtbot, open_for, admin):  # type: ignore[no-untyped-def]
    p = open_for(admin)
    p.dialog.show_tab("calendar")
    with qtbot.waitSignal(p.calendar.loaded, timeout=WAIT):
        p.start()
    return p.calendar


def test_working_day_override_stored_and_removed(qtbot, open_for, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    cal = _loaded_calendar(qtbot, open_for, admin)
    view = cal.view
    saturday = date(2026, 11, 28)
    view.select_day(saturday)
    assert view.kind.currentData() == OverrideKind.WORKING_DAY  # the useful choice on a Saturday
    view.name_edit.setText("Làm bù cho ngày 02/5")
    with qtbot.waitSignals([cal.override_saved, cal.marks_loaded], timeout=WAIT):
        view.save_override_button.click()
    stored = ui_services.calendar.overrides()
    assert [(o.day, o.kind, o.name) for o in stored] == [
        (saturday, OverrideKind.WORKING_DAY, "Làm bù cho ngày 02/5")
    ]
    assert ui_services.calendar.calendar(on=saturday).is_working_day(saturday)
    assert view.mark_on(saturday).kind == "working_day"
    assert "Làm việc bù" in view.day_label.text()
    with qtbot.waitSignals([cal.override_saved, cal.marks_loaded], timeout=WAIT):
        view.remove_override_button.click()
    assert ui_services.calendar.overrides() == [] and view.mark_on(saturday) is None


def test_override_without_name_error_at_field(qtbot, open_for, admin) -> None:  # type: ignore[no-untyped-def]
    cal = _loaded_calendar(qtbot, open_for, admin)
    cal.view.select_day(date(2026, 11, 27))
    with qtbot.waitSignal(cal.failed, timeout=WAIT) as failed:
        cal.view.save_override_button.click()
    assert isinstance(failed.args[0], ValidationFailed)
    assert cal.view.override_errors.labels["name"].isVisible()


def test_public_holidays_marked(qtbot, open_for, admin) -> None:  # type: ignore[no-untyped-def]
    cal = _loaded_calendar(qtbot, open_for, admin)
    with qtbot.waitSignal(cal.marks_loaded, timeout=WAIT):
        cal.view.calendar.setCurrentPage(2026, 9)
    mark = cal.view.mark_on(date(2026, 9, 2))
    assert mark is not None and mark.kind == HOLIDAY and mark.name


def test_working_hours_checked_then_saved(qtbot, open_for, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    cal = _loaded_calendar(qtbot, open_for, admin)
    times = cal.view.times
    assert times["same_day_cutoff"].time() == QTime(15, 0)
    times["same_day_cutoff"].setTime(QTime(18, 0))
    with qtbot.waitSignal(cal.failed, timeout=WAIT):
        cal.view.save_hours_button.click()
    assert cal.view.hours_errors.labels["same_day_cutoff"].isVisible()
    times["same_day_cutoff"].setTime(QTime(15, 0))
    times["morning_start"].setTime(QTime(8, 0))
    with qtbot.waitSignal(cal.hours_saved, timeout=WAIT):
        cal.view.save_hours_button.click()
    hours = ui_services.calendar.calendar(on=date(2026, 11, 24)).hours
    assert hours.morning_start == time(8, 0) and hours.same_day_cutoff == time(15, 0)
    assert not cal.view.hours_errors.labels["same_day_cutoff"].isVisible()


def test_no_appointment_day_added_and_ended(qtbot, open_for, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    cal = _loaded_calendar(qtbot, open_for, admin)
    view = cal.view
    proc = ui_services.catalogue.in_force("2.000815", on=date(2026, 11, 24))
    assert view.picker.choose(proc.id)
    view.weekday.setCurrentIndex(view.weekday.findData(0))
    with qtbot.waitSignal(cal.rules_changed, timeout=WAIT):
        view.add_rule_button.click()
    assert view.rules.rowCount() == 1 and view.rules.index(0, 0).data() == "Thứ Hai"
    cal_on = ui_services.calendar.calendar(on=date(2026, 11, 24))
    assert cal_on.is_no_appointment(ui_services.clock.now().replace(day=30), "2.000815")
    view.picker.choose(proc.id)
    view.add_rule_button.click()  # the same again: refused at the field, nothing written
    assert view.noappt_errors.labels["procedure"].isVisible()
    view.rules_table.selectRow(0)
    with qtbot.waitSignal(cal.rules_changed, timeout=WAIT):
        view.remove_rule_button.click()
    assert view.rules.rowCount() == 0
    assert (
        AdminService(ui_services.engine, ui_services.clock).no_appointment_rules(
            on=date(2026, 11, 24)
        )
        == []
    )


def _loaded_officials(qtbot, open_for, admin):  # type: ignore[no-untyped-def]
    p = open_for(admin)
    p.dialog.show_tab("officials")
    with qtbot.waitSignal(p.officials.loaded, timeout=WAIT):
        p.start()
    return p.officials


def test_add_official_then_log_in(qtbot, open_for, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    off = _loaded_officials(qtbot, open_for, admin)
    view = off.view
    view.full_name.setText("Lê Thị Mai")
    view.username.setText("mailt")
    view.password.setText("mai12345")
    view.password2.setText("mai12345")
    with qtbot.waitSignals([off.official_added, off.loaded], timeout=WAIT):
        view.add_button.click()
    assert view.selected().username == "mailt" and view.full_name.text() == ""
    me = ui_services.accounts.login("mailt", "mai12345")
    assert (me.full_name, me.is_admin) == ("Lê Thị Mai", False)


def test_add_official_errors_at_fields(qtbot, open_for, admin) -> None:  # type: ignore[no-untyped-def]
    off = _loaded_officials(qtbot, open_for, admin)
    view = off.view
    view.full_name.setText("Trần Văn Đức")
    view.username.setText("canbo")
    view.password.setText("abc12345")
    view.password2.setText("khac")
    view.add_button.click()  # mismatch: said at once, no task
    assert view.errors.labels["password2"].isVisible()
    view.password2.setText("abc12345")
    with qtbot.waitSignal(off.failed, timeout=WAIT) as failed:
        view.add_button.click()
    assert isinstance(failed.args[0], ValidationFailed)
    assert view.errors.labels["username"].isVisible()
    assert not view.errors.labels["password2"].isVisible()


def test_disable_enable_and_reset_password(qtbot, open_for, admin, ui_services) -> None:  # type: ignore[no-untyped-def]
    off = _loaded_officials(qtbot, open_for, admin)
    view = off.view
    assert view.select_username("canbo")
    with qtbot.waitSignal(off.loaded, timeout=WAIT):
        view.toggle_button.click()
    assert not view.selected().active and view.toggle_button.text() == "Mở khoá tài khoản"
    with pytest.raises(LoginFailed):
        ui_services.accounts.login("canbo", "canbo123")
    with qtbot.waitSignal(off.loaded, timeout=WAIT):
        view.toggle_button.click()
    assert ui_services.accounts.login("canbo", "canbo123").username == "canbo"
    view.new_password.setText("moi-123456")
    view.new_password2.setText("moi-123456")
    with qtbot.waitSignal(off.loaded, timeout=WAIT):
        view.reset_button.click()
    assert ui_services.accounts.login("canbo", "moi-123456").username == "canbo"
    view.new_password.setText("123")
    view.new_password2.setText("123")
    with qtbot.waitSignal(off.failed, timeout=WAIT):
        view.reset_button.click()
    assert view.reset_errors.labels["new_password"].isVisible()


def test_admin_cannot_lock_self(qtbot, open_for, admin) -> None:  # type: ignore[no-untyped-def]
    off = _loaded_officials(qtbot, open_for, admin)
    assert off.view.select_username("admin")
    with qtbot.waitSignal(off.failed, timeout=WAIT) as failed:
        off.view.toggle_button.click()
    assert isinstance(failed.args[0], ValidationFailed)
    assert off.view.errors.labels["account"].isVisible()


def test_table_models(qtmodeltester, qtbot, open_for, admin) -> None:  # type: ignore[no-untyped-def]
    p = open_for(admin)
    with qtbot.waitSignals([p.catalogue.loaded, p.officials.loaded], timeout=WAIT):
        p.start()
    qtmodeltester.check(p.catalogue.view.procedures)
    qtmodeltester.check(p.officials.view.officials)


def test_open_settings_wiring_call(qtbot, ui_services, runner, admin) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.settings_dialog import open_settings

    with qtbot.waitSignal(
        runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=WAIT
    ):  # the tabs' reads finish before the store closes
        dialog = open_settings(None, ui_services, runner, admin, PrintSettings())
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and len(dialog.tab_titles()) == 5
    assert dialog.findChildren(CatalogueView)[0].procedures.rowCount() > 0
