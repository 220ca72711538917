"""A store the app refuses reaches the official as one plain message with the way out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

import ui.app
from counter_app.config import Settings
from counter_app.domain.clock import FixedClock, vn_datetime
from counter_app.services.backup import make_backup
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from ui.app import AppController


def test_an_empty_store_with_backups_is_refused_with_the_restore_command(
        qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    clock = FixedClock(vn_datetime(2026, 11, 20, 9, 15))
    svc = open_services(settings.db_path, clock)
    ensure_demo_ward(svc.engine, clock)
    backup = make_backup(settings.db_path, settings.backup_dir, clock.now())
    svc.close()
    settings.db_path.write_bytes(b"")  # what a full disk or a bad copy can leave
    shown: list[str] = []
    monkeypatch.setattr(ui.app.QMessageBox, "critical",
                        lambda _parent, _title, text: shown.append(text))
    # The refusal ends the app (exit 1) and closing the login quits it: record both instead of
    # letting a deferred quit reach the event loops of the tests that run next in this process.
    app = QApplication.instance()
    ended: list[int] = []
    monkeypatch.setattr(app, "exit", lambda code=0: ended.append(code), raising=False)
    monkeypatch.setattr(app, "quit", lambda: ended.append(0), raising=False)
    controller = AppController(app, settings, demo=False)
    controller.first_window_shown.connect(qtbot.addWidget)
    controller.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert backup.name in shown[0] and "counter-app restore" in shown[0]
    assert "sqlite" not in shown[0].lower() and "Traceback" not in shown[0]
    assert settings.db_path.stat().st_size == 0  # not replaced by a new empty store
    assert ended == [1]
    controller.shutdown()
