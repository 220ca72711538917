"""The intake screen end to end: scan, pick, receive, receipt PDF text and QR."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PySide6.QtCore import Qt
from sqlalchemy import text
from ui_helpers import QR_NHUNG, type_text

from counter_app.domain.calendar import DurationKind
from counter_app.domain.clock import local
from counter_app.services.dossiers import DossierQuery
from counter_app.services.errors import ValidationFailed
from counter_app.services.receipts import lookup_url
from ui.intake.presenter import IntakePresenter
from ui.intake.view import IntakeView

PROCEDURE = "Chứng thực bản sao từ bản chính"


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


def scan(qtbot, view, qr: str) -> None:  # type: ignore[no-untyped-def]
    view.scan_edit.setFocus()
    type_text(view.scan_edit, qr)
    qtbot.keyClick(view.scan_edit, Qt.Key.Key_Return)


def pick(qtbot, view, typed: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the picker, then choose the row named ``name`` in the popup with the keys."""
    qtbot.keyClicks(view.picker, typed)
    popup = view.picker.completer_.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    names = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    target = next(i for i, n in enumerate(names) if n.startswith(name))
    for _ in range(target + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    raw = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(raw.split())


def test_receive_end_to_end(qtbot, intake, ui_services, ui_clock, output, tmp_path):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    assert view.name_edit.text() == "Nguyễn Thị Hồng Nhung"
    assert view.id_edit.text() == "001190012345"
    assert view.birth_edit.value() == date(1990, 3, 15)
    assert view.sex_combo.currentText() == "Nữ"
    assert view.address_edit.text() == "Số 12 ngõ 34 Thụy Khuê, phường Thụy Khuê, Hà Nội"
    assert view.error_text("scan") == ""

    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    proc = ui_services.catalogue.in_force("2.000815", on=local(ui_clock.now()).date())
    assert view.picker.chosen_id() == proc.id
    assert view.time_label.text() == proc.processing_time_text
    assert len(view.checklist.rows()) == len(proc.components)
    view.checklist.count_box(0, 2).setValue(3)  # three photocopies of the first paper
    qtbot.keyClick(view.picker, Qt.Key.Key_F2)  # the official checked the required papers
    view.phone_edit.setText("0912 345 678")

    with qtbot.waitSignal(presenter.receipt_ready, timeout=10_000) as ready:
        qtbot.mouseClick(view.receive_button, Qt.MouseButton.LeftButton)
    pdf: bytes = ready.args[0]
    (tmp_path / "receipt.pdf").write_bytes(pdf)

    [stored] = ui_services.dossiers.find(DossierQuery(text="nhung"))
    d = ui_services.dossiers.get(stored.code)
    cal = ui_services.calendar.calendar(on=local(ui_clock.now()).date())
    expected_due = cal.due_at(ui_clock.now(), kind=DurationKind(proc.duration_kind),
                              hours=proc.duration_hours, procedure_code=proc.code)
    assert d.due_at == expected_due
    due = local(expected_due)
    due_phrase = f"{due:%H} giờ {due:%M} phút, ngày {due:%d/%m/%Y}"

    body = pdf_text((tmp_path / "receipt.pdf").read_bytes())
    for expected in ("UBND PHƯỜNG THỤY KHUÊ", "Nguyễn Thị Hồng Nhung", proc.name, due_phrase,
                     "Trần Văn Đức", d.code):
        assert expected in body, expected

    doc = pypdfium2.PdfDocument(pdf)
    image = doc[0].render(scale=3).to_pil()
    doc.close()
    decoded = {r.text for r in zxingcpp.read_barcodes(image)
               if r.format == zxingcpp.BarcodeFormat.QRCode}
    ward = ui_services.accounts.ward()
    assert decoded == {lookup_url(ward.lookup_url_base, d.code, d.verify_token)}
    assert f"https://dichvucong.example.vn/tra-cuu/{d.code}?t={d.verify_token}" in decoded

    # The record and its outbox event are in the database.
    assert d.applicant_name == "Nguyễn Thị Hồng Nhung"
    assert d.official_name == "Trần Văn Đức"
    assert any(c.photocopies == 3 for c in d.components)
    with ui_services.engine.connect() as conn:
        events = conn.execute(text("SELECT type FROM event WHERE entity_uid = :u"),
                              {"u": d.uid}).scalars().all()
    assert events == ["dossier.received"]

    # The screen: banner with code and due date, empty form, cursor back in the scan field.
    assert f"Đã tiếp nhận hồ sơ {d.code} — hẹn trả {due_phrase}" == view.banner.text()
    assert view.name_edit.text() == "" and view.picker.chosen_id() is None
    assert view.focusWidget() is view.scan_edit
    assert [code for code, _, _ in output.delivered] == [d.code]


def test_invalid_id_number_saves_and_prints_nothing(qtbot, intake, ui_services, output):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    view.id_edit.setText("001290012345")  # G=2: a man born in the 2000s, not this woman
    pick(qtbot, view, "chung thuc ban sao", PROCEDURE)
    view.checklist.tick_required()
    before = ui_services.dossiers.count()
    with qtbot.waitSignal(presenter.receive_failed, timeout=10_000) as failed:
        qtbot.keyClick(view.name_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(failed.args[0], ValidationFailed)
    assert "id_number" in failed.args[0].errors
    assert view.error_text("id_number") == failed.args[0].errors["id_number"]
    assert view.id_edit.property("error") is True
    assert ui_services.dossiers.count() == before
    assert output.delivered == []
    assert view.name_edit.text() == "Nguyễn Thị Hồng Nhung"  # the form keeps what was typed


def test_bad_scan_shows_message_beside_field(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    scan(qtbot, view, "không phải mã CCCD")
    assert view.error_text("scan")
    assert view.name_edit.text() == ""


def test_receive_without_procedure_marks_procedure(qtbot, intake):  # type: ignore[no-untyped-def]
    view, presenter = intake
    scan(qtbot, view, QR_NHUNG)
    with qtbot.waitSignal(presenter.receive_failed, timeout=5_000):
        view.receive_button.click()
    assert view.error_text("procedure")


def test_picker_matches_without_diacritics(qtbot, intake):  # type: ignore[no-untyped-def]
    view, _ = intake
    view.picker.proxy.set_query("CHUNG THUC")
    names = [view.picker.proxy.index(r, 0).data() for r in range(view.picker.proxy.rowCount())]
    assert any(n.startswith(PROCEDURE) for n in names)
    assert not any("khai sinh" in n for n in names)
    view.picker.proxy.set_query("2.000815")
    assert view.picker.proxy.rowCount() == 1
