"""One entry point for every form of printing.forms: data in, PDF bytes out.

`render_form(data)` picks the renderer by the data's type and the template by the dossier's
received date (the ledger: by the period's last day). Pass `template=` to force one.
The ledger as XLSX is `printing.forms.ledger_xlsx.render_ledger_xlsx`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from printing.fonts import Fonts
from printing.forms.control_slip import render_control_slip
from printing.forms.fee_receipt import render_fee_receipt
from printing.forms.ledger_pdf import render_ledger_pdf
from printing.forms.model import (
    ApologyExtension,
    ControlSlip,
    FeeReceipt,
    Ledger,
    Refusal,
    StopNotice,
    SupplementRequest,
)
from printing.forms.notices import render_apology_extension, render_stop_notice
from printing.forms.reception import render_refusal, render_supplement_request
from printing.forms.registry import FormTemplate

__all__ = ["FormData", "render_form"]

FormData = (SupplementRequest | Refusal | ApologyExtension | StopNotice | ControlSlip | Ledger
            | FeeReceipt)

_RENDERERS: dict[type, Callable[..., bytes]] = {
    SupplementRequest: render_supplement_request,
    Refusal: render_refusal,
    ApologyExtension: render_apology_extension,
    StopNotice: render_stop_notice,
    ControlSlip: render_control_slip,
    Ledger: render_ledger_pdf,
    FeeReceipt: render_fee_receipt,
}


def render_form(data: FormData, *, template: FormTemplate | None = None,
                fonts: Fonts | None = None) -> bytes:
    """Return the PDF of any form of this package for its data."""
    renderer = _RENDERERS.get(type(data))
    if renderer is None:
        raise TypeError(f"no form for {type(data).__name__}")
    options: dict[str, Any] = {"template": template, "fonts": fonts}
    return renderer(data, **options)
