"""Issue 11, lists and dialogs: every matching row, sorting, filters, one dialog, preview on top."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from test_ui_dossier_list import receive_nhung
from ui_helpers import QR_NHUNG, RecordingOutput, type_text

from counter_app.domain.lifecycle import Status
from counter_app.domain.text import fold
from counter_app.services.demo import seed_dossiers
from counter_app.services.dossiers import DossierQuery
from ui.dossiers.detail_dialog import DossierDetailDialog
from ui.dossiers.presenter import PAGE, DossierListPresenter
from ui.dossiers.table_model import DossierTableModel
from ui.dossiers.view import DossierListView
from ui.printing import PdfPreviewDialog, PrintSettings, ReceiptOutput

SEEDED = PAGE + 30


@pytest.fixture
def big_list(qtbot, ui_services, runner, official):  # type: ignore[no-untyped-def]
    seed_dossiers(ui_services.engine, ui_services.clock, SEEDED)
    mine = receive_nhung(ui_services, official)
    view = DossierListView(DossierTableModel())
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    presenter = DossierListPresenter(view, ui_services, runner, output=RecordingOutput())
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        view.filter_buttons["all"].setChecked(True)
    return view, presenter, mine


def test_every_matching_row_is_reachable_by_scrolling(qtbot, big_list):  # type: ignore[no-untyped-def]
    view, presenter, _ = big_list
    assert view.model.rowCount() == PAGE
    assert str(SEEDED + 1) in view.count_label.text()  # the count is of all matches
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        bar = view.table.verticalScrollBar()
        bar.setValue(bar.maximum())
    assert view.model.rowCount() == SEEDED + 1
    codes = [view.model.dossier(r).code for r in range(view.model.rowCount())]
    assert len(set(codes)) == len(codes)


def test_header_click_sorts_every_row(qtbot, big_list):  # type: ignore[no-untyped-def]
    view, presenter, _ = big_list
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(view.model.APPLICANT) + 5
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    names = [fold(view.model.dossier(r).applicant_name) for r in range(view.model.rowCount())]
    assert names == sorted(names) or names == sorted(names, reverse=True)
    first = names[0]
    every = sorted(fold(d.applicant_name)
                   for d in presenter._services.dossiers.find(DossierQuery(limit=10_000)))
    assert first in (every[0], every[-1])


def test_filters_by_status_procedure_official_and_dates(qtbot, big_list, official):  # type: ignore[no-untyped-def]
    view, presenter, mine = big_list
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        view.status_combo.setCurrentIndex(view.status_combo.findData(int(Status.RECEIVED)))
    assert all(view.model.dossier(r).status is Status.RECEIVED
               for r in range(view.model.rowCount()))
    qtbot.waitUntil(lambda: view.procedure_combo.count() > 1, timeout=10_000)
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        view.procedure_combo.setCurrentIndex(view.procedure_combo.findData(mine.procedure_code))
    assert all(view.model.dossier(r).procedure_code == mine.procedure_code
               for r in range(view.model.rowCount()))
    qtbot.waitUntil(lambda: view.official_combo.findData(official.id) > 0, timeout=10_000)
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        view.official_combo.setCurrentIndex(view.official_combo.findData(official.id))
    assert {view.model.dossier(r).official_name for r in range(view.model.rowCount())} == {
        official.full_name}
    day = mine.received_at.date()
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        view.from_edit.setDate(day)
        view.to_edit.setDate(day)
        view.dates_check.setChecked(True)
    assert mine.code in [view.model.dossier(r).code for r in range(view.model.rowCount())]


def test_double_click_opens_one_dialog(qtbot, big_list, runner):  # type: ignore[no-untyped-def]
    view, presenter, _ = big_list
    rect = view.table.visualRect(view.model.index(0, view.model.CODE))
    with qtbot.waitSignal(presenter.detail_opened, timeout=10_000) as opened:
        # What a real double-click sends: press, release, then the double-click event.
        qtbot.mousePress(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseRelease(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.addWidget(opened.args[0])
    runner.wait_idle()
    QApplication.processEvents()
    dialogs = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, DossierDetailDialog) and w.isVisible()]
    dialogs += [w for w in view.findChildren(DossierDetailDialog) if w.isVisible()]
    assert len(set(dialogs)) == 1


def test_reprint_preview_opens_above_the_detail_dialog(qtbot, ui_services, runner, official):  # type: ignore[no-untyped-def]
    mine = receive_nhung(ui_services, official)
    view = DossierListView(DossierTableModel())
    qtbot.addWidget(view)
    view.show()
    output = ReceiptOutput(runner, PrintSettings(), view)
    presenter = DossierListPresenter(view, ui_services, runner, output=output)
    with qtbot.waitSignal(presenter.detail_opened, timeout=10_000) as opened:
        view.open_requested.emit(mine.code)
    dialog = opened.args[0]
    with qtbot.waitSignal(presenter.reprint_rendered, timeout=10_000):
        dialog.reprint_button.click()
    [preview] = dialog.findChildren(PdfPreviewDialog)
    assert preview.isVisible()
    preview.close()
    dialog.close()


def test_a_card_scanned_into_the_search_box_searches_its_number(qtbot, big_list):  # type: ignore[no-untyped-def]
    view, presenter, mine = big_list
    view.search_edit.setFocus()
    type_text(view.search_edit, QR_NHUNG)
    with qtbot.waitSignal(presenter.results_loaded, timeout=10_000):
        qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert view.search_edit.text() == "001190012345"
    assert [view.model.dossier(r).code for r in range(view.model.rowCount())] == [mine.code]
