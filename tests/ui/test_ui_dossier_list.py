"""The dossier list: model checked by qtmodeltester, search through the presenter, overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from ui_helpers import RecordingOutput

from counter_app.services.demo import seed_dossiers
from counter_app.services.dossiers import DossierQuery
from counter_app.services.intake import ComponentInput, IntakeRequest
from ui.dossiers.presenter import DossierListPresenter
from ui.dossiers.table_model import DossierTableModel
from ui.dossiers.view import DossierListView


def receive_nhung(svc, official):  # type: ignore[no-untyped-def]
    proc = svc.catalogue.in_force("2.000815", on=svc.clock.now().date())
    comps = tuple(ComponentInput(c.name, max(c.originals, 1), c.certified_copies, c.photocopies)
                  for c in proc.components)
    return svc.intake.receive(IntakeRequest(
        procedure_id=proc.id, applicant_name="Nguyễn Thị Hồng Nhung", id_number="001190012345",
        address="Số 12 ngõ 34 Thụy Khuê, Hà Nội", sex="Nữ", components=comps,
        phone="0912345678"), official=official)


def output_ready(presenter):  # type: ignore[no-untyped-def]
    """The signal after which a reprint has been handed to the output."""
    return presenter.reprint_rendered


@pytest.fixture
def listing(qtbot, ui_services, runner, official):  # type: ignore[no-untyped-def]
    seed_dossiers(ui_services.engine, ui_services.clock, 40)
    mine = receive_nhung(ui_services, official)
    view = DossierListView(DossierTableModel())
    qtbot.addWidget(view)
    output = RecordingOutput()
    presenter = DossierListPresenter(view, ui_services, runner, output=output)
    return view, presenter, mine, output


def test_model_passes_qtmodeltester(qtmodeltester, ui_services, listing):  # type: ignore[no-untyped-def]
    model = DossierTableModel()
    qtmodeltester.check(model)  # empty
    model.set_rows(ui_services.dossiers.find(DossierQuery(limit=500)), ui_services.clock.now())
    assert model.rowCount() > 10
    qtmodeltester.check(model)


def test_search_without_diacritics_finds_dossier(qtbot, listing):  # type: ignore[no-untyped-def]
    view, presenter, mine, _ = listing
    view.filter_buttons["all"].setChecked(True)
    with qtbot.waitSignal(presenter.results_loaded, timeout=5_000):
        view.search_edit.setFocus()
        qtbot.keyClicks(view.search_edit, "nguyen thi hong")  # debounced: one query
    codes = [view.model.dossier(r).code for r in range(view.model.rowCount())]
    assert mine.code in codes
    row = codes.index(mine.code)
    assert view.model.index(row, view.model.ID_NUMBER).data() == "0011****2345"
    assert "001190012345" not in [view.model.index(row, c).data()
                                   for c in range(view.model.columnCount())]


def test_overdue_row_is_highlighted(ui_services, ui_clock, listing):  # type: ignore[no-untyped-def]
    _, _, mine, _ = listing
    model = DossierTableModel()
    later = mine.due_at + timedelta(days=2)
    model.set_rows([mine], later)
    due = model.index(0, model.DUE)
    assert isinstance(model.index(0, model.CODE).data(Qt.ItemDataRole.BackgroundRole), QBrush)
    assert due.data(Qt.ItemDataRole.FontRole).bold()
    model.set_rows([mine], ui_clock.now())  # not yet due
    assert model.index(0, model.CODE).data(Qt.ItemDataRole.BackgroundRole) is None


def test_overdue_filter_and_detail_reprint(qtbot, listing):  # type: ignore[no-untyped-def]
    view, presenter, mine, output = listing
    with qtbot.waitSignal(presenter.results_loaded, timeout=5_000):
        view.filter_buttons["overdue"].setChecked(True)
    now = presenter._services.clock.now()
    assert all(view.model.dossier(r).is_overdue(now) for r in range(view.model.rowCount()))
    with qtbot.waitSignal(presenter.detail_opened, timeout=5_000) as opened:
        view.open_requested.emit(mine.code)
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert dialog.dossier.id_number == "001190012345"  # full number only here
    assert dialog.components.rowCount() == len(mine.components)
    with qtbot.waitSignal(output_ready(presenter), timeout=10_000):
        dialog.reprint_button.click()
    assert [c for c, _, _ in output.delivered] == [mine.code]
    assert output.delivered[0][1].startswith(b"%PDF")
