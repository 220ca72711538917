"""1-bit raster pages for thermal printers, drawn with Pillow in the same TrueType family.

Thermal heads print dots, not grey: text is drawn anti-aliased at the printer's own resolution
(203 dpi; 576 dots across 80 mm paper, 384 across 58 mm) and then thresholded, which keeps
strokes solid and Vietnamese marks (dấu) whole and separate from their letters. Layout is a
simple top-to-bottom stack of blocks, each as wide as the paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfbase import pdfmetrics

from printing.fonts import FontFamily
from printing.qr import QUIET_MODULES, qr_matrix
from printing.text import nfc

THRESHOLD = 150  # grey level below which a pixel prints; a bit above half thickens thin strokes
DOTS = {80: 576, 58: 384}


@lru_cache(maxsize=32)
def font_path(face_name: str) -> Path:
    """The TrueType file behind a registered reportlab face (Pillow draws from the same file)."""
    return Path(pdfmetrics.getFont(face_name).face.filename)


@lru_cache(maxsize=128)
def pil_font(face_name: str, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font of the registered face at a pixel size."""
    return ImageFont.truetype(str(font_path(face_name)), size)


@dataclass
class Block:
    """One band of the page: an image as wide as the page, plus the space below it."""

    image: Image.Image
    space_after: int = 0


class RasterPage:
    """Collects blocks top to bottom and renders them as one 1-bit image."""

    def __init__(self, width: int, family: FontFamily, *, margin: int = 12) -> None:
        self.width = width
        self.family = family
        self.margin = margin
        self.blocks: list[Block] = []

    @property
    def inner(self) -> int:
        """Printable width between the side margins."""
        return self.width - 2 * self.margin

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The reportlab face name for a style."""
        return {(False, False): self.family.regular, (True, False): self.family.bold,
                (False, True): self.family.italic, (True, True): self.family.bold_italic
                }[(bold, italic)]

    def fitted(self, text: str, size: int, *, bold: bool = False, italic: bool = False,
               space_after: int = 4, invert: bool = False) -> None:
        """One centred line, shrunk to fit the width."""
        face = self.face(bold=bold, italic=italic)
        text = nfc(text)
        while size > 8 and pil_font(face, size).getlength(text) > self.inner - (16 if invert
                                                                               else 0):
            size -= 1
        self._line(text, pil_font(face, size), space_after, invert=invert)

    def wrapped(self, text: str, size: int, *, bold: bool = False, italic: bool = False,
                space_after: int = 4, max_lines: int = 3) -> None:
        """Centred text broken into lines at word boundaries (shrunk if too many lines)."""
        face = self.face(bold=bold, italic=italic)
        text = nfc(text)
        lines = wrap_words(text, pil_font(face, size), self.inner)
        while len(lines) > max_lines and size > 10:
            size -= 2
            lines = wrap_words(text, pil_font(face, size), self.inner)
        for i, line in enumerate(lines):
            self._line(line, pil_font(face, size), space_after if i == len(lines) - 1 else 0)

    def _line(self, text: str, font: ImageFont.FreeTypeFont, space_after: int, *,
              invert: bool = False) -> None:
        ascent, descent = font.getmetrics()
        # Vietnamese capitals carry marks above the ascent (Ắ, Ỗ); leave room for them.
        top_pad = max(2, round(font.size * 0.12))
        height = ascent + descent + top_pad
        img = Image.new("L", (self.width, height), 255)
        draw = ImageDraw.Draw(img)
        if invert:  # white text in a black box (the "ƯU TIÊN" badge)
            half = font.getlength(text) / 2 + 8
            draw.rectangle((self.width / 2 - half, 0, self.width / 2 + half, height - 1), fill=0)
        draw.text((self.width / 2, top_pad), text, font=font, anchor="ma",
                  fill=255 if invert else 0)
        self.blocks.append(Block(img, space_after))

    def rule(self, *, thickness: int = 2, length: float = 1.0, gap: int = 8) -> None:
        """A centred horizontal rule, ``length`` a fraction of the inner width."""
        img = Image.new("L", (self.width, thickness + 2 * gap), 255)
        w = round(self.inner * length)
        x = (self.width - w) // 2
        ImageDraw.Draw(img).rectangle((x, gap, x + w - 1, gap + thickness - 1), fill=0)
        self.blocks.append(Block(img))

    def qr(self, value: str, *, max_size: int, space_after: int = 4) -> None:
        """A QR code in whole dots per module (crisp for scanners), centred."""
        matrix = qr_matrix(value)
        modules = len(matrix) + 2 * QUIET_MODULES
        scale = max(2, max_size // modules)
        side = modules * scale
        code = Image.new("L", (modules, modules), 255)
        px = code.load()
        assert px is not None
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    px[c + QUIET_MODULES, r + QUIET_MODULES] = 0
        img = Image.new("L", (self.width, side), 255)
        img.paste(code.resize((side, side), Image.Resampling.NEAREST), ((self.width - side) // 2, 0))
        self.blocks.append(Block(img, space_after))

    def space(self, dots: int) -> None:
        """Blank paper."""
        self.blocks.append(Block(Image.new("L", (self.width, dots), 255)))

    def render(self, *, top: int = 8, bottom: int = 24) -> Image.Image:
        """The page as a 1-bit image (black = 0), thresholded for the thermal head."""
        height = top + bottom + sum(b.image.height + b.space_after for b in self.blocks)
        page = Image.new("L", (self.width, height), 255)
        y = top
        for block in self.blocks:
            page.paste(block.image, (0, y))
            y += block.image.height + block.space_after
        return page.point(lambda v: 255 if v >= THRESHOLD else 0).convert("1", dither=None)


def wrap_words(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap of text to lines no wider than width (a long word stays whole)."""
    lines: list[str] = []
    current: list[str] = []
    for word in text.split():
        trial = " ".join([*current, word])
        if current and font.getlength(trial) > width:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


def dots_for(width_mm: int) -> int:
    """Printable dots across a roll: 576 for 80 mm, 384 for 58 mm."""
    if width_mm not in DOTS:
        raise ValueError(f"unsupported roll width: {width_mm} mm (use 80 or 58)")
    return DOTS[width_mm]


def stack(images: Sequence[Image.Image]) -> Image.Image:
    """Images one below the other (a test page of several samples)."""
    width = max(i.width for i in images)
    out = Image.new("1", (width, sum(i.height for i in images)), 1)
    y = 0
    for img in images:
        out.paste(img, (0, y))
        y += img.height
    return out
