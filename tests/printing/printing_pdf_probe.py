"""Helpers for tests that look at PDFs the way a person would: text, pages, scanned codes."""

from __future__ import annotations

import io

import pypdf
import pypdfium2 as pdfium
import zxingcpp
from PIL import Image


def page_texts(pdf: bytes) -> list[str]:
    """Return the extracted text of every page, whitespace collapsed to single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def all_text(pdf: bytes) -> str:
    """Return the text of all pages joined by spaces."""
    return " ".join(page_texts(pdf))


def metadata(pdf: bytes) -> dict[str, str]:
    """Return the PDF document information dictionary as plain strings."""
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    return {} if info is None else {str(key): str(value) for key, value in info.items()}


def render_page(pdf: bytes, index: int = 0, scale: float = 3.0) -> Image.Image:
    """Rasterize one page to a greyscale PIL image."""
    document = pdfium.PdfDocument(pdf)
    try:
        image: Image.Image = document[index].render(scale=scale).to_pil().convert("L")
        return image
    finally:
        document.close()


def decoded(image: Image.Image, fmt: zxingcpp.BarcodeFormat) -> list[str]:
    """Return the texts of every barcode of the given format found in the image."""
    return [r.text for r in zxingcpp.read_barcodes(image) if r.valid and r.format == fmt]
