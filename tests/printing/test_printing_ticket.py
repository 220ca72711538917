"""Queue tickets and slips as thermal rasters and PDFs; ESC/POS bytes and printer settings."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from PIL import Image
from printing_sample_data import slip
from pypdf import PdfReader

from printing.escpos_out import (
    PrinterConfig,
    PrinterConfigInvalid,
    PrinterUnavailable,
    deliver,
    image_bytes,
    make_printer,
    render_test_page,
    send_text,
    text_for_codepage,
)
from printing.slip_raster import render_slip_image
from printing.ticket import TicketData, render_ticket_image, render_ticket_pdf, ticket_text_lines

TICKET = TicketData(
    agency_name="UBND PHƯỜNG THỤY KHUÊ", unit_name="BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
    service_name="Đất đai – Xây dựng", number="C012",
    issued_at=datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    waiting_ahead=4, priority=True, counters_text="2, 3",
    qr_url="https://dichvucong.example.vn/hang-doi/C012", footer="Vui lòng chờ đến lượt.",
)


@pytest.mark.parametrize(("width_mm", "dots"), [(80, 576), (58, 384)])
def test_raster_width_mode_and_qr(width_mm: int, dots: int) -> None:
    img = render_ticket_image(TICKET, width_mm=width_mm)
    assert img.mode == "1" and img.width == dots
    hist = img.convert("L").histogram()
    assert [i for i, n in enumerate(hist) if n] == [0, 255]  # thresholded: no grey left
    found = zxingcpp.read_barcodes(img.convert("L"))
    assert [b.text for b in found] == [TICKET.qr_url]


def test_big_number_dominates_the_ticket() -> None:
    img = render_ticket_image(replace(TICKET, qr_url="", priority=False)).convert("L")
    rows = [sum(1 for x in range(img.width) if img.getpixel((x, y)) == 0)
            for y in range(img.height)]
    # the tallest run of inked rows is the number: over a fifth of the page height
    best = run = 0
    for n in rows:
        run = run + 1 if n else 0
        best = max(best, run)
    assert best > img.height * 0.2


def test_pdf_text_is_vietnamese_nfc() -> None:
    pdf = render_ticket_pdf(replace(TICKET, service_name="Đất đai – Xây dựng"))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("C012", "SỐ THỨ TỰ", "Đất đai", "Số người chờ trước bạn: 4", "ƯU TIÊN"):
        assert expected in text
    assert float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width) == pytest.approx(226.77, 0.01)


def test_escpos_bytes_are_a_raster_image_and_a_cut() -> None:
    img = render_ticket_image(TICKET)
    raw = image_bytes(img)
    # GS v 0, mode 0, 72 bytes (576 dots) per line, then the image height
    assert raw.startswith(b"\x1dv0\x00" + (72).to_bytes(2, "little"))
    assert raw[6:8] == min(img.height, 960).to_bytes(2, "little")
    assert raw.endswith(b"\x1dVA\x00") or b"\x1dV" in raw[-8:]


def test_file_printer_receives_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "lp0"
    cfg = PrinterConfig.from_dict({"kind": "file", "device": str(out)})
    img = render_ticket_image(TICKET)
    deliver(cfg, img, ticket_text_lines(TICKET))
    assert out.read_bytes() == image_bytes(img, cfg)


def test_config_from_settings_dict() -> None:
    cfg = PrinterConfig.from_dict({"kind": "usb", "vendor_id": "0x0416", "product_id": "0x5011",
                                   "width_mm": 58, "unknown": 1})
    assert (cfg.vendor_id, cfg.product_id, cfg.width_mm) == (0x0416, 0x5011, 58)
    assert type(make_printer(PrinterConfig(kind="network", host="10.0.0.9"))).__name__ == "Network"
    for bad in ({"kind": "bluetooth"}, {"kind": "network"}, {"kind": "file", "device": "x",
                                                             "width_mm": 76}):
        with pytest.raises(PrinterConfigInvalid):
            PrinterConfig.from_dict(bad)


def test_unreachable_network_printer_is_a_typed_error() -> None:
    cfg = PrinterConfig(kind="network", host="127.0.0.1", port=9, timeout=1)
    with pytest.raises(PrinterUnavailable) as err:
        deliver(cfg, render_ticket_image(TICKET), [])
    assert "Không in được" in err.value.message_vi


def test_win32raw_refused_off_windows() -> None:
    import sys

    if sys.platform == "win32":
        pytest.skip("Windows has Win32Raw")
    with pytest.raises(PrinterUnavailable):
        make_printer(PrinterConfig(kind="win32raw", printer_name="XP-80C"))


def test_text_mode_is_opt_in_and_guards_capital_d() -> None:
    from escpos.printer import Dummy

    assert text_for_codepage("ĐẤT ĐAI", "TCVN-3-1") == "DẤT DAI"
    assert text_for_codepage("ĐẤT ĐAI", "CP1258") == "ĐẤT ĐAI"
    dummy = Dummy()
    send_text(dummy, [("A012", True)], cfg=PrinterConfig(kind="dummy", mode="text"))
    assert b"A012" in dummy.output


def test_test_page_and_slip_raster() -> None:
    page = render_test_page(PrinterConfig(kind="network", host="192.168.1.50", width_mm=58))
    assert page.width == 384 and page.mode == "1"
    slip_img = render_slip_image(slip())
    assert slip_img.width == 576
    assert [b.text for b in zxingcpp.read_barcodes(slip_img.convert("L"))] == [slip().lookup_url]


def test_rejects_other_roll_widths() -> None:
    with pytest.raises(ValueError):
        render_ticket_image(TICKET, width_mm=76)
    assert isinstance(render_ticket_image(TICKET, width_mm=58), Image.Image)
