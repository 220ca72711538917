"""The hub in-process on 127.0.0.1 (port 0) and PCs paired with it, for tests/hub."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from sync_helpers import env_for_subprocess

from counter_app.domain.clock import SystemClock
from counter_app.hub import link, peers
from counter_app.hub.client import HubClient
from counter_app.hub.link import hub_token, load_link
from counter_app.hub.port import BoardChanged, HubQueuePort
from counter_app.hub.runtime import HubOptions, HubRuntime
from counter_app.hub.server import HubThread
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward
from counter_app.services.queue_models import BoardPublic

FAST = HubOptions(poll_s=0.02, forward_every_s=0.1, forward_backoff_cap_s=0.2, heartbeat_s=0.5)


_TEMPLATE: list[Path] = []


def set_up_store(data_dir: Path) -> None:
    """A demo ward with the default queue services, on its own data dir and device identity
    (copied from one store made per session: setting up hashes passwords, which is slow)."""
    if not _TEMPLATE:
        tpl = Path(tempfile.mkdtemp(prefix="motcua-hub-tpl-")) / "counter.db"
        svc = open_services(tpl, SystemClock())
        ensure_demo_ward(svc.engine, svc.clock)
        svc.queue.ensure_defaults()
        svc.close()
        _TEMPLATE.append(tpl)
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_TEMPLATE[0], data_dir / "counter.db")
    svc = open_services(data_dir / "counter.db", SystemClock())
    with svc.engine.begin() as c:
        c.execute(text("UPDATE device_state SET device_id = :d"), {"d": str(uuid.uuid4())})
    svc.close()


class LiveHub:
    """HubRuntime + its app under uvicorn in a thread (``HubThread``)."""

    def __init__(self, data_dir: Path, *, options: HubOptions = FAST, set_up: bool = True,
                 port: int = 0) -> None:
        self.data_dir = data_dir
        if set_up:
            set_up_store(data_dir)
        self.rt = HubRuntime(data_dir, options=options, name="Hub thử")
        self.thread = HubThread(self.rt, port=port)
        self.app = self.thread.app
        self.url = ""

    def __enter__(self) -> LiveHub:
        self.url = self.thread.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.__exit__()

    def code(self) -> str:
        return peers.new_code(self.rt.engine, self.rt.clock.now())

    def pair(self, data_dir: Path, *, role: str = "counter", url: str | None = None,
             set_up: bool = True) -> link.HubLink:
        """Pair a PC's data dir (set up as the same demo ward first)."""
        if set_up:
            set_up_store(data_dir)
        svc = open_services(data_dir / "counter.db", SystemClock())
        try:
            return link.pair(svc.engine, data_dir, svc.clock.now(), url=url or self.url,
                             code=self.code(), name=data_dir.name, role=role)
        finally:
            svc.close()


def client_for(data_dir: Path, **kwargs: Any) -> HubClient:
    """The hub client of a paired data dir."""
    svc = open_services(data_dir / "counter.db", SystemClock())
    try:
        c = link.open_client(svc.engine, data_dir, **kwargs)
    finally:
        svc.close()
    assert c is not None
    return c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class HubProcess:
    """``counter-app hub serve`` in a child process on a fixed port (to kill and restart)."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir, self.port = data_dir, port
        self.proc: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "counter_app", "--data-dir", str(self.data_dir), "hub",
             "serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-announce"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env_for_subprocess(MOTCUA_HUB_FORWARD_EVERY_S="0.1"))
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("HUB "), line

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.kill()


def paired_port(data_dir: Path) -> HubQueuePort:
    svc = open_services(data_dir / "counter.db")
    link = load_link(svc.engine)
    svc.close()
    assert link is not None
    return HubQueuePort(client_for(data_dir), hub_token(data_dir, link), counter_no=None)


class Seen:
    """Boards and link states as a display receives them."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.boards: list[tuple[float, BoardPublic]] = []
        self.states: list[bool] = []

    def board(self, change: object) -> None:
        assert isinstance(change, BoardChanged)
        with self.cond:
            self.boards.append((time.perf_counter(), change.board))
            self.cond.notify_all()

    def state(self, connected: bool, _message: str) -> None:
        with self.cond:
            self.states.append(connected)
            self.cond.notify_all()

    def wait_for(self, pred, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        with self.cond:
            return self.cond.wait_for(pred, timeout)

    def called(self, number: str) -> float | None:
        for at, b in self.boards:
            if any(c.number == number for c in b.calls):
                return at
        return None
