"""Drawing the ledger's table fast: a column grid, cached line breaking, one text block a page.

reportlab's text objects cost ~50 µs a string (a text object, shaping checks, the cursor
advance, the subset lookup) and the ledger draws ~25 strings a row, 10,000+ rows a year in a
busy ward. `TextRun` does what `PDFTextObject._formatText` does for an unshaped TrueType
string and caches each string's encoded runs: dates, times, units and procedure names repeat
all book long. It relies on `TTFont.splitString`/`getSubsetInternalName` and the canvas's
document; tests/printing/test_printing_ledger.py checks the result through the extracted text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from printing.fonts import FontFamily

PAD = 2.2
MAX_LINES = 8  # a cell taller than this is cut with "…" so that a row always fits a page
CENTRED = frozenset({0, 3})  # row number, number of sets
RETURNED = (11, 12)  # the two columns under the "returned" group heading
Placed = tuple[float, float, str]  # x, baseline y, text


@dataclass(frozen=True)
class Grid:
    """Column edges, the family and the type size of one rendering."""

    family: FontFamily
    xs: tuple[float, ...]  # left edge of each column, then the right edge of the table
    size: float

    @property
    def leading(self) -> float:
        """Return the distance between two lines of a cell."""
        return self.size * 1.2

    def width(self, col: int) -> float:
        """Return the inner width of a column (padding removed)."""
        return self.xs[col + 1] - self.xs[col] - 2 * PAD


class TextRun:
    """Emits many strings of one face and size as a single BT…ET block of PDF operators."""

    def __init__(self, canvas: Canvas, font_name: str, size: float) -> None:
        self._canvas = canvas
        self.name = font_name
        self.size = size
        self._font = getFont(font_name)
        self._tf = f"{fp_str(size)} Tf"
        self._runs: dict[str, tuple[tuple[str, str], ...]] = {}

    def _encoded(self, text: str) -> tuple[tuple[str, str], ...]:
        """Return (subset font name, escaped bytes) runs of text, encoded once per document."""
        runs = self._runs.get(text)
        if runs is None:
            doc = self._canvas._doc
            runs = tuple((self._font.getSubsetInternalName(subset, doc), escapePDF(chunk))
                         for subset, chunk in self._font.splitString(text, doc))
            self._runs[text] = runs
        return runs

    def draw(self, placed: Sequence[Placed]) -> None:
        """Draw each (x, y, text) in black."""
        ops = ["BT 0 g"]
        current = ""
        for x, y, text in placed:
            ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
            for name, chunk in self._encoded(text):
                if name != current:
                    ops.append(f"{name} {self._tf}")
                    current = name
                ops.append(f"({chunk}) Tj")
        ops.append("ET")
        self._canvas.addLiteral("\n".join(ops))

    def centred(self, x0: float, x1: float, text: str) -> float:
        """Return the x where text starts to stand centred between x0 and x1."""
        return (x0 + x1 - width_of(text, self.name, self.size)) / 2


@lru_cache(maxsize=8192)
def width_of(text: str, font: str, size: float) -> float:
    """Return the width of a text (cached: row numbers, counts and headers repeat)."""
    return float(stringWidth(text, font, size))


@lru_cache(maxsize=65536)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Return text broken into lines of width; a word wider than a line breaks inside."""
    lines: list[str] = []
    for part in text.split("\n"):
        if stringWidth(part, font, size) <= width:  # most cells: one measure, no split
            lines.append(part)
            continue
        for line in simpleSplit(part, font, size, width) or [""]:
            lines += _break_word(line, font, size, width)
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES - 1], lines[MAX_LINES - 1] + " …"]
    return tuple(lines)


def _break_word(line: str, font: str, size: float, width: float) -> list[str]:
    """Return a too-wide line (a dossier code, a URL) cut after '-', '.' or '/' where it can."""
    out: list[str] = []
    while stringWidth(line, font, size) > width and len(line) > 1:
        fit = 1
        while fit < len(line) and stringWidth(line[:fit + 1], font, size) <= width:
            fit += 1
        soft = max(line.rfind(mark, 0, fit) for mark in "-./")
        cut = soft + 1 if soft > 0 else fit
        out.append(line[:cut])
        line = line[cut:]
    return [*out, line]


def row_height(cells: Sequence[tuple[str, ...]], grid: Grid) -> float:
    """Return the height of a row: its tallest cell plus padding."""
    return max(len(c) for c in cells) * grid.leading + 2 * PAD


