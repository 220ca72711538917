"""The citizen lookup page behind the receipt QR."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from server_helpers import NOW, WARD_A, Harness, make_settings

from counter_app.domain.clock import FixedClock
from district_server.app import create_app


def _one(harness: Harness) -> dict[str, str]:
    dev = harness.enrol(WARD_A)
    ev = dev.event()
    assert harness.push(dev, [ev]).status_code == 200
    payload: dict[str, str] = json.loads(ev["payload"])
    return payload


def test_token_reveals_masked_name_only(harness: Harness) -> None:
    d = _one(harness)
    bare = harness.client.get(f"/h/{d['code']}")
    assert bare.status_code == 404 and "Nhung" not in bare.text and "Chứng thực" not in bare.text
    plain = harness.client.get(f"/h/{d['code']}", params={"t": d["verify_token"]})
    assert plain.status_code == 200
    shown = html = plain.text
    assert "Chứng thực bản sao từ bản chính" in html and "Đã tiếp nhận" in html
    assert "09:15, ngày 20/11/2026" in html and "16:30, ngày 20/11/2026" in html
    assert "Mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả và CCCD" in html
    assert "Nguyễn T. H. Nhung" in shown and "Nguyễn Thị Hồng Nhung" not in shown
    for secret in (d["id_number"], d["phone"], "Thụy Khuê, Tây Hồ"):
        assert secret not in html and secret not in shown
    assert "<script" not in shown and "http" not in shown.split("</style>")[1]
    assert plain.headers["cache-control"] == "no-store"
    assert plain.headers["referrer-policy"] == "no-referrer"


def test_unknown_code_and_wrong_token_are_identical(harness: Harness) -> None:
    d = _one(harness)
    wrong = harness.client.get(f"/h/{d['code']}", params={"t": "a" * 16})
    unknown = harness.client.get("/h/000.00.12.H62-261120-0998", params={"t": "a" * 16})
    bare_unknown = harness.client.get("/h/000.00.12.H62-261120-0998")
    bare_known = harness.client.get(f"/h/{d['code']}")
    assert {wrong.status_code, unknown.status_code, bare_unknown.status_code,
            bare_known.status_code} == {404}
    assert wrong.content == unknown.content == bare_unknown.content == bare_known.content
    assert dict(wrong.headers) == dict(unknown.headers)
    assert "Không tìm thấy hồ sơ" in wrong.text


def test_lookup_is_rate_limited(db_url: str) -> None:
    app = create_app(make_settings(db_url, lookup_rate_per_minute=3),
                     clock=FixedClock(NOW))
    with TestClient(app) as client:
        codes = [client.get("/h/000.00.12.H62-261120-0001").status_code for _ in range(5)]
        assert codes == [404, 404, 404, 429, 429]
        r = client.get("/h/000.00.12.H62-261120-0001")
        assert "Quá nhiều yêu cầu" in r.text and int(r.headers["retry-after"]) >= 1


def test_mask_name() -> None:
    from district_server.lookup_page import mask_name

    assert mask_name("Nguyễn Thị Hồng Nhung") == "Nguyễn T. H. Nhung"
    assert mask_name("Lê  Văn  An") == "Lê V. An"
    assert mask_name("Đặng Nhung") == "Đặng Nhung"


def test_flood_is_audited_once_per_minute(db_url: str) -> None:
    app = create_app(make_settings(db_url, lookup_rate_per_minute=1), clock=FixedClock(NOW))
    with TestClient(app) as client:
        for _ in range(6):
            client.get("/h/000.00.12.H62-261120-0001")
        with app.state.server.engine.connect() as conn:
            from sqlalchemy import text

            n = conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE status = 429")).scalar()
    assert n == 1
