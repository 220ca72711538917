"""ESC/POS output through python-escpos: printers built from a settings dict, raster by default.

Vietnamese in the printer's own text mode is unreliable: code pages differ per brand, CP1258
needs half-composed text, and the TCVN-3 table shipped in escpos-printer-db maps the capital
"Đ" to the wrong byte, so "ĐẤT ĐAI" prints with a stray glyph. Tickets and slips are therefore
rasterized (printing.raster) and sent as images; text mode exists only as an opt-in per printer
(``mode: "text"`` with a ``codepage``) for models whose table the ward has checked with the test
page, and even then a capital Đ is printed as "D" on TCVN code pages.
"""

from __future__ import annotations

import contextlib
import copy
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from escpos.escpos import Escpos
from escpos.printer import LP, CupsPrinter, Dummy, File, Network, Serial, Usb
from PIL import Image

from printing.fonts import Fonts, default_fonts
from printing.raster import RasterPage, dots_for

KINDS = ("network", "usb", "win32raw", "serial", "file", "cups", "lp", "dummy")


class PrinterConfigInvalid(ValueError):
    """A printer setting is missing or wrong; ``message_vi`` says which."""

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


class PrinterUnavailable(OSError):
    """The printer could not be reached or refused the job; ``message_vi`` for the screen."""

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


