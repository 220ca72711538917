"""``district-server`` operator commands, on both databases."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server_helpers import NOW, make_settings

from counter_app.domain.clock import FixedClock
from district_server.app import create_app
from district_server.cli import main

WARD = "000.00.12.H62"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert main(list(argv)) == 0
    return capsys.readouterr().out.strip().splitlines()


def test_operator_flow(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "ward", "add", "--code", WARD, "--name", "UBND Phường Thụy Khuê", "--db", db_url)
    assert main(["ward", "add", "--code", WARD, "--name", "x", "--db", db_url]) == 2
    code = _run(capsys, "enrol-code", "--ward", WARD, "--db", db_url)[-1]
    capsys.readouterr()
    app = create_app(make_settings(db_url), clock=FixedClock(datetime.now(NOW.tzinfo)))
    from server_helpers import Dev

    with TestClient(app) as client:
        r = client.post("/api/v1/enrol", json={"code": code, "device_name": "Quầy 1",
                                               "app_version": "0.1"})
        assert r.status_code == 200, r.text
        b = r.json()
        dev = Dev(b["device_id"], b["token"], WARD, 1, 1, 999)
        events = [dev.event() for _ in range(3)]
        client.post("/api/v1/sync/push", headers=dev.headers, json={
            "device_id": dev.device_id, "events": events, "client_time": NOW.isoformat()})
    lines = _run(capsys, "dossiers", "--ward", WARD, "--json", "--db", db_url)
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 3
    for row in rows:
        assert set(row) == {"code", "status", "procedure_code", "received_at", "due_at",
                            "channel"}
        assert isinstance(row["status"], int) and isinstance(row["channel"], int)
        assert datetime.fromisoformat(row["received_at"]).utcoffset() is not None
        assert row["received_at"] == "2026-11-20T02:15:00+00:00"
    devices = _run(capsys, "devices", "--ward", WARD, "--json", "--db", db_url)
    info = json.loads(devices[0])
    assert info["last_applied_seq"] == 3 and info["code_range"] == [1, 999]
    out = tmp_path / "export.json"
    _run(capsys, "export", "--ward", WARD, "--out", str(out), "--db", db_url)
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["service"] == "DongBoHoSoMC" and body["madonvi"] == WARD
    item = body["data"][0]
    for key in ("MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "ChuHoSo", "SoDienThoai",
                "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo", "NgayTra", "KenhThucHien",
                "DanhSachLePhi", "DanhSachGiayToNop"):
        assert key in item
    assert item["NgayTiepNhan"] == "20261120091500" and item["NgayHenTra"] == "20261120163000"
    assert item["TrangThaiHoSo"] == 2 and item["KenhThucHien"] == 1 and item["NgayTra"] == ""
    assert item["DanhSachLePhi"][0]["Gia"] == 4000
    assert item["DanhSachGiayToNop"][0]["SoBanPhoto"] == 2
    _run(capsys, "revoke", dev.device_id, "--db", db_url)
    table = _run(capsys, "devices", "--db", db_url)
    assert "revoked" in table[1]


def test_placeholder_admin_token_refused() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        make_settings("sqlite://", admin_token="changeme")
    assert make_settings("sqlite://", admin_token="changeme", debug=True).admin_enabled


def test_serve_refuses_several_workers_on_sqlite(tmp_path, capsys):  # type: ignore[no-untyped-def]
    from district_server.cli import main

    assert main(["--db", f"sqlite:///{tmp_path}/s.db", "serve", "--workers", "2"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err
