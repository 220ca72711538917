"""The citizen lookup page in headless Chromium, for a dossier pushed by a real device.

Mobile viewport (390×844): the Vietnamese status, procedure and dates are visible and the
page does not scroll sideways; a screenshot goes to docs/lookup-page.png. Without the token
(or with a wrong one) no name, ID number or address is anywhere in the DOM, and the
unknown-code and wrong-token pages are identical.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from server_helpers import NOW, WARD_A, LiveServer, make_settings

from counter_app.domain.clock import FixedClock, local
from counter_app.domain.lifecycle import Status, status_label_vi
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync.enrol import enrol
from counter_app.sync.pump import Outcome, SyncPump
from district_server.app import create_app
from district_server.services import admin

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parents[2] / "docs"
NAME, ID_NUMBER, ADDRESS = "Nguyễn Thị Hồng Nhung", "001185012345", "Số 12 Thụy Khuê, Tây Hồ"


@pytest.fixture
def pushed(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A live server holding one dossier received at an enrolled counter and pushed by it."""
    os.environ.setdefault("MOTCUA_CREDENTIAL_STORE", "file")
    clock = FixedClock(NOW)
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'server.db'}"), clock=clock)
    engine = app.state.server.engine
    admin.add_ward(engine, code=WARD_A, name="UBND Phường Thụy Khuê", now=NOW)
    with LiveServer(app) as url:
        data = tmp_path / "counter"
        svc = open_services(data / "counter.db", clock)
        enrol(svc.engine, data, clock, server_url=url,
              code=admin.make_enrol_code(engine, ward=WARD_A, now=NOW, ttl_hours=1))
        ensure_demo_ward(svc.engine, clock)
        proc = svc.catalogue.in_force("1.004873", on=local(NOW).date())
        d = svc.intake.receive(IntakeRequest(
            procedure_id=proc.id, applicant_name=NAME, id_number=ID_NUMBER, address=ADDRESS,
            phone="0912345678",
            components=tuple(ComponentInput(c.name, max(c.originals, 1))
                             for c in proc.components)),
            official=svc.accounts.login("canbo", "canbo123"))
        assert SyncPump(svc.engine, data, clock).run_once().outcome is Outcome.OK
        token = _token(svc, d.code)
        svc.close()
        yield url, {"code": d.code, "token": token, "procedure": proc.name,
                    "received": f"{local(d.received_at):%d/%m/%Y}",
                    "due": f"{local(d.due_at):%d/%m/%Y}"}
    engine.dispose()


def _token(svc: object, code: str) -> str:
    with svc.engine.connect() as conn:  # type: ignore[attr-defined]
        return str(conn.exec_driver_sql("SELECT verify_token FROM dossier WHERE code = ?",
                                        (code,)).scalar())


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        # Generous timeouts: on 2 busy cores (the suite runs in parallel) Chromium starts slowly.
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True,
                              timeout=120_000)
        yield b
        b.close()


def test_lookup_page_on_a_phone_shows_status_and_leaks_nothing_without_token(
        pushed: tuple[str, dict[str, str]], browser: object) -> None:
    url, d = pushed
    ctx = browser.new_context(viewport={"width": 390, "height": 844},  # type: ignore[attr-defined]
                              device_scale_factor=2, is_mobile=True, has_touch=True,
                              locale="vi-VN")
    ctx.set_default_timeout(90_000)
    page = ctx.new_page()
    page.goto(f"{url}/h/{d['code']}?t={d['token']}")
    body = page.inner_text("body")
    for text in (d["code"], d["procedure"], status_label_vi(Status.RECEIVED), "Ngày tiếp nhận",
                 d["received"], "Ngày hẹn trả kết quả", d["due"], "Mang theo",
                 "Nguyễn T. H. Nhung"):
        assert text in body, text
    assert page.is_visible("text=" + status_label_vi(Status.RECEIVED))
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"horizontal scroll: {wide}"
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "lookup-page.png"), full_page=True)
    for html in _pages(page, url, d):
        for secret in (NAME, "Nhung", ID_NUMBER, "Thụy Khuê, Tây Hồ", "0912345678"):
            assert secret not in html, secret
    page.goto(f"{url}/h/{d['code']}?t=aaaaaaaaaaaaaaaa")
    wrong = page.content()
    page.goto(f"{url}/h/000.00.12.H62-261120-0999?t=aaaaaaaaaaaaaaaa")
    assert page.content() == wrong
    raw_wrong = httpx.get(f"{url}/h/{d['code']}?t=bbbbbbbbbbbbbbbb")
    raw_unknown = httpx.get(f"{url}/h/000.00.12.H62-261120-0999?t=bbbbbbbbbbbbbbbb")
    assert (raw_wrong.status_code, raw_wrong.content) == (raw_unknown.status_code,
                                                          raw_unknown.content)
    assert {k: v for k, v in raw_wrong.headers.items() if k != "date"} == \
        {k: v for k, v in raw_unknown.headers.items() if k != "date"}
    ctx.close()


def _pages(page: object, url: str, d: dict[str, str]) -> Iterator[str]:
    for suffix in ("", "?t=", "?t=aaaaaaaaaaaaaaaa", "?t=" + d["token"][:-1] + "x"):
        page.goto(f"{url}/h/{d['code']}{suffix}")  # type: ignore[attr-defined]
        yield page.content()  # type: ignore[attr-defined]
