"""Operator commands that print forms 02–07, fee receipts and the ledger.

``counter-app print form NN CODE --out F.pdf`` prints the form numbered NN in the set in force
on the dossier's received day; ``print fee-receipt CODE [--receipt-no N]``; ``ledger --from
--to --out F.pdf|F.xlsx``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from counter_app.services.context import AppServices
from counter_app.services.errors import ValidationFailed
from counter_app.services.forms import FormService


def form_service(svc: AppServices) -> FormService:
    """The form data builder over the app's services."""
    return FormService(svc.views, svc.accounts, svc.ledger, svc.clock)


def print_form(svc: AppServices, args: argparse.Namespace) -> bytes:
    """The PDF of ``print form NN CODE`` / ``print fee-receipt CODE``."""
    from printing.forms.render import render_form

    forms = form_service(svc)
    if args.what == "fee-receipt":
        return render_form(forms.fee_receipt(svc.views.show(args.args[0]), args.receipt_no))
    if len(args.args) != 2:
        raise ValidationFailed({"form": "Cú pháp: counter-app print form SỐ_MẪU MÃ_HỒ_SƠ "
                                        "--out TỆP.pdf"})
    number, code = args.args
    return render_form(forms.form(number, code))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ (YYYY-MM-DD): {text}") from None


def cmd_ledger(args: argparse.Namespace, svc: AppServices) -> int:
    """Write the ledger of a period as PDF (A4 landscape) or XLSX."""
    if args.date_to < args.date_from:
        raise ValidationFailed({"to": "Ngày cuối kỳ phải sau ngày đầu kỳ."})
    ledger = form_service(svc).ledger(args.date_from, args.date_to)
    out = Path(args.out)
    if out.suffix.lower() == ".xlsx":
        from printing.forms.ledger_xlsx import render_ledger_xlsx

        data = render_ledger_xlsx(ledger)
    else:
        from printing.forms.render import render_form

        data = render_form(ledger)
    out.write_bytes(data)
    print(f"{len(ledger.rows)} hồ sơ -> {out}")
    return 0


def add_ledger_parser(sub: Any, run: Any) -> None:
    """``counter-app ledger --from --to --out``."""
    s = sub.add_parser("ledger", help="sổ theo dõi hồ sơ của một kỳ (PDF hoặc XLSX)")
    s.add_argument("--from", dest="date_from", type=_day, required=True, metavar="YYYY-MM-DD")
    s.add_argument("--to", dest="date_to", type=_day, required=True, metavar="YYYY-MM-DD")
    s.add_argument("--out", required=True, help="tệp .pdf hoặc .xlsx")
    s.set_defaults(fn=lambda a: run(a, cmd_ledger))
