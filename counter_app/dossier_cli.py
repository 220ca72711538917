"""``counter-app dossier show|ACTION CODE`` and ``counter-app dossiers --json`` (scriptable).

A refused action exits 2 with a Vietnamese message (``cli.main``) and changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from counter_app.domain.calendar import to_vn
from counter_app.domain.clock import VN_TZ
from counter_app.domain.lifecycle import status_label_vi
from counter_app.services.context import AppServices
from counter_app.services.dossier_views import DossierDetail
from counter_app.services.errors import ValidationFailed
from counter_app.services.lifecycle import ActionResult, Actor
from counter_app.services.ratings import INDICATORS

ACTIONS = ("handover", "supplement", "resubmit", "refuse", "extend", "stop", "withdraw",
           "ready", "return", "pay", "rate", "financial")


def add_dossier_parsers(sub: Any, password_help: str) -> None:
    """Register ``dossier`` (show and the actions) on the top-level subparsers."""
    s = sub.add_parser("dossier", help="xem hồ sơ, thực hiện thao tác xử lý hồ sơ")
    s.add_argument("action", choices=("show", *ACTIONS))
    s.add_argument("code")
    s.add_argument("--json", action="store_true", help="(show) in dạng JSON")
    s.add_argument("--user", metavar="USERNAME", help=f"cán bộ thực hiện ({password_help})")
    s.add_argument("--counter", type=int, default=None, help="số quầy (mặc định: quầy máy này)")
    s.add_argument("--to", default="", help="handover: nơi nhận; return: citizen|authorised|post")
    s.add_argument("--reason", default="", help="lý do")
    s.add_argument("--items", action="append", default=[],
                   help="supplement: giấy tờ cần bổ sung (lặp lại, hoặc ngăn cách bằng ;)")
    s.add_argument("--new-due", default="", help="extend: ngày hẹn mới (ISO, ví dụ 2026-12-03 "
                                                 "hoặc 2026-12-03T16:00)")
    s.add_argument("--unit", default="", help="extend: đơn vị gây chậm")
    s.add_argument("--name", default="", help="return: tên người nhận")
    s.add_argument("--id-number", default="", help="return: số CCCD người nhận")
    s.add_argument("--tracking", default="", help="return qua bưu chính: mã vận đơn")
    s.add_argument("--amount", type=int, default=0, help="pay/financial: số tiền (đồng)")
    s.add_argument("--method", choices=("cash", "transfer", "online"), default="cash")
    s.add_argument("--level", type=int, default=None, help="rate: 1, 2 hoặc 3")
    s.add_argument("--skip", action="store_true", help="rate: công dân không đánh giá")
    s.add_argument("--scores", default="", help="rate: chỉ số=điểm,… (" +
                   ", ".join(INDICATORS) + ")")
    s.add_argument("--channel", choices=("counter", "tablet", "qr"), default="counter")


def _iso(dt: datetime | None) -> str | None:
    return to_vn(dt).isoformat() if dt is not None else None


def detail_json(v: DossierDetail) -> dict[str, Any]:
    """``dossier show --json``: state, timeline, dues, pauses, supplements, fees, rating."""
    d = v.dossier
    return {
        "code": d.code, "status": int(d.status), "status_label": status_label_vi(d.status),
        "procedure_code": d.procedure_code, "channel": int(d.channel),
        "received_at": _iso(d.received_at), "due_at": _iso(d.due_at),
        "original_due_at": _iso(d.original_due_at), "effective_due_at": _iso(v.effective_due_at),
        "ended_at": _iso(d.finished_at), "returned_at": _iso(d.returned_at),
        "outcome": str(v.outcome), "paused_hours": d.paused_hours,
        "paused_since": _iso(d.paused_since), "holder": d.holder,
        "supplements": [s.detail.get("items", []) for s in v.steps if s.action == "supplement"],
        "extensions": d.extensions, "fee_amount": d.fee_amount, "paid": v.paid, "owed": v.owed,
        "payments": [{"receipt_no": p.receipt_no, "amount": p.amount, "method": p.method,
                      "paid_at": _iso(p.paid_at), "official": p.official_name,
                      "counter_no": p.counter_no} for p in v.payments],
        "rating": None if v.rating is None else {
            "level": v.rating.level, "scores": v.rating.scores, "skipped": v.rating.skipped,
            "official": v.rating.official_name, "counter_no": v.rating.counter_no,
            "channel": v.rating.channel, "rated_at": _iso(v.rating.rated_at)},
        "timeline": [{"action": s.action, "from_status": s.from_status,
                      "to_status": s.to_status, "at": _iso(s.at), "official": s.official_name,
                      "counter_no": s.counter_no, "from": s.from_party, "to": s.to_party,
                      "outcome": s.outcome, "reason": s.reason, "detail": s.detail}
                     for s in v.steps],
    }


def _new_due(text_: str) -> datetime:
    try:
        if len(text_.strip()) == 10:
            return datetime.combine(date.fromisoformat(text_.strip()), time(17), VN_TZ)
        dt = datetime.fromisoformat(text_.strip())
    except ValueError:
        raise ValidationFailed({"new_due": "Ngày hẹn mới không hợp lệ (YYYY-MM-DD)."}) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=VN_TZ)


def _scores(text_: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text_.split(","))):
        key, _, val = part.partition("=")
        try:
            out[key.strip()] = int(val)
        except ValueError:
            raise ValidationFailed({"scores": f"Điểm không hợp lệ: {part}"}) from None
    return out


def _items(raw: list[str]) -> list[str]:
    return [i.strip() for chunk in raw for i in chunk.split(";") if i.strip()]


def _dispatch(svc: AppServices, a: argparse.Namespace, actor: Actor) -> ActionResult:
    lc, code = svc.lifecycle, a.code
    table: dict[str, Callable[[], ActionResult]] = {
        "handover": lambda: lc.handover(code, to=a.to, actor=actor, note=a.reason),
        "supplement": lambda: lc.request_supplement(code, items=_items(a.items), actor=actor,
                                                    reason=a.reason),
        "resubmit": lambda: lc.resubmit(code, actor=actor),
        "refuse": lambda: lc.refuse(code, reason=a.reason, actor=actor),
        "extend": lambda: lc.extend(code, new_due=_new_due(a.new_due), reason=a.reason,
                                    unit=a.unit, actor=actor),
        "stop": lambda: lc.stop(code, reason=a.reason, actor=actor),
        "withdraw": lambda: lc.withdraw(code, reason=a.reason, actor=actor),
        "ready": lambda: lc.ready(code, actor=actor),
        "return": lambda: lc.return_result(code, actor=actor, receiver=a.to or "citizen",
                                           receiver_name=a.name, receiver_id=a.id_number,
                                           tracking_no=a.tracking),
        "pay": lambda: svc.fees.pay(code, amount=a.amount, method=a.method, actor=actor),
        "financial": lambda: svc.fees.request_financial(code, amount=a.amount, actor=actor,
                                                        reason=a.reason),
        "rate": lambda: svc.ratings.rate(code, actor=actor, level=None if a.skip else a.level,
                                         scores=_scores(a.scores), channel=a.channel),
    }
    return table[a.action]()


def run_dossier_command(svc: AppServices, a: argparse.Namespace,
                        password: Callable[[str], str]) -> int:
    """``dossier show CODE`` or ``dossier ACTION CODE --user U``; prints JSON."""
    if a.action == "show":
        v = svc.views.show(a.code)
        if a.json:
            print(json.dumps(detail_json(v), ensure_ascii=False))
        else:
            d = v.dossier
            print(f"{d.code}\t{status_label_vi(d.status)}\t{_iso(d.due_at)}\t{v.outcome}")
        return 0
    if not a.user:
        raise ValidationFailed({"user": "Cần --user: cán bộ thực hiện thao tác."})
    official = svc.accounts.login(a.user, password(a.user))
    res = _dispatch(svc, a, Actor(official, a.counter))
    d = res.dossier
    print(json.dumps({"code": d.code, "action": a.action, "status": int(d.status),
                      "due_at": _iso(d.due_at), **dict(res.data)}, ensure_ascii=False))
    return 0


def run_dossiers_list(svc: AppServices, a: argparse.Namespace) -> int:
    """``dossiers --json``: every dossier, streamed, one object per line (flat memory)."""
    out = sys.stdout
    for row in svc.views.stream(limit=a.limit):
        out.write(json.dumps(row, ensure_ascii=False) if a.json else
                  f"{row['code']}\t{row['status']}\t{row['procedure_code']}")
        out.write("\n")
    return 0
