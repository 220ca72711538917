"""Small platypus building blocks shared by the forms and the slips."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from printing.fonts import FontFamily
from printing.text import markup


def style(family: FontFamily, size: float, *, bold: bool = False, italic: bool = False,
          align: int = TA_LEFT, leading: float = 1.3, space_after: float = 0.0) -> ParagraphStyle:
    """Return a paragraph style in the family; leading is a multiple of size."""
    face = {(False, False): family.regular, (True, False): family.bold,
            (False, True): family.italic, (True, True): family.bold_italic}[(bold, italic)]
    return ParagraphStyle(f"{face}-{size}-{align}", fontName=face, fontSize=size,
                          leading=size * leading, alignment=align, spaceAfter=space_after)


def para(text: str, paragraph_style: ParagraphStyle) -> Paragraph:
    """Return a Paragraph of plain text (NFC-normalized and escaped)."""
    return Paragraph(markup(text), paragraph_style)


def labelled(label: str, value: str, paragraph_style: ParagraphStyle, *,
             bold_value: bool = False) -> Paragraph:
    """Return 'Label: value' with the value optionally bold."""
    shown = f"<b>{markup(value)}</b>" if bold_value else markup(value)
    return Paragraph(f"{markup(label)}: {shown}", paragraph_style)


def fitted_size(text: str, font_name: str, size: float, width: float) -> float:
    """Return size, shrunk if needed so that text fits on one line of width."""
    natural = float(stringWidth(text, font_name, size))
    return size if natural <= width else size * width / natural * 0.99


def fitted_line(text: str, family: FontFamily, size: float, width: float, *,
                bold: bool = True, italic: bool = False, space_after: float = 0.0) -> Paragraph:
    """Return a centred one-line paragraph, its size shrunk to fit width."""
    base = style(family, size, bold=bold, italic=italic)
    fit = fitted_size(text, base.fontName, size, width)
    return para(text, style(family, fit, bold=bold, italic=italic, align=TA_CENTER,
                            space_after=space_after))


def balanced_lines(text: str, font_name: str, size: float, width: float) -> str:
    """Return markup of text broken into two even lines if it does not fit on one."""
    words = markup(text).split()
    if stringWidth(" ".join(words), font_name, size) <= width or len(words) < 2:
        return " ".join(words)

    def widest(cut: int) -> float:
        return max(float(stringWidth(" ".join(part), font_name, size))
                   for part in (words[:cut], words[cut:]))

    cut = min(range(1, len(words)), key=widest)
    return f"{' '.join(words[:cut])}<br/>{' '.join(words[cut:])}"


def rule(width: float, *, thickness: float = 0.6, gap: float = 2.0) -> Drawing:
    """Return a centred horizontal rule width points long with gap points above and below."""
    drawing = Drawing(width, thickness + 2 * gap)
    drawing.add(Line(0, gap + thickness / 2, width, gap + thickness / 2,
                     strokeWidth=thickness))
    drawing.hAlign = "CENTER"
    return drawing


def text_rule(text: str, font_name: str, size: float, **kwargs: float) -> Drawing:
    """Return a rule exactly as long as text set in font_name at size."""
    return rule(stringWidth(text, font_name, size), **kwargs)


def code128(value: str, *, bar_width: float, bar_height: float, align: str = "LEFT") -> Code128:
    """Return a vector Code128 flowable of value, quiet zones included, no human-readable line."""
    barcode = Code128(value, barWidth=bar_width, barHeight=bar_height, humanReadable=False)
    barcode.hAlign = align
    return barcode


PageFooter = Callable[[Canvas, int, int], None]  # (canvas, page number, page count)


class PagedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that holds pages back until save, so each footer can print the page count."""

    def __init__(self, *args: Any, footer: PageFooter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        """Keep the finished page's state instead of emitting it now."""
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Emit every kept page with its footer, then write the file."""
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.saveState()
            self._footer(self, number, total)
            self.restoreState()
            super().showPage()
        super().save()


def paged_canvas(footer: PageFooter) -> Callable[..., PagedCanvas]:
    """Return a platypus canvasmaker whose pages carry footer(canvas, page, total)."""

    def make(*args: Any, **kwargs: Any) -> PagedCanvas:
        return PagedCanvas(*args, footer=footer, **kwargs)

    return make
