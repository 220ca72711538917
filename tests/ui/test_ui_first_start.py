"""The first start of the day: the daily backup never holds the login or intake, the login path
imports only what the login needs, Alembic stays off the console (issue 11, item 7)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtWidgets import QApplication

from counter_app.config import Settings
from counter_app.domain.clock import SystemClock
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from ui.app import AppController


class BlockedBackup:
    """A daily backup that runs until the test releases it (stands in for a 3.5 GB copy)."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.thread: threading.Thread | None = None

    def __call__(self, db_path: Path, backup_dir: Path, now: object, *, cancelled) -> None:  # type: ignore[no-untyped-def]
        self.thread = threading.current_thread()
        self.started.set()
        assert self.release.wait(30), "the test never released the backup"


def test_login_and_intake_are_usable_while_the_backup_is_still_running(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    backup = BlockedBackup()
    controller = AppController(QApplication.instance(), Settings(data_dir=tmp_path), demo=True,
                               backup=backup)
    try:
        with qtbot.waitSignal(controller.login_shown, timeout=20_000) as shown:
            controller.start()
        login = shown.args[0]
        qtbot.addWidget(login)
        qtbot.waitUntil(backup.started.is_set, timeout=10_000)  # once the login shows...
        with qtbot.waitSignal(controller.window_shown, timeout=20_000) as shown:
            login.buttons.accepted.emit()  # ...and the login (a DB job) goes through meanwhile
        qtbot.addWidget(shown.args[0])
        services = controller.services
        assert services is not None
        count = controller.runner.run_db(services.dossiers.count)  # the DB thread is free
        with qtbot.waitSignal(count.succeeded, timeout=20_000):
            pass
        assert backup.thread is not None and backup.thread.is_alive()
        assert not backup.release.is_set()  # all of the above happened during the backup
        with qtbot.waitSignal(controller.backup_finished, timeout=20_000):
            backup.release.set()
    finally:
        backup.release.set()
        controller.shutdown()


def test_the_real_daily_backup_is_made_after_the_login_shows(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path)
    controller = AppController(QApplication.instance(), settings, demo=True)
    try:
        with qtbot.waitSignal(controller.backup_finished, timeout=30_000) as done:
            controller.start()
        qtbot.addWidget(controller._dialogs[0])
        copy = done.args[0]
        assert isinstance(copy, Path) and copy.parent == settings.backup_dir and copy.exists()
    finally:
        controller.shutdown()


_LOGIN_PATH = """
import json, sys
import ui.launcher
args = ['--data-dir', sys.argv[1]]
assert ui.launcher._first_command(args) is None
opts = ui.launcher.gui_parser().parse_args(args)
from PySide6.QtWidgets import QApplication
from counter_app.config import Settings
from ui.app import AppController
app = QApplication([])
controller = AppController(app, Settings(data_dir=opts.data_dir), demo=False,
                           backup=lambda *a, **k: None)
seen = {}
def on_login(dialog):
    seen['modules'] = sorted(sys.modules)
    app.quit()
controller.login_shown.connect(on_login)
controller.start()
app.exec()
controller.shutdown()
print(json.dumps(seen['modules']))
"""
HEAVY = ("reportlab", "openpyxl", "httpx", "holidays", "printing", "counter_app.services.queue",
         "counter_app.sync", "ui.queue", "ui.main_window", "counter_app.cli")


def test_the_login_path_imports_only_what_the_login_needs(tmp_path: Path) -> None:
    svc = open_services(tmp_path / "counter.db")
    ensure_demo_ward(svc.engine, SystemClock())
    svc.close()
    out = subprocess.run([sys.executable, "-c", _LOGIN_PATH, str(tmp_path)], capture_output=True,
                         text=True, timeout=120, check=False,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    modules = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []
    assert "counter_app.services.accounts" in modules  # the probe did reach the login


def test_alembic_info_stays_out_of_the_console(tmp_path: Path, capfd) -> None:  # type: ignore[no-untyped-def]
    from ui.app import setup_logging

    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        setup_logging(tmp_path / "logs")
        open_services(tmp_path / "counter.db").close()  # migrates: Alembic logs at INFO
        logging.getLogger("alembic.runtime.migration").warning("a real problem")
        logging.getLogger("ui.app").info("login: canbo")
    finally:
        for h in root.handlers[:]:
            if h not in before[0]:
                root.removeHandler(h)
                h.close()
        root.setLevel(before[1])
    err = capfd.readouterr().err
    assert "Context impl" not in err and "Running upgrade" not in err
    assert "a real problem" in err and "login: canbo" in err
    log = (tmp_path / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert "Running upgrade" in log  # kept in the file
