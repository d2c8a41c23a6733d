"""The one ASGI middleware in front of every route: request id, bearer token, body size and time
limits, the access log and the metrics.

A plain ASGI callable (no ``BaseHTTPMiddleware``, which costs a task and a queue per request).
The access log is one JSON object a line on the ``contentguard.serve.access`` logger. It holds ids,
sizes, decisions and the SHA-256 of each checked document's text, never the text itself: drafts
are confidential.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException

from .limits import Limits
from .metrics import Metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ACCESS_LOG = logging.getLogger("contentguard.serve.access")
ERROR_LOG = logging.getLogger("contentguard.serve.error")
TOKEN_COOKIE = "contentguard_token"
# Reachable without the token: the health probe, and the page where a reviewer gives the token.
OPEN_PATHS = frozenset({"/healthz", "/login"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def error_body(code: str, message: str, **extra: Any) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, **extra}}, ensure_ascii=False).encode()


async def _send_json(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = _header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class Gatekeeper:
    def __init__(self, app: ASGIApp, limits: Limits, metrics: Metrics, token: str | None):
        self.app = app
        self.limits = limits
        self.metrics = metrics
        self.token = token

    def authorized(self, scope: Scope) -> bool:
        if self.token is None:
            return True
        given = None
        header = _header(scope, b"authorization")
        if header and header[:7].lower() == "bearer ":
            given = header[7:].strip()
        if given is None:
            given = _cookie(scope, TOKEN_COOKIE)
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given_id = _header(scope, b"x-request-id")
        request_id = given_id if given_id and _REQUEST_ID.match(given_id) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500
        sent_start = False
        received = 0
        id_header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status, sent_start
            if message["type"] == "http.response.start":
                sent_start = True
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        deadline = started + self.limits.body_timeout_seconds
        limit = self.limits.max_body_bytes

        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # later reads only listen for a disconnect: no deadline on those
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.perf_counter(), 0.001))
            except (TimeoutError, asyncio.TimeoutError):
                raise HTTPException(408, f"the request body did not arrive within "
                                         f"{self.limits.body_timeout_seconds:g} s") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"the request body is larger than {limit} bytes (max_body_bytes)")
                body_done = not message.get("more_body", False)
            return message

        try:
            path = scope.get("path", "")
            if path not in OPEN_PATHS and not self.authorized(scope):
                if path == "/" and scope.get("method") == "GET":
                    await send_with_id({"type": "http.response.start", "status": 303,
                                        "headers": [(b"location", b"/login"), (b"content-length", b"0")]})
                    await send_with_id({"type": "http.response.body", "body": b""})
                else:
                    await _send_json(send_with_id, 401, error_body(
                        "unauthorized", "a bearer token is required: send 'Authorization: Bearer <token>'"),
                        [(b"www-authenticate", b'Bearer realm="contentguard"')])
                return
            length = _header(scope, b"content-length")
            if length is not None and length.isdigit() and int(length) > limit:
                await _send_json(send_with_id, 413, error_body(
                    "too_large", f"the request body is {int(length)} bytes; at most {limit} bytes are accepted",
                    field="body", limit=limit))
                return
            try:
                await self.app(scope, limited_receive, send_with_id)
            except Exception as exc:
                # The message may quote the document: log the type and where it happened, never the text.
                frames = traceback.extract_tb(exc.__traceback__)
                ERROR_LOG.error(json.dumps({"event": "error", "request_id": request_id, "type": type(exc).__name__,
                                            "at": [f"{f.filename}:{f.lineno}" for f in frames[-5:]]}))
                if sent_start:
                    raise
                await _send_json(send_with_id, 500, error_body("internal", f"internal error (request {request_id})"))
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(scope.get("method", ""), template, status, elapsed)
            if ACCESS_LOG.isEnabledFor(logging.INFO):
                record: dict[str, Any] = {
                    "event": "request", "request_id": request_id, "method": scope.get("method"),
                    "path": path, "route": template, "status": status, "ms": round(elapsed * 1000, 3),
                    "bytes_in": received, "client": (scope.get("client") or ("", 0))[0],
                }
                documents = state.get("documents")
                if documents is not None:
                    record["documents"] = documents
                ACCESS_LOG.info(json.dumps(record, ensure_ascii=False))
