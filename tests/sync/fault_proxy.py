"""A fault-injecting HTTP proxy on 127.0.0.1 (port 0) in front of the real server.

One request per client connection (the proxy answers with ``Connection: close``), so "drop
every Nth connection" and "drop every Nth request" are the same thing here. A rule decides,
per request, what happens:

- ``PASS``            forward, return the reply
- ``DROP_BEFORE``     reset the client's connection without forwarding anything
- ``DROP_MID``        forward the headers and half the body, then cut both sides (no commit)
- ``DROP_AFTER``      forward, read the server's whole reply (it committed), reset the client
- ``DELAY``           forward, then hold the reply ``delay_s`` (longer than the client waits)
- ``TRUNCATE``        forward, return the headers and half the body, then close
- ``BAD_GATEWAY``     answer 502 HTML without forwarding
- ``BAD_GATEWAY_AFTER`` forward (the server commits), answer 502 HTML
- ``CAPTIVE``         answer 200 HTML (a captive portal's login page) without forwarding
- ``SERVER_ERROR``    answer 500 in the server's own error shape without forwarding (an
                      unhandled crash); ``judge`` may pick it from the request body
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit


class Action(StrEnum):
    PASS = "pass"
    DROP_BEFORE = "drop_before"
    DROP_MID = "drop_mid"
    DROP_AFTER = "drop_after"
    DELAY = "delay"
    TRUNCATE = "truncate"
    BAD_GATEWAY = "bad_gateway"
    BAD_GATEWAY_AFTER = "bad_gateway_after"
    CAPTIVE = "captive"
    SERVER_ERROR = "server_error"


Rule = Callable[[int, str, str], Action]
"""(request number from 1, method, path) -> action."""

PUSH = "/api/v1/sync/push"
SERVER_ERROR_BODY = (b'{"protocol":"motcua-sync/1","error":"internal_error",'
                     b'"message":"Unexpected server error; retry later.","detail":null}')
CAPTIVE_PAGE = (b"<!doctype html><html><head><title>Dang nhap Wi-Fi</title></head><body>"
                b"<form>Vui long dang nhap de su dung Internet</form></body></html>")


def always(action: Action, path: str = "") -> Rule:
    """Every request (whose path starts with ``path``)."""
    return lambda n, m, p: action if p.startswith(path) else Action.PASS


def first(k: int, action: Action, path: str = "") -> Rule:
    """The first ``k`` matching requests, then pass."""
    seen = [0]

    def rule(n: int, m: str, p: str) -> Action:
        if not p.startswith(path):
            return Action.PASS
        seen[0] += 1
        return action if seen[0] <= k else Action.PASS
    return rule


def every_nth(nth: int, action: Action) -> Rule:
    """Every ``nth`` request (connection)."""
    return lambda n, m, p: action if n % nth == 0 else Action.PASS


@dataclass
class ProxyStats:
    requests: int = 0
    actions: list[tuple[str, str, str]] = field(default_factory=list)


class FaultProxy:
    """Start with ``with FaultProxy(upstream_url) as url:``; change ``rule`` at any time."""

    def __init__(self, upstream: str, *, delay_s: float = 5.0) -> None:
        self.set_upstream(upstream)
        self.rule: Rule = always(Action.PASS)
        self.rewrite: Callable[[str, str, bytes], bytes] | None = None
        self.judge: Callable[[str, str, bytes], Action | None] | None = None
        """Looks at the body after ``rule`` passed; a non-None answer overrides it."""
        self.delay_s = delay_s
        self.stats = ProxyStats()
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.url = ""

    def set_upstream(self, url: str) -> None:
        parts = urlsplit(url)
        self._up = (parts.hostname or "127.0.0.1", int(parts.port or 80))

    def __enter__(self) -> str:
        self._thread.start()
        fut = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop)
        self._server = fut.result(10)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    def __exit__(self, *exc: object) -> None:
        async def _close() -> None:
            assert self._server is not None
            self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        asyncio.run_coroutine_threadsafe(_close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # -- one exchange --------------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._exchange(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                OSError, asyncio.CancelledError):
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    async def _exchange(self, reader: asyncio.StreamReader,
                        writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = [ln for ln in lines[1:] if ln]
        length = 0
        for h in headers:
            if h.lower().startswith("content-length:"):
                length = int(h.split(":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        path = target.split("?", 1)[0]
        with self._lock:
            self.stats.requests += 1
            n = self.stats.requests
        action = self.rule(n, method, path)
        if action is Action.PASS and self.judge is not None:
            action = self.judge(method, path, body) or action
        self.stats.actions.append((method, path, str(action)))
        if self.rewrite is not None and body:
            body = self.rewrite(method, path, body)
        if action is Action.DROP_BEFORE:
            return _reset(writer)
        if action is Action.CAPTIVE:
            return await _reply(writer, 200, "OK", CAPTIVE_PAGE)
        if action is Action.SERVER_ERROR:
            return await _reply(writer, 500, "Internal Server Error", SERVER_ERROR_BODY,
                                "application/json")
        if action is Action.BAD_GATEWAY:
            return await _reply(writer, 502, "Bad Gateway", b"<html>502 Bad Gateway</html>")
        keep = [h for h in headers if not h.lower().startswith(("content-length:",
                                                                "connection:"))]
        out_head = "\r\n".join([lines[0], *keep, f"Content-Length: {len(body)}",
                                "Connection: close", "", ""]).encode("latin-1")
        up_r, up_w = await asyncio.open_connection(*self._up)
        if action is Action.DROP_MID:
            up_w.write(out_head + body[: len(body) // 2])
            await up_w.drain()
            _reset(up_w)
            return _reset(writer)
        up_w.write(out_head + body)
        await up_w.drain()
        response = await up_r.read(-1)  # the server closes after one reply
        up_w.close()
        if action is Action.DROP_AFTER:
            return _reset(writer)
        if action is Action.BAD_GATEWAY_AFTER:
            return await _reply(writer, 502, "Bad Gateway", b"<html>502 Bad Gateway</html>")
        if action is Action.DELAY:
            await asyncio.sleep(self.delay_s)
        if action is Action.TRUNCATE:
            split = response.find(b"\r\n\r\n") + 4
            response = response[: split + max(1, (len(response) - split) // 2)]
        writer.write(response)
        await writer.drain()


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _reply(writer: asyncio.StreamWriter, status: int, reason: str, body: bytes,
                 content_type: str = "text/html; charset=utf-8") -> None:
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await writer.drain()