@dataclass(frozen=True)
class PrinterConfig:
    """One thermal printer, as stored in the settings (a plain dict round-trips)."""

    kind: str = "network"
    host: str = ""
    port: int = 9100
    timeout: float = 10.0
    vendor_id: int = 0  # USB ids, e.g. 0x0416
    product_id: int = 0
    printer_name: str = ""  # Windows / CUPS / LP queue name
    device: str = ""  # serial port (COM3, /dev/ttyUSB0) or file path (/dev/usb/lp0)
    baudrate: int = 9600
    width_mm: int = 80
    profile: str = ""  # python-escpos capability profile, e.g. "TM-T88V"; "" = default
    mode: str = "raster"  # raster | text (opt-in, see module docstring)
    codepage: str = ""  # text mode only, e.g. "TCVN-3-1"
    impl: str = "bitImageRaster"  # GS v 0; "graphics" or "bitImageColumn" for old models
    cut: bool = True

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PrinterConfig:
        """Build and check a config from settings; ids may be given as '0x0416' text."""
        known = {f.name: f.type for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            if key in ("vendor_id", "product_id") and isinstance(value, str):
                value = int(value, 0)
            values[key] = value
        cfg = cls(**values)
        cfg.check()
        return cfg

    def check(self) -> None:
        """Raise PrinterConfigInvalid for a setting that cannot work."""
        need = {"network": self.host, "usb": self.vendor_id and self.product_id,
                "win32raw": self.printer_name, "serial": self.device, "file": self.device}
        if self.kind not in KINDS:
            raise PrinterConfigInvalid(f"Loại máy in “{self.kind}” không được hỗ trợ.")
        if self.kind in need and not need[self.kind]:
            raise PrinterConfigInvalid(f"Thiếu thông tin kết nối cho máy in loại {self.kind}.")
        if self.width_mm not in (58, 80):
            raise PrinterConfigInvalid("Khổ giấy phải là 58 hoặc 80 mm.")
        if self.mode not in ("raster", "text"):
            raise PrinterConfigInvalid("Chế độ in phải là raster hoặc text.")


def make_printer(cfg: PrinterConfig) -> Escpos:
    """A python-escpos printer object for the config (connects on first use)."""
    extra: dict[str, Any] = {"profile": cfg.profile} if cfg.profile else {}
    if cfg.kind == "network":
        return Network(cfg.host, port=cfg.port, timeout=cfg.timeout, **extra)
    if cfg.kind == "usb":
        return Usb(cfg.vendor_id, cfg.product_id, **extra)
    if cfg.kind == "win32raw":
        if sys.platform != "win32":
            raise PrinterUnavailable("Máy in Win32Raw chỉ dùng được trên Windows.")
        from escpos.printer import Win32Raw  # needs pywin32; only on Windows

        return Win32Raw(cfg.printer_name, **extra)
    if cfg.kind == "serial":
        return Serial(cfg.device, baudrate=cfg.baudrate, **extra)
    if cfg.kind == "file":
        return File(cfg.device, **extra)
    if cfg.kind == "cups":
        return CupsPrinter(cfg.printer_name, **extra)
    if cfg.kind == "lp":
        return LP(cfg.printer_name, **extra)
    return Dummy(**extra)


def send_image(printer: Escpos, image: Image.Image, *, cfg: PrinterConfig) -> None:
    """Print a 1-bit page and cut."""
    _know_width(printer, dots_for(cfg.width_mm))
    printer.image(image, impl=cfg.impl, center=False)
    if cfg.cut:
        printer.cut()


def _know_width(printer: Escpos, dots: int) -> None:
    # Generic profiles leave the paper width "Unknown", and python-escpos then prints a warning
    # to stdout on every image; tell it the width of the roll (a copy: profile data is shared).
    data = printer.profile.profile_data
    if data.get("media", {}).get("width", {}).get("pixels") == "Unknown":
        data = copy.deepcopy(data)
        data["media"]["width"]["pixels"] = dots
        printer.profile.profile_data = data


def image_bytes(image: Image.Image, cfg: PrinterConfig | None = None) -> bytes:
    """The exact bytes a printer would receive for a page (python-escpos Dummy)."""
    cfg = cfg or PrinterConfig(kind="dummy")
    dummy = Dummy(**({"profile": cfg.profile} if cfg.profile else {}))
    send_image(dummy, image, cfg=cfg)
    return bytes(dummy.output)


def send_text(printer: Escpos, lines: list[tuple[str, bool]], *, cfg: PrinterConfig) -> None:
    """Text mode (opt-in): centred lines, (text, big) pairs, in the configured code page."""
    if cfg.codepage:
        printer.charcode(cfg.codepage)
    for text, big in lines:
        printer.set(align="center", bold=big, double_height=big, double_width=big)
        printer.textln(text_for_codepage(text, cfg.codepage))
    printer.set(align="left", bold=False, double_height=False, double_width=False)
    if cfg.cut:
        printer.cut()


def text_for_codepage(text: str, codepage: str) -> str:
    """NFC text, with capital Đ as D on TCVN tables (they map it wrongly, see module doc)."""
    text = unicodedata.normalize("NFC", text)
    return text.replace("Đ", "D") if codepage.upper().startswith("TCVN") else text


def deliver(cfg: PrinterConfig, image: Image.Image, text_lines: list[tuple[str, bool]], *,
            printer: Escpos | None = None) -> None:
    """Send one page to the configured (or given) printer, raster or opted-in text; closes it."""
    printer = printer or make_printer(cfg)
    try:
        if cfg.mode == "text":
            send_text(printer, text_lines, cfg=cfg)
        else:
            send_image(printer, image, cfg=cfg)
    except PrinterUnavailable:
        raise
    except Exception as exc:  # socket, USB, serial and CUPS errors all differ
        raise PrinterUnavailable(f"Không in được trên máy in ({cfg.kind}): {exc}") from exc
    finally:
        with contextlib.suppress(Exception):  # closing a printer that never opened
            printer.close()


TEST_LINES = (
    "TRANG IN THỬ — MÁY IN NHIỆT",
    "ĂÂĐÊÔƠƯ ăâđêôơư",
    "Ắ Ằ Ẳ Ẵ Ặ  Ấ Ầ Ẩ Ẫ Ậ  Ế Ề Ể Ễ Ệ",
    "Ố Ồ Ổ Ỗ Ộ  Ớ Ờ Ở Ỡ Ợ  Ứ Ừ Ử Ữ Ự",
    "Đất đai – Hộ tịch – Chứng thực",
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
)


def render_test_page(cfg: PrinterConfig, *, fonts: Fonts | None = None) -> Image.Image:
    """A test page: Vietnamese letters with every mark, a big number and the connection."""
    width = dots_for(cfg.width_mm)
    k = width / 576
    page = RasterPage(width, (fonts or default_fonts()).sans, margin=round(12 * k))
    page.fitted(TEST_LINES[0], round(30 * k), bold=True, space_after=6)
    for line in TEST_LINES[1:]:
        page.fitted(line, round(28 * k), space_after=4)
    page.fitted("A012", round(150 * k), bold=True)
    page.rule(thickness=2, length=1.0)
    where = cfg.host or cfg.printer_name or cfg.device or f"{cfg.vendor_id:#06x}:{cfg.product_id:#06x}"
    page.fitted(f"{cfg.kind} · {where} · {cfg.width_mm} mm · {width} điểm", round(22 * k))
    return page.render()


def print_test_page(cfg: PrinterConfig, *, fonts: Fonts | None = None) -> None:
    """Print the test page on the configured printer (raises PrinterUnavailable)."""
    deliver(cfg, render_test_page(cfg, fonts=fonts), [(line, i == 0) for i, line in
                                                     enumerate(TEST_LINES)])
