"""The hub in-process on 127.0.0.1 (port 0) and PCs paired with it, for tests/hub."""

from __future__ import annotations

import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))

from counter_app.domain.clock import SystemClock
from counter_app.hub import link, peers
from counter_app.hub.client import HubClient
from counter_app.hub.runtime import HubOptions, HubRuntime
from counter_app.hub.server import HubThread
from counter_app.services.context import open_services
from counter_app.services.demo import ensure_demo_ward

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
