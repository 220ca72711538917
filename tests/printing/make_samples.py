"""Render the sample receipt (A4, A5) and slip (80 mm) to PNGs under docs/ for visual review.

Run: uv run python tests/printing/make_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent))

from printing_sample_data import receipt, slip

from printing.receipt import render_receipt
from printing.slip import render_slip

DOCS = Path(__file__).resolve().parents[2] / "docs"


def save_png(pdf: bytes, target: Path, dpi: float) -> None:
    """Rasterize page 1 of pdf at dpi and save it as a PNG."""
    document = pdfium.PdfDocument(pdf)
    try:
        document[0].render(scale=dpi / 72).to_pil().save(target, optimize=True)
    finally:
        document.close()
    print(f"wrote {target}")


def main() -> None:
    """Write docs/receipt-a4.png, docs/receipt-a5.png and docs/slip-80mm.png."""
    DOCS.mkdir(exist_ok=True)
    save_png(render_receipt(receipt(), page="a4"), DOCS / "receipt-a4.png", 144)
    save_png(render_receipt(receipt(), page="a5"), DOCS / "receipt-a5.png", 200)
    save_png(render_slip(slip(), width_mm=80), DOCS / "slip-80mm.png", 203)


if __name__ == "__main__":
    main()
