"""Request-size limit as a pure ASGI middleware (413 with a JSON body, audited)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from counter_app.sync.protocol import ErrorBody


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """Refuse bodies over ``limit`` bytes, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, *, limit: int,
                 on_refused: Callable[[Scope, str], None] | None = None) -> None:
        self.app, self.limit, self.on_refused = app, limit, on_refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send, f"Content-Length {int(declared)}")
            return
        # Chunked or lying clients: buffer up to the limit, then hand the body on.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send, f"body over {self.limit} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, why: str) -> None:
        if self.on_refused is not None:
            self.on_refused(scope, why)
        payload: dict[str, Any] = ErrorBody(
            error="request_too_large",
            message=f"Request body exceeds {self.limit} bytes; send smaller batches.",
            detail={"limit": self.limit}).model_dump(mode="json")
        body = json.dumps(payload).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
