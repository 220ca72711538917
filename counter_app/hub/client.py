"""A PC's client of the hub: queue actions (idempotent, retried), reads, the push channel.

An action gets one idempotency key when the official presses the button; every retry after a
lost reply or a hub restart sends the same key, so the hub applies it once. A network failure
is ``HubUnavailable`` ("outcome unknown", retried by ``act`` for ``retry_for_s``); a refusal
the hub really made is ``HubRefused`` with the service's stable code; 401/403 is ``NotPaired``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

from counter_app.hub.errors import HubRefused, HubUnavailable, NotPaired
from counter_app.hub.wire import (
    HUB_PREFIX,
    HUB_PROTOCOL,
    IDEMPOTENCY_HEADER,
    board_from,
    ticket_from,
)
from counter_app.services.queue_models import BoardPublic, TicketPublic

log = logging.getLogger(__name__)
UNAVAILABLE_VI = "Mất kết nối với máy chủ phường (hub); đang thử kết nối lại."


class HubClient:
    """One hub, one PC token (thread-safe: httpx.Client is)."""

    def __init__(self, url: str, token: str, *, timeout_s: float = 3.0,
                 retry_for_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.retry_for_s = retry_for_s
        self._http = httpx.Client(
            base_url=self.url, timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0)),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            follow_redirects=False, trust_env=False)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queue ------------------------------------------------------------------------------

    def act(self, action: str, *, key: str | None = None, **body: Any) -> TicketPublic | None:
        """Apply a queue action through the hub, retrying with the same key while unreachable."""
        key = key or str(uuid.uuid4())
        deadline = time.monotonic() + self.retry_for_s
        delay = 0.05
        while True:
            try:
                reply = self._call("POST", f"{HUB_PREFIX}/queue/{action}",
                                   json={k: v for k, v in body.items() if v is not None},
                                   headers={IDEMPOTENCY_HEADER: key})
                return ticket_from(reply)
            except HubUnavailable:
                if time.monotonic() + delay > deadline:
                    raise
                threading.Event().wait(delay)
                delay = min(delay * 2, 1.0)

    def board(self) -> BoardPublic:
        """The hall board now."""
        return board_from(self._call("GET", f"{HUB_PREFIX}/queue/board")["board"])

    def counter_state(self, counter: int) -> dict[str, Any]:
        """The counter's current ticket and its waiting list (JSON)."""
        return self._call("GET", f"{HUB_PREFIX}/queue/counter/{counter}")

    def stats(self, day_from: date, day_to: date | None = None) -> dict[str, Any]:
        """Queue statistics over every counter of the ward (JSON of QueueStats)."""
        params = {"day_from": day_from.isoformat(), "day_to": (day_to or day_from).isoformat()}
        return dict(self._call("GET", f"{HUB_PREFIX}/queue/stats", params=params)["stats"])

    def info(self) -> dict[str, Any]:
        """Ward and role as the hub sees this PC."""
        return self._call("GET", f"{HUB_PREFIX}/info")

    def status(self) -> dict[str, Any]:
        """Paired PCs, last seen, relay backlog."""
        return self._call("GET", f"{HUB_PREFIX}/status")

    # -- plumbing ---------------------------------------------------------------------------

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            resp = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise HubUnavailable(UNAVAILABLE_VI) from exc
        return check_reply(resp)


def check_reply(resp: httpx.Response) -> dict[str, Any]:
    """The JSON body of a hub reply, or the typed error it stands for."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or body.get("protocol") not in (HUB_PROTOCOL, "motcua-sync/1"):
        raise HubUnavailable(UNAVAILABLE_VI)  # not our hub (a proxy, a portal): unknown
    if resp.status_code < 300:
        return body
    message = str(body.get("message", ""))
    if resp.status_code in (401, 403):
        raise NotPaired(message or "Máy này chưa ghép nối với máy chủ phường.")
    if resp.status_code >= 500:
        raise HubUnavailable(UNAVAILABLE_VI)
    raise HubRefused(message, error=str(body.get("error", "")))


BoardCallback = Callable[[BoardPublic], None]
StateCallback = Callable[[bool, str], None]


class BoardStream:
    """Follows the hub's push channel in a thread: ``on_board`` for every board, and
    ``on_state(connected, message)`` when the link comes or goes. Reconnects by itself."""

    def __init__(self, url: str, token: str, on_board: BoardCallback, *,
                 on_state: StateCallback | None = None, read_timeout_s: float = 25.0,
                 backoff_cap_s: float = 2.0,
                 on_relay: Callable[[], None] | None = None) -> None:
        self.url, self._token = url.rstrip("/"), token
        self._on_board, self._on_state, self._on_relay = on_board, on_state, on_relay
        self._read_timeout_s, self._cap = read_timeout_s, backoff_cap_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="hub-stream", daemon=True)
        self.connected = False
        self._resp: httpx.Response | None = None

    def start(self) -> None:
        """Connect and keep connected."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Disconnect and end the thread."""
        self._stop.set()
        resp = self._resp
        if resp is not None:
            resp.close()
        self._thread.join(timeout)

    def _state(self, connected: bool, message: str) -> None:
        if connected != self.connected:
            self.connected = connected
            if self._on_state is not None:
                self._on_state(connected, message)

    def _loop(self) -> None:
        delay = 0.1
        with httpx.Client(base_url=self.url, trust_env=False,
                          headers={"Authorization": f"Bearer {self._token}"},
                          timeout=httpx.Timeout(self._read_timeout_s, connect=2.0)) as http:
            while not self._stop.is_set():
                try:
                    self._follow(http)
                    delay = 0.1
                except NotPaired as exc:
                    self._state(False, exc.message_vi)
                    delay = self._cap
                except (httpx.HTTPError, HubUnavailable, ValueError) as exc:
                    log.debug("hub stream lost: %s", exc)
                    self._state(False, UNAVAILABLE_VI)
                if self._stop.wait(delay):
                    return
                delay = min(delay * 2, self._cap)

    def _follow(self, http: httpx.Client) -> None:
        with http.stream("GET", f"{HUB_PREFIX}/stream") as resp:
            self._resp = resp
            if resp.status_code != 200:
                resp.read()
                check_reply(resp)
                raise HubUnavailable(UNAVAILABLE_VI)
            self._state(True, "")
            data: list[str] = []
            event = "message"
            for line in resp.iter_lines():
                if self._stop.is_set():
                    return
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    self._dispatch(event, "".join(data))
                    data, event = [], "message"
        raise HubUnavailable(UNAVAILABLE_VI)  # the hub ended the stream: reconnect

    def _dispatch(self, event: str, data: str) -> None:
        if event == "board":
            self._on_board(board_from(json.loads(data)))
        elif event == "relay" and self._on_relay is not None:
            self._on_relay()
