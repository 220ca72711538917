"""The sync status widget against a real server (uvicorn on 127.0.0.1:0): enrol from the
dialog, "Đồng bộ ngay", pending and last-sync shown, the skew warning, the needs-attention
list, and the revoked-device message. Waits on conditions (qtbot.waitUntil), never sleeps."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_helpers import NOW, make_settings

from counter_app.domain.clock import FixedClock
from counter_app.services.context import AppServices
from counter_app.services.demo import DEMO_WARD
from counter_app.services.intake import ComponentInput, IntakeRequest
from counter_app.sync.settings import SyncSettings
from db.engine import unit_of_work
from db.outbox import EventDraft, append_event
from district_server.app import create_app
from district_server.services import admin

os.environ.setdefault("MOTCUA_CREDENTIAL_STORE", "file")
FAST = SyncSettings(batch_size=50, timeout_s=3, connect_timeout_s=2, interval_s=3600,
                    backoff_base_s=0.05, backoff_cap_s=0.2, probe_interval_s=0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The district server with the demo ward registered (same agency code as the store)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
    from server_helpers import LiveServer

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'server.db'}"),
                     clock=FixedClock(NOW))
    engine = app.state.server.engine
    admin.add_ward(engine, code=DEMO_WARD.agency_code, name="UBND Phường Thụy Khuê", now=NOW)
    with LiveServer(app) as url:
        yield url, engine
    engine.dispose()


def _intake(svc: AppServices, official: object, n: int) -> None:
    proc = svc.catalogue.in_force("1.004873", on=date(2026, 11, 24))
    comps = tuple(ComponentInput(c.name, max(c.originals, 1)) for c in proc.components)
    for _ in range(n):
        svc.intake.receive(IntakeRequest(procedure_id=proc.id, applicant_name="Phạm Văn Bình",
                                         id_number="001085012345", address="Số 3 Văn Cao",
                                         components=comps), official=official)  # type: ignore[arg-type]


def test_status_widget_enrol_sync_now_attention_and_revocation(
        qtbot, runner, ui_services: AppServices, official, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.sync.dialogs import AttentionDialog, EnrolDialog
    from ui.sync.presenter import SyncPresenter
    from ui.sync.status_widget import SyncStatusWidget

    url, engine = server
    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    presenter = SyncPresenter(widget, ui_services, runner, tmp_path / "data", settings=FAST)
    presenter.start()
    qtbot.waitUntil(lambda: widget.label.text() == "Chưa đăng ký máy chủ")
    assert not widget.sync_now.isEnabled()

    # Enrol from the dialog (a wrong code first: a Vietnamese refusal in the dialog).
    presenter.show_enrol()
    dialog = presenter._dialog
    assert isinstance(dialog, EnrolDialog)
    dialog.server.setText(url)
    dialog.code.setText("AAAA-BBBB-CCCC")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Mã đăng ký không đúng" in dialog.message.text())
    dialog.code.setText(admin.make_enrol_code(engine, ward=DEMO_WARD.agency_code, now=NOW,
                                              ttl_hours=1))
    with qtbot.waitSignal(presenter.enrolled, timeout=20_000):
        dialog.buttons.accepted.emit()

    _intake(ui_services, official, 3)
    with qtbot.waitSignal(presenter.report_received, timeout=20_000) as blocker:
        widget.sync_now.click()
    qtbot.waitUntil(lambda: widget.pending.text() == "Chờ gửi: 0", timeout=20_000)
    assert blocker.args[0].outcome == "ok"
    assert widget.label.text() == "Trực tuyến"
    assert widget.last.text().startswith("Lần cuối: ")
    # The counter's clock (24 Nov 09:30) is four days and 15 min ahead of the server's.
    assert widget.skew.text() == "Đồng hồ lệch +5775 phút"

    # A poison event: listed for attention, the rest goes on.
    with unit_of_work(ui_services.engine) as s:
        append_event(s, EventDraft("dossier", str(uuid.uuid4()), "dossier.received",
                                   {"code": "x", "status": "hai"}), now=NOW, official_id=None)
    _intake(ui_services, official, 1)
    with qtbot.waitSignal(presenter.report_received, timeout=20_000):
        widget.sync_now.click()
    qtbot.waitUntil(lambda: widget.attention.text() == "Cần xử lý: 1")
    assert widget.pending.text() == "Chờ gửi: 0"
    widget.attention.click()
    qtbot.waitUntil(lambda: isinstance(presenter._dialog, AttentionDialog))
    table = presenter._dialog.table  # type: ignore[union-attr]
    assert table.rowCount() == 1 and "invalid_payload" in table.item(0, 3).text()

    # Revoked upstream: sync stops and says so; nothing is lost.
    devices = admin.list_devices(engine)
    admin.revoke(engine, devices[0].device_id, now=NOW)
    _intake(ui_services, official, 1)
    with qtbot.waitSignal(presenter.report_received, timeout=20_000):
        widget.sync_now.click()
    qtbot.waitUntil(lambda: widget.label.text()
                    == "Thiết bị bị thu hồi hoặc sai thông tin xác thực")
    assert widget.pending.text() == "Chờ gửi: 1"
    assert presenter.schedule.stopped
    presenter.stop()


def test_the_status_line_says_how_many_pulled_dossiers_wait_for_their_procedure(
        qtbot, ui_services: AppServices, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from counter_app.domain.clock import to_db
    from counter_app.sync.pump import SyncPump
    from db.models import SyncState
    from ui.sync.presenter import build_view
    from ui.sync.status_widget import SyncStatusWidget

    engine = ui_services.engine
    with unit_of_work(engine) as s:
        s.add(SyncState(server_url="http://x", device_id="d", ward_code="W", ward_name="W",
                        counter_no=1, code_range_start=1, code_range_end=9,
                        enrolled_at=to_db(NOW)))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO parked_dossier(uid, code, procedure_code, record, "
                          "change_seq, parked_at) VALUES ('u1', 'C1', '9.999999', '{}', 1, 'x'),"
                          " ('u2', 'C2', '9.999999', '{}', 2, 'x')"))
    view = build_view(SyncPump(engine, tmp_path / "data", FixedClock(NOW)), None)
    assert view.waiting_procedure == 2
    widget = SyncStatusWidget()
    qtbot.addWidget(widget)
    widget.show()
    widget.show_view(view)
    assert widget.waiting.isVisible() and widget.waiting.text() == "Chờ thủ tục: 2 hồ sơ"
