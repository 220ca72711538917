"""The citizen lookup page behind the receipt's QR: mobile-first Vietnamese HTML, no JS.

Without the receipt's verification token the page shows only what the code itself implies
(procedure, status, dates). With it, the applicant's name appears masked ("Nguyễn T. H.
Nhung"). ID number, address and phone are never shown: the URL travels through photos,
chats and proxy logs.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from counter_app.domain.clock import from_db, local
from counter_app.domain.lifecycle import Status, status_label_vi

HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
BRING = "Mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả và CCCD."
_CSS = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,
Arial,sans-serif;background:#f3f5f8;color:#1c2430;line-height:1.5}
main{max-width:34rem;margin:0 auto;padding:1rem}
header{background:#b3261e;color:#fff;padding:1rem;border-radius:.75rem .75rem 0 0}
header p{margin:0;font-size:.85rem;opacity:.9}h1{margin:.2rem 0 0;font-size:1.25rem}
.card{background:#fff;border-radius:0 0 .75rem .75rem;padding:1rem;box-shadow:0 1px 3px #0002}
dl{margin:0}dt{font-size:.8rem;color:#5b6675;margin-top:.75rem}dd{margin:0;font-size:1.05rem}
.code{font-family:ui-monospace,monospace;word-break:break-all}
.status{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#e8f0fe;
color:#174ea6;font-weight:600}.s-done{background:#e6f4ea;color:#137333}
.s-warn{background:#fef7e0;color:#8a5300}.s-stop{background:#fce8e6;color:#a50e0e}
.note{margin-top:1rem;padding:.75rem;border-left:4px solid #b3261e;background:#fff7f6}
footer{font-size:.75rem;color:#5b6675;margin-top:1rem;text-align:center}
"""


def mask_name(name: str) -> str:
    """Keep the family and given names, reduce middle names to initials."""
    words = name.split()
    if len(words) <= 2:
        return " ".join(words)
    return " ".join([words[0], *(w[0].upper() + "." for w in words[1:-1]), words[-1]])


def _when(value: str | None) -> str:
    if not value:
        return "—"
    dt: datetime = local(from_db(value))
    return f"{dt:%H:%M}, ngày {dt:%d/%m/%Y}"


def _page(title: str, body: str) -> str:
    return ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<meta name=\"robots\" content=\"noindex\"><title>{escape(title)}</title>"
            f"<style>{_CSS}</style></head><body><main>{body}"
            "<footer>Trang tra cứu không hiển thị số định danh, địa chỉ hay số điện thoại."
            "</footer></main></body></html>")


def _status_class(status: Status) -> str:
    if status in (Status.PROCESSED, Status.RETURNED):
        return "status s-done"
    if status in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION,
                  Status.WITHDRAWAL_REQUESTED):
        return "status s-warn"
    if status in (Status.NOT_ACCEPTED, Status.STOPPED):
        return "status s-stop"
    return "status"


def _advice(status: Status, delivery: str) -> str:
    if status is Status.RETURNED:
        return "Hồ sơ đã được trả kết quả."
    if status in (Status.NOT_ACCEPTED, Status.STOPPED):
        return "Vui lòng liên hệ Bộ phận Một cửa để biết lý do. " + BRING
    if status is Status.SUPPLEMENT_REQUESTED:
        return ("Hồ sơ cần bổ sung. Đến Bộ phận Một cửa, mang theo giấy tờ cần bổ sung, "
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả và CCCD.")
    if delivery == "post":
        return "Kết quả sẽ được gửi qua dịch vụ bưu chính công ích đến địa chỉ đã đăng ký."
    if status is Status.PROCESSED:
        return "Kết quả đã sẵn sàng. Khi đến nhận: " + BRING
    return "Khi đến nhận kết quả vào ngày hẹn trả: " + BRING


def render_dossier(d: dict[str, Any], *, reveal_name: bool) -> str:
    """The status page of one dossier."""
    status = Status(int(d["status"]))
    rows = [("Mã hồ sơ", f"<span class=\"code\">{escape(d['code'])}</span>"),
            ("Thủ tục", escape(d["procedure_name"])),
            ("Trạng thái", f"<span class=\"{_status_class(status)}\">"
                           f"{escape(status_label_vi(status))}</span>"),
            ("Ngày tiếp nhận", _when(d["received_at"])),
            ("Ngày hẹn trả kết quả", _when(d["due_at"]))]
    if d.get("returned_at"):
        rows.append(("Ngày trả kết quả", _when(d["returned_at"])))
    if reveal_name and d.get("applicant_name"):
        rows.insert(1, ("Người nộp hồ sơ", escape(mask_name(d["applicant_name"]))))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    body = (f"<header><p>{escape(d['ward_name'])}</p><h1>Tra cứu hồ sơ</h1></header>"
            f"<section class=\"card\"><dl>{items}</dl>"
            f"<p class=\"note\">{escape(_advice(status, d.get('result_delivery', '')))}</p>"
            "</section>")
    return _page("Tra cứu hồ sơ " + d["code"], body)


NOT_FOUND = _page("Không tìm thấy hồ sơ", (
    "<header><p>Tra cứu hồ sơ hành chính</p><h1>Không tìm thấy hồ sơ</h1></header>"
    "<section class=\"card\"><p>Không tìm thấy hồ sơ theo đường dẫn này. Hãy quét lại mã QR "
    "trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, hoặc liên hệ Bộ phận Một cửa.</p>"
    "<p class=\"note\">Hồ sơ vừa nộp tại quầy có thể cần một thời gian để được cập nhật "
    "lên hệ thống.</p></section>"))

TOO_MANY = _page("Quá nhiều yêu cầu", (
    "<header><p>Tra cứu hồ sơ hành chính</p><h1>Quá nhiều yêu cầu</h1></header>"
    "<section class=\"card\"><p>Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. "
    "Vui lòng thử lại sau ít phút.</p></section>"))
