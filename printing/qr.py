"""Vector QR codes (error correction M, 4-module quiet zone) for reportlab."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

QUIET_MODULES = 4

Run = tuple[int, int, int]  # (row, first column, length) of dark modules


@lru_cache(maxsize=64)
def qr_matrix(value: str) -> tuple[tuple[bool, ...], ...]:
    """Return the QR module matrix for value (no quiet zone), dark = True."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(value.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _runs(matrix: tuple[tuple[bool, ...], ...]) -> Iterator[Run]:
    """Yield horizontal runs of dark modules, row by row."""
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


@lru_cache(maxsize=64)
def qr_rects(value: str) -> tuple[tuple[int, int, int, int], ...]:
    """Return dark areas as (row, column, width, height) rectangles, identical runs merged down."""
    runs = set(_runs(qr_matrix(value)))
    rects = []
    for r, c, n in sorted(runs):
        if (r - 1, c, n) in runs:
            continue  # already covered by the rectangle started above
        height = 1
        while (r + height, c, n) in runs:
            height += 1
        rects.append((r, c, n, height))
    return tuple(rects)


def total_modules(value: str) -> int:
    """Return the symbol width in modules including both quiet zones."""
    return len(qr_matrix(value)) + 2 * QUIET_MODULES


def draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """Draw the QR (quiet zone included) as one vector path in the square at (x, y)."""
    modules = total_modules(value)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.translate(x, y)
    canvas.scale(size / modules, size / modules)  # draw in whole modules: short PDF operators
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    top = modules - QUIET_MODULES
    for r, c, n, h in qr_rects(value):
        path.rect(QUIET_MODULES + c, top - r - h, n, h)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A platypus flowable drawing a vector QR code of value, size points square."""

    def __init__(self, value: str, size: float, h_align: str = "CENTER") -> None:
        super().__init__()
        self.value = value
        self.size = size
        self.width = self.height = size
        self.hAlign = h_align

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Return the fixed size of the symbol."""
        return self.size, self.size

    def draw(self) -> None:
        """Draw the symbol at the flowable's origin."""
        draw_qr(self.canv, self.value, 0, 0, self.size)


def qr_flowable(value: str, size: float) -> QrFlowable:
    """Return a centred platypus flowable of the QR (quiet zone included), size points wide."""
    return QrFlowable(value, size)
