"""The main window assembles the screens; Qt printing renders PDF pages off the GUI thread."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QWidget

from ui.main_window import MainWindow
from ui.printing import PrintSettings, render_pages


def test_main_window_assembles(qtbot, ui_services, runner, official):  # type: ignore[no-untyped-def]
    win = MainWindow(ui_services, runner, official, ui_services.accounts.ward(),
                     PrintSettings(after_receive="none"))
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.intake.procedures_loaded, timeout=10_000), \
            qtbot.waitSignal(win.dossiers.results_loaded, timeout=10_000):
        win.start()
    assert win.windowTitle() == "Một cửa — UBND PHƯỜNG THỤY KHUÊ"
    assert "Trần Văn Đức" in win.official_label.text()
    assert win.counter_label.text() == "Quầy số 1"
    assert isinstance(win.findChild(QWidget, "sync_slot"), QWidget)
    menus = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert menus == ["Tệp", "Hồ sơ", "Trợ giúp"]
    actions = {a.text(): a for m in win.menuBar().actions() for a in m.menu().actions()}
    assert actions["Tiếp nhận mới"].shortcut() == QKeySequence("Ctrl+N")
    assert actions["Danh sách"].shortcut() == QKeySequence("F3")
    actions["Danh sách"].trigger()
    assert win.tabs.currentWidget() is win.list_view


def test_render_pages_runs_on_io_pool(qtbot, runner, ui_services, official):  # type: ignore[no-untyped-def]
    from counter_app.services.demo import seed_dossiers
    from counter_app.services.dossiers import DossierQuery
    from printing.slip import render_slip

    seed_dossiers(ui_services.engine, ui_services.clock, 1)
    [d] = ui_services.dossiers.find(DossierQuery())
    pdf = render_slip(ui_services.receipts.slip(d.code), width_mm=80)
    task = runner.run_io(render_pages, pdf, 203)
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as done:
        pass
    [image] = done.args[0]
    assert abs(image.width() - round(80 / 25.4 * 203)) <= 2  # 80 mm at 203 dpi


def _slip_pdf(ui_services) -> bytes:  # type: ignore[no-untyped-def]
    from counter_app.services.demo import seed_dossiers
    from counter_app.services.dossiers import DossierQuery
    from printing.slip import render_slip

    seed_dossiers(ui_services.engine, ui_services.clock, 1)
    [d] = ui_services.dossiers.find(DossierQuery())
    return render_slip(ui_services.receipts.slip(d.code), width_mm=80)


def test_preview_dialog_and_paint_to_printer(qtbot, runner, ui_services, tmp_path):  # type: ignore[no-untyped-def]
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter

    from ui.printing import ReceiptOutput, paint_pages

    pdf = _slip_pdf(ui_services)
    out = ReceiptOutput(runner, PrintSettings(after_receive="preview"))
    dialog = out.preview("X", pdf)
    qtbot.addWidget(dialog)
    if dialog.document.status() != QPdfDocument.Status.Ready:
        qtbot.waitSignal(dialog.document.statusChanged, timeout=5_000).wait()
    assert dialog.document.pageCount() == 1
    assert [b.text() for b in (dialog.print_button, dialog.save_button, dialog.close_button)] \
        == ["In", "Lưu PDF…", "Đóng"]

    task = runner.run_io(render_pages, pdf, 150)
    with qtbot.waitSignal(task.succeeded, timeout=10_000) as done:
        pass
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    paint_pages(printer, done.args[0])
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")
