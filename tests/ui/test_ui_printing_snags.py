"""Issue 11, printing: no printer is said in Vietnamese, a file is not paper, the slip has a GUI."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from counter_app.domain.clock import vn_datetime
from printing.model import AgencyHeader, SlipData
from printing.slip import render_slip
from ui.printing import PdfPreviewDialog, PrintSettings, ReceiptOutput


@pytest.fixture
def slip_pdf() -> bytes:
    at = vn_datetime(2026, 11, 25, 9, 0)
    return render_slip(SlipData(
        header=AgencyHeader(agency_name="UBND PHƯỜNG THỤY KHUÊ",
                            unit_name="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", place_name="Hà Nội"),
        dossier_code="X-1", applicant_name="Nguyễn Thị Hồng Nhung",
        procedure_name="Chứng thực bản sao từ bản chính", received_at=at, due_at=at,
        lookup_url="https://example.vn/X-1", official_name="Trần Văn Đức",
        counter_name="Quầy số 1"))


@pytest.fixture
def output(qtbot, runner):  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    return ReceiptOutput(runner, PrintSettings(), parent)


def test_no_printer_is_said_in_vietnamese(qtbot, output, slip_pdf, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QPrinterInfo, "availablePrinterNames", staticmethod(lambda: []))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    dlg = output.preview("X-1", slip_pdf)
    qtbot.addWidget(dlg)
    dlg.print_button.click()
    assert "chưa có máy in" in dlg.status.text()
    assert "Đã gửi" not in dlg.status.text()


def test_print_to_file_is_not_called_printed(qtbot, output, slip_pdf, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    target = tmp_path / "out.pdf"

    def accept_to_file(self):  # type: ignore[no-untyped-def]
        self.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrinterInfo, "availablePrinterNames", staticmethod(lambda: ["PDF"]))
    monkeypatch.setattr(QPrintDialog, "exec", accept_to_file)
    dlg = output.preview("X-1", slip_pdf)
    qtbot.addWidget(dlg)
    dlg.print_button.click()
    assert "Đã gửi" not in dlg.status.text()
    qtbot.waitUntil(lambda: "Chưa in ra giấy" in dlg.status.text(), timeout=10_000)
    assert Path(target).stat().st_size > 0


def test_the_slip_can_be_previewed_printed_and_saved(qtbot, output, slip_pdf):  # type: ignore[no-untyped-def]
    dlg = output.preview("X-1", slip_pdf, slip_pdf)
    qtbot.addWidget(dlg)
    assert dlg.slip_button.isVisibleTo(dlg)
    dlg.slip_button.click()
    [slip] = dlg.findChildren(PdfPreviewDialog)
    assert slip.windowTitle() == "Phiếu hẹn X-1"
    assert slip.print_button.isVisible() and slip.save_button.isVisible()
    assert slip.pdf_bytes() == slip_pdf
