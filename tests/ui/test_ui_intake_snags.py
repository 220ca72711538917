"""Issue 11, intake: each snag an official hit on a busy day, reproduced, then fixed."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_ui_intake import PROCEDURE, pdf_text, pick, scan
from ui_helpers import QR_NHUNG, type_text

from counter_app.domain.clock import vn_datetime
from counter_app.services.dossiers import DossierQuery
from counter_app.services.errors import ValidationFailed
from ui.intake.presenter import IntakePresenter
from ui.intake.view import IntakeView

GARBLED = QR_NHUNG.replace("Nguyễn Thị Hồng Nhung", "Nguyá»…n Thá»‹ Há»“ng Nhung")
SIX_FIELDS = QR_NHUNG.rsplit("|", 1)[0]


@pytest.fixture
def intake(qtbot, ui_services, runner, official, output):  # type: ignore[no-untyped-def]
    view = IntakeView()
    qtbot.addWidget(view)
    view.resize(1280, 760)
    view.show()
    presenter = IntakePresenter(view, ui_services, runner, official, output=output)
    with qtbot.waitSignal(presenter.procedures_loaded, timeout=10_000):
        presenter.start()
    return view, presenter


@pytest.fixture
def bare_view(qtbot):  # type: ignore[no-untyped-def]
    view = IntakeView()
    qtbot.addWidget(view)
    view.show()
    return view


# --- 1. scanning ------------------------------------------------------------------------
def test_scan_typed_into_the_name_field_fills_the_form(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    view.name_edit.setFocus()
    type_text(view.name_edit, QR_NHUNG)
    qtbot.keyClick(view.name_edit, Qt.Key.Key_Return)
    assert view.name_edit.text() == "Nguyễn Thị Hồng Nhung"
    assert view.id_edit.text() == "001190012345"
    assert view.birth_edit.value() == date(1990, 3, 15)


def test_scan_typed_into_the_id_field_arrives_whole(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    view.id_edit.setFocus()
    type_text(view.id_edit, QR_NHUNG)
    qtbot.keyClick(view.id_edit, Qt.Key.Key_Return)
    assert view.id_edit.text() == "001190012345"
    assert view.name_edit.text() == "Nguyễn Thị Hồng Nhung"


def test_scan_typed_into_a_spin_box_is_a_scan_and_keeps_the_count(qtbot, bare_view):  # type: ignore[no-untyped-def]
    bare_view.sets_spin.setValue(2)
    bare_view.sets_spin.setFocus()
    with qtbot.waitSignal(bare_view.scan_submitted) as got:
        type_text(bare_view.sets_spin, QR_NHUNG)
        qtbot.keyClick(bare_view.sets_spin, Qt.Key.Key_Return)
    assert got.args == [QR_NHUNG]
    assert bare_view.sets_spin.value() == 2


def test_a_name_with_digits_is_refused(qtbot, intake):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    view.name_edit.setText("001190012345|Nguyễn")
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    with qtbot.waitSignal(presenter.receive_failed, timeout=5_000) as failed:
        view.receive_button.click()
    assert isinstance(failed.args[0], ValidationFailed)
    assert "applicant_name" in failed.args[0].errors


def test_mojibake_scan_asks_for_a_rescan(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    scan(qtbot, view, GARBLED)
    assert view.error_text("scan")
    assert view.name_edit.text() == ""


def test_six_field_scan_fills_and_warns(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    scan(qtbot, view, SIX_FIELDS)
    assert view.name_edit.text() == "Nguyễn Thị Hồng Nhung"
    assert view.error_text("scan")


# --- 2. intake form ---------------------------------------------------------------------
def test_enter_on_the_placeholder_example_picks_the_certified_copy(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    view.picker.setFocus()
    qtbot.keyClicks(view.picker, "chung thuc ban sao")
    view.picker.completer_.popup().hide()
    qtbot.keyClick(view.picker, Qt.Key.Key_Return)
    assert view.picker.text().startswith(PROCEDURE)


def test_frequent_procedures_come_first(qtbot, bare_view):  # type: ignore[no-untyped-def]
    bare_view.set_procedures([(1, "1.001193", "Đăng ký khai sinh", "Hộ tịch"),
                              (2, "1.000656", "Đăng ký khai tử", "Hộ tịch")])
    bare_view.picker.set_usage({"1.000656": 5})
    bare_view.picker.proxy.set_query("dang ky")
    assert bare_view.picker.proxy.index(0, 0).data().startswith("Đăng ký khai tử")


@pytest.mark.parametrize("typed", ["15031990", "15/03/1990"])
def test_birth_date_typed_and_tab_leaves(qtbot, bare_view, typed):  # type: ignore[no-untyped-def]
    bare_view.birth_edit.setFocus()
    qtbot.keyClicks(bare_view.birth_edit, typed)
    qtbot.keyClick(bare_view.birth_edit, Qt.Key.Key_Tab)
    assert bare_view.birth_edit.value() == date(1990, 3, 15)
    assert bare_view.birth_edit.text() == "15/03/1990"
    assert not bare_view.birth_edit.hasFocus()


def test_birth_date_is_never_silently_erased(qtbot, bare_view):  # type: ignore[no-untyped-def]
    bare_view.birth_edit.setFocus()
    qtbot.keyClicks(bare_view.birth_edit, "31/02/1990")
    qtbot.mouseClick(bare_view.birth_edit, Qt.MouseButton.LeftButton)
    qtbot.keyClick(bare_view.birth_edit, Qt.Key.Key_Tab)
    assert bare_view.birth_edit.text() == "31/02/1990"
    assert bare_view.error_text("birth_date")


def test_same_id_and_procedure_lately_warns(qtbot, intake, ui_services, official):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    view.checklist.tick_required()
    with qtbot.waitSignal(presenter.dossier_received, timeout=10_000):
        view.receive_button.click()
    scan(qtbot, view, QR_NHUNG)
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    [first] = ui_services.dossiers.find(DossierQuery(text="nhung"))
    qtbot.waitUntil(lambda: first.code in view.warning_label.text(), timeout=5_000)
    assert not view.warning_label.isHidden()


def test_intake_outside_office_hours_warns(qtbot, ui_services, ui_clock, runner, official, output):  # type: ignore[no-untyped-def]
    ui_clock.set(vn_datetime(2026, 11, 25, 19, 45))  # a Wednesday evening
    view = IntakeView()
    qtbot.addWidget(view)
    presenter = IntakePresenter(view, ui_services, runner, official, output=output)
    with qtbot.waitSignal(presenter.procedures_loaded, timeout=10_000):
        presenter.start()
    qtbot.waitUntil(lambda: "ngoài giờ" in view.warning_label.text(), timeout=10_000)
    view.name_edit.setText("Nguyễn")
    view.clear_requested.emit()  # the next citizen: still outside office hours
    assert "ngoài giờ" in view.warning_label.text() and not view.warning_label.isHidden()


def test_required_papers_start_unticked_and_f2_ticks_them(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    assert view.checklist.checked() == []
    qtbot.keyClick(view.picker, Qt.Key.Key_F2)
    assert view.checklist.checked()
    assert all(r.required for r in view.checklist.checked())


def test_escape_on_an_empty_form_does_not_ask(qtbot, bare_view, monkeypatch):  # type: ignore[no-untyped-def]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a))
    with qtbot.waitSignal(bare_view.clear_requested, timeout=1_000):
        qtbot.keyClick(bare_view.scan_edit, Qt.Key.Key_Escape)
    assert asked == []


def test_success_banner_clears_on_the_next_intake(qtbot, bare_view):  # type: ignore[no-untyped-def]
    bare_view.show_banner("Đã tiếp nhận hồ sơ X")
    qtbot.keyClicks(bare_view.name_edit, "Ng")
    assert bare_view.banner.isHidden()


def test_pages_and_copies_are_charged_stored_and_printed(qtbot, intake, ui_services):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    assert view.fee_counts.isVisible()
    view.pages_spin.setValue(3)
    view.copies_spin.setValue(2)
    view.checklist.tick_required()
    with qtbot.waitSignal(presenter.receipt_ready, timeout=10_000) as ready:
        view.receive_button.click()
    [d] = ui_services.dossiers.find(DossierQuery(text="nhung"))
    assert (d.fee_pages, d.fee_copies, d.fee_amount) == (3, 2, 2 * (2_000 * 2 + 1_000))
    assert "10.000 đ (3 trang/bản, 2 bản)" in pdf_text(ready.args[0])
