"""Render the sample forms to PNGs under docs/ for visual review (page 1 of each).

Form 01 (A4, A5) and the 80 mm slip; forms 02–07 in the numbering of Circular 01/2018
(`form-NN-tt01.png`, dossiers received before 15/09/2025) and of Circular 03/2025
(`form-NN-tt03.png`); the fee receipt.
Run: uv run python tests/printing/make_samples.py
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent))

import forms_sample_data as forms
from printing_sample_data import receipt, slip

from printing.forms.control_slip import render_control_slip
from printing.forms.fee_receipt import render_fee_receipt
from printing.forms.ledger_pdf import render_ledger_pdf
from printing.forms.notices import render_apology_extension, render_stop_notice
from printing.forms.reception import render_refusal, render_supplement_request
from printing.receipt import render_receipt
from printing.slip import render_slip

DOCS = Path(__file__).resolve().parents[2] / "docs"


def save_png(pdf: bytes, target: Path, dpi: float = 110) -> None:
    """Rasterize page 1 of pdf at dpi and save it as a PNG."""
    document = pdfium.PdfDocument(pdf)
    try:
        document[0].render(scale=dpi / 72).to_pil().save(target, optimize=True)
    finally:
        document.close()
    print(f"wrote {target}")


def main() -> None:
    """Write the receipt, slip, forms 02–07 (both numberings) and fee receipt PNGs."""
    DOCS.mkdir(exist_ok=True)
    save_png(render_receipt(receipt(), page="a4"), DOCS / "receipt-a4.png", 144)
    save_png(render_receipt(receipt(), page="a5"), DOCS / "receipt-a5.png", 200)
    save_png(render_slip(slip(), width_mm=80), DOCS / "slip-80mm.png", 203)
    for suffix, when in (("tt01", forms.OLD), ("tt03", forms.NEW)):
        save_png(render_supplement_request(forms.supplement(when)), DOCS / f"form-02-{suffix}.png")
        save_png(render_refusal(forms.refusal(when)), DOCS / f"form-03-{suffix}.png")
        save_png(render_apology_extension(forms.apology(when)), DOCS / f"form-04-{suffix}.png")
    save_png(render_control_slip(forms.control_slip(forms.OLD)), DOCS / "form-05-tt01.png")
    save_png(render_stop_notice(forms.stop_notice(forms.NEW)), DOCS / "form-05-tt03.png")
    old_ledger = forms.ledger(40, forms.OLD, date_from=date(2025, 9, 1), date_to=date(2025, 9, 14),
                              book="02/2025")
    save_png(render_ledger_pdf(old_ledger), DOCS / "form-06-tt01.png")
    save_png(render_control_slip(forms.control_slip(forms.NEW)), DOCS / "form-06-tt03.png")
    save_png(render_ledger_pdf(forms.ledger(40)), DOCS / "form-07-tt03.png")
    save_png(render_fee_receipt(forms.fee_receipt()), DOCS / "fee-receipt.png")


if __name__ == "__main__":
    main()
