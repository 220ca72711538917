"""``counter-app hub serve``: the hub's runtime and API under uvicorn, announced on the LAN.

Prints ``HUB <url>`` once it listens (port 0 picks a free port: tests and the kiosk read the
line). SIGINT/SIGTERM stop it cleanly; SIGKILL loses nothing committed (every reply is sent
after its commit) and a restart carries on with the same numbers.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from pathlib import Path
from typing import Any

import uvicorn

from counter_app.hub.app import create_hub_app
from counter_app.hub.runtime import HubOptions, HubRuntime

log = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn that tells when it listens, and on which port."""

    def __init__(self, config: uvicorn.Config, on_listen: Any, rt: HubRuntime) -> None:
        super().__init__(config)
        self._on_listen = on_listen
        self._rt = rt

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._rt.broadcaster.close_all()  # end the push streams, or shutdown waits on them
        await super().shutdown(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._on_listen(int(self.servers[0].sockets[0].getsockname()[1]))


def serve(data_dir: Path, *, host: str = "0.0.0.0", port: int = 8765, name: str = "",
          announce: bool = True, options: HubOptions | None = None) -> int:
    """Run the hub until stopped; the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("counter_app.hub").setLevel(logging.INFO)
    rt = HubRuntime(data_dir, name=name, options=options)
    rt.forget_old_requests()
    app = create_hub_app(rt)
    announcer: list[Any] = []

    def listening(bound: int) -> None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        print(f"HUB http://{shown}:{bound}", flush=True)
        if announce:
            from counter_app.hub.discovery import Announcer

            code, _ = rt.ward()
            with contextlib.suppress(Exception):  # no multicast here: still serve by address
                announcer.append(Announcer(port=bound, ward_code=code, name=rt.name,
                                           host=None if host in ("0.0.0.0", "::") else host))

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off",
                            timeout_graceful_shutdown=2)
    server = _Server(config, listening, rt)
    rt.start()
    try:
        server.run()
    finally:
        for a in announcer:
            a.close()
        rt.stop()
    return 0


class HubThread:
    """The hub on a runtime, served by uvicorn in a thread (benchmarks, a kiosk that hosts it).

    ``with HubThread(rt) as url:`` starts the runtime's threads and the server; leaving stops
    both."""

    def __init__(self, rt: HubRuntime, *, host: str = "127.0.0.1", port: int = 0) -> None:
        import threading

        self.rt = rt
        self._bound = threading.Event()
        self._port = 0
        self.app = create_hub_app(rt)
        config = uvicorn.Config(self.app, host=host, port=port, log_level="warning",
                                lifespan="off", timeout_graceful_shutdown=1)
        self._server = _Server(config, self._listening, rt)
        self._thread = threading.Thread(target=self._server.run, name="hub-http", daemon=True)
        self._host = host

    def _listening(self, port: int) -> None:
        self._port = port
        self._bound.set()

    def __enter__(self) -> str:
        self.rt.start()
        self._thread.start()
        if not self._bound.wait(30):
            raise RuntimeError("the hub did not start listening")
        return f"http://{self._host}:{self._port}"

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(20)
        self.rt.stop()