def draw_rows(canvas: Canvas, text: TextRun, rows: Sequence[Sequence[tuple[str, ...]]],
              grid: Grid, top: float) -> None:
    """Draw rows from top down, each with its bottom border, then the column lines."""
    placed: list[Placed] = []
    borders: list[float] = []
    y = top
    for cells in rows:
        for col, lines in enumerate(cells):
            x0, x1 = grid.xs[col], grid.xs[col + 1]
            line_y = y - PAD - grid.size
            for line in lines:
                if line:
                    x = text.centred(x0, x1, line) if col in CENTRED else x0 + PAD
                    placed.append((x, line_y, line))
                line_y -= grid.leading
        y -= row_height(cells, grid)
        borders.append(y)
    text.draw(placed)
    path = canvas.beginPath()
    for border in borders:
        path.moveTo(grid.xs[0], border)
        path.lineTo(grid.xs[-1], border)
    for x in grid.xs:
        path.moveTo(x, y)
        path.lineTo(x, top)
    canvas.setLineWidth(0.5)
    canvas.drawPath(path, stroke=1, fill=0)


@dataclass(frozen=True)
class Head:
    """The table header: column names, the group heading over RETURNED, their lines."""

    names: tuple[tuple[str, ...], ...]  # lines of each column's name
    group: tuple[str, ...]  # lines of the group heading
    grid: Grid

    @classmethod
    def of(cls, heads: Sequence[str], group: str, grid: Grid) -> Head:
        """Return the header of columns heads ('A - B' for the sub-columns under group)."""
        bold, size = grid.family.bold, grid.size
        names = [h.split(" - ", 1)[1] if col in RETURNED else h for col, h in enumerate(heads)]
        first, last = RETURNED
        span = grid.xs[last + 1] - grid.xs[first] - 2 * PAD
        return cls(tuple(wrap(name, bold, size, grid.width(col)) for col, name in enumerate(names)),
                   wrap(group, bold, size, span), grid)

    @property
    def group_height(self) -> float:
        """Return the height of the group heading's cell."""
        return len(self.group) * self.grid.leading + 2 * PAD

    @property
    def numbers_height(self) -> float:
        """Return the height of the '(1)…(14)' row."""
        return self.grid.leading + 2 * PAD

    @property
    def height(self) -> float:
        """Return the height of the whole header."""
        plain = max(len(n) for col, n in enumerate(self.names) if col not in RETURNED)
        under = max(len(self.names[col]) for col in RETURNED)
        body = max(plain * self.grid.leading, self.group_height + under * self.grid.leading)
        return body + 2 * PAD + self.numbers_height

    def draw(self, canvas: Canvas, bold: TextRun, italic: TextRun, top: float) -> float:
        """Draw the header with its borders; return the y where the rows start."""
        grid, step = self.grid, self.grid.leading
        bottom = top - self.height
        first, last = RETURNED
        path = canvas.beginPath()
        path.rect(grid.xs[0], bottom, grid.xs[-1] - grid.xs[0], self.height)
        for x0, x1, y in ((grid.xs[0], grid.xs[-1], bottom + self.numbers_height),
                          (grid.xs[first], grid.xs[last + 1], top - self.group_height)):
            path.moveTo(x0, y)
            path.lineTo(x1, y)
        strong: list[Placed] = [(bold.centred(grid.xs[first], grid.xs[last + 1], line),
                                 top - PAD - grid.size - n * step, line)
                                for n, line in enumerate(self.group)]
        numbers: list[Placed] = []
        for col, lines in enumerate(self.names):
            x0, x1 = grid.xs[col], grid.xs[col + 1]
            if col:
                path.moveTo(x0, bottom)
                path.lineTo(x0, top - self.group_height if col == last else top)
            area_top = top - self.group_height if col in RETURNED else top
            room = area_top - bottom - self.numbers_height
            y = area_top - (room - len(lines) * step) / 2 - grid.size
            for line in lines:
                strong.append((bold.centred(x0, x1, line), y, line))
                y -= step
            label = f"({col + 1})"
            numbers.append((italic.centred(x0, x1, label), bottom + PAD + 1, label))
        canvas.setLineWidth(0.5)
        canvas.drawPath(path, stroke=1, fill=0)
        bold.draw(strong)
        italic.draw(numbers)
        return bottom
