"""On the hub: the long-lived parts behind the HTTP app (store, queue, push channel, relay).

Threads: the board watcher (publishes the hall board on every change of the store, whoever
wrote it: this process's queue actions wake it at once, a kiosk writing from another process
is seen through ``PRAGMA data_version`` within ``poll_s``), and the forwarder (the relay's
outbox towards upstream). HTTP handlers run in uvicorn's thread pool; the push channel's
subscribers are asyncio queues fed thread-safely.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from datetime import timedelta
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from counter_app.domain.clock import Clock, SystemClock
from counter_app.hub import forward
from counter_app.hub.queue_actions import HubQueue
from counter_app.hub.wire import board_json
from counter_app.services.context import AppServices, open_services
from counter_app.services.queue_watch import DataVersionWatcher
from db.engine import read_session
from db.models import WardProfile

log = logging.getLogger(__name__)


class HubOptions(BaseSettings):
    """Timings, from the environment (prefix ``MOTCUA_HUB_``); tests shrink them."""

    model_config = SettingsConfigDict(env_prefix="MOTCUA_HUB_", extra="ignore", frozen=True)

    poll_s: float = 0.05
    forward_every_s: float = 2.0
    forward_backoff_cap_s: float = 30.0
    heartbeat_s: float = 10.0


CLOSE = ""
"""Put on a subscriber's queue to end its stream."""


class Broadcaster:
    """Fan-out of server-sent messages to every connected display and counter."""

    def __init__(self) -> None:
        self._subs: dict[asyncio.Queue[str], asyncio.AbstractEventLoop] = {}
        self._lock = threading.Lock()
        self.last: str | None = None

    def subscribe(self) -> asyncio.Queue[str]:
        """A queue on the running loop that receives every later message."""
        q: asyncio.Queue[str] = asyncio.Queue(maxsize=64)
        with self._lock:
            self._subs[q] = asyncio.get_running_loop()
        return q

    def unsubscribe(self, q: asyncio.Queue[str]) -> None:
        """Stop feeding ``q``."""
        with self._lock:
            self._subs.pop(q, None)

    def publish(self, message: str, event: str = "board") -> None:
        """Send ``message`` as a server-sent ``event`` to every subscriber (from any thread).
        A full queue drops it: a board is whole and a relay notice only says "pull now", so
        the next message repairs the gap."""
        if event == "board":
            self.last = message
        frame = f"event: {event}\ndata: {message}\n\n"
        with self._lock:
            subs = list(self._subs.items())
        for q, loop in subs:
            with contextlib.suppress(RuntimeError):  # loop closed: subscriber is going away
                loop.call_soon_threadsafe(_offer, q, frame)

    def close_all(self) -> None:
        """End every stream (the server is shutting down: clients reconnect elsewhere)."""
        with self._lock:
            subs = list(self._subs.items())
        for q, loop in subs:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_offer, q, CLOSE)

    @property
    def subscribers(self) -> int:
        """How many are connected."""
        with self._lock:
            return len(self._subs)


def _offer(q: asyncio.Queue[str], message: str) -> None:
    with contextlib.suppress(asyncio.QueueFull):
        q.put_nowait(message)


class HubRuntime:
    """Everything the hub process owns; ``start()`` the threads, ``stop()`` them."""

    def __init__(self, data_dir: Path, *, clock: Clock | None = None,
                 options: HubOptions | None = None, name: str = "") -> None:
        self.data_dir = data_dir
        self.clock = clock or SystemClock()
        self.options = options or HubOptions()
        self.services: AppServices = open_services(data_dir / "counter.db", self.clock)
        self.engine = self.services.engine
        self.queue = HubQueue(self.engine, self.services.queue, self.clock)
        self.broadcaster = Broadcaster()
        self.name = name or "Máy chủ phường"
        self._stop = threading.Event()
        self._board_wake = threading.Event()
        self._forward_wake = threading.Event()
        self._threads = [threading.Thread(target=self._watch_board, name="hub-board",
                                          daemon=True),
                         threading.Thread(target=self._forward_loop, name="hub-forward",
                                          daemon=True)]
        self.services.queue.add_listener(lambda _change: self._board_wake.set())

    def ward(self) -> tuple[str, str]:
        """(agency code, name) of the hub's ward ("" before setup)."""
        with read_session(self.engine) as s:
            w = s.get(WardProfile, 1)
            return (w.agency_code, w.agency_name) if w else ("", "")

    def start(self) -> None:
        """Start the board watcher and the forwarder."""
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        """Stop the threads and close the store."""
        self._stop.set()
        self._board_wake.set()
        self._forward_wake.set()
        for t in self._threads:
            t.join(timeout=10)
        self.services.close()

    def relay_arrived(self, last_seq: int) -> None:
        """A counter pushed events: tell the ward's PCs to pull, and try upstream soon."""
        self.broadcaster.publish(json.dumps({"seq": last_seq}), event="relay")
        self._forward_wake.set()

    def publish_board(self) -> str:
        """Read the board and publish it if it changed; the message."""
        message = json.dumps(board_json(self.services.queue.board()), ensure_ascii=False,
                             separators=(",", ":"))
        if message != self.broadcaster.last:
            self.broadcaster.publish(message)
        return message

    def _watch_board(self) -> None:
        watcher = DataVersionWatcher(self.engine)
        try:
            while not self._stop.is_set():
                woke = self._board_wake.wait(self.options.poll_s)
                self._board_wake.clear()
                if self._stop.is_set():
                    return
                if watcher.changed() or woke:
                    try:
                        self.publish_board()
                    except Exception:  # a bad read must not end the push channel
                        log.exception("board publish failed")
        finally:
            watcher.close()

    def _forward_loop(self) -> None:
        delay = self.options.forward_every_s
        while not self._stop.is_set():
            self._forward_wake.wait(delay)
            self._forward_wake.clear()
            if self._stop.is_set():
                return
            try:
                rep = forward.forward_once(self.engine, self.data_dir, self.clock.now)
            except Exception:
                log.exception("upstream forward failed")
                rep = forward.ForwardReport(0, 0, offline=True)
            delay = (min(delay * 2, self.options.forward_backoff_cap_s) if rep.offline
                     else self.options.forward_every_s)

    def forget_old_requests(self) -> None:
        """Idempotency keys older than a day are never replayed."""
        self.queue.forget_before(self.clock.now() - timedelta(days=1))
