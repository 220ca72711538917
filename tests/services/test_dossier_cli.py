"""``counter-app dossier show|ACTION`` and ``dossiers --json``: the scriptable lifecycle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app.cli import PASSWORD_ENV, main

KEYS = {"code", "status", "procedure_code", "field_code", "channel", "received_at", "due_at",
        "original_due_at", "effective_due_at", "ended_at", "outcome"}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSWORD_ENV, "canbo123")
    assert main(["--data-dir", str(tmp_path), "seed-demo", "--dossiers", "1205"]) == 0
    return tmp_path


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]


def test_list_streams_every_dossier_with_the_statistics_keys(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "dossiers", "--json"]) == 0
    rows = _lines(capsys)
    assert len(rows) == 1205  # no silent stop at 1,000
    assert rows[0].keys() >= KEYS
    assert str(rows[0]["received_at"]).endswith("+07:00")
    assert {r["outcome"] for r in rows} <= {"early", "on_time", "late", "in_time", "overdue"}
    assert main(["--data-dir", str(data_dir), "dossiers", "--json", "--limit", "7"]) == 0
    assert len(_lines(capsys)) == 7


def test_actions_by_script_and_a_refusal_exits_2(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    main(["--data-dir", str(data_dir), "dossiers", "--json", "--limit", "2000"])
    rows = _lines(capsys)
    code = next(str(r["code"]) for r in rows if r["status"] == 2)
    base = ["--data-dir", str(data_dir), "dossier"]
    assert main([*base, "handover", code, "--to", "Công an phường", "--user", "canbo"]) == 0
    assert _lines(capsys)[0]["status"] == 4
    assert main([*base, "supplement", code, "--items", "Bản sao CCCD; Ảnh 4x6",
                 "--user", "canbo"]) == 0
    assert main([*base, "supplement", code, "--items", "x", "--user", "canbo"]) == 2
    assert "Lỗi:" in capsys.readouterr().err
    assert main([*base, "resubmit", code, "--user", "canbo"]) == 0
    assert main([*base, "ready", code, "--user", "canbo"]) == 0
    assert main([*base, "return", code, "--to", "authorised", "--name", "Lê Văn Tám",
                 "--id-number", "001090123456", "--user", "canbo"]) == 0
    assert main([*base, "rate", code, "--level", "2", "--scores", "attitude=2,contacts=1",
                 "--user", "canbo"]) == 0
    capsys.readouterr()
    assert main([*base, "show", code, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["status"] == 10 and shown["supplements"] == [["Bản sao CCCD", "Ảnh 4x6"]]
    assert shown["rating"]["level"] == 2 and shown["ended_at"] is not None
    assert [t["action"] for t in shown["timeline"]] == [
        "handover", "supplement", "resubmit", "ready", "return", "rate"]
    assert main([*base, "refuse", code, "--reason", "x", "--user", "canbo"]) == 2
