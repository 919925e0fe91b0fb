"""Edge protections as pure ASGI middleware (cheaper than BaseHTTPMiddleware): a request body
size limit and security headers on every response."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import error_body

# Paths that take catalog files (the API and the analyst page's upload form) get the upload limit.
UPLOAD_PREFIX = ("/api/v1/catalog/", "/admin/upload")
MULTIPART_OVERHEAD = 64 * 1024  # form boundaries and fields around an uploaded file

# /docs and /redoc load Swagger UI / ReDoc from a CDN; everything else is same-origin only.
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; frame-ancestors 'none'"
)
_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"


def _too_large(limit: int) -> bytes:
    return json.dumps(
        error_body(
            "payload_too_large",
            f"送信データが大きすぎます（上限 {limit:,} バイト）。相談内容は短くまとめてください。",
            f"The request body is too large (limit {limit:,} bytes).",
        ),
        ensure_ascii=False,
    ).encode("utf-8")


class _BodyTooLarge(StarletteHTTPException):
    """Raised from `receive` mid-stream; frameworks re-raise HTTPExceptions from body reading,
    so the app's handler answers 413 in the one error shape."""

    def __init__(self) -> None:
        super().__init__(413)


class BodySizeLimitMiddleware:
    """413 for bodies over the limit: from Content-Length at once, or while streaming."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int):
        self.app = app
        self.max_body = max_body_bytes
        self.max_upload = max_upload_bytes + MULTIPART_OVERHEAD

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self.max_upload if scope["path"].startswith(UPLOAD_PREFIX) else self.max_body
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await self._reject(send, limit)
                    return
                break

        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._reject(send, limit)

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        body = _too_large(limit)
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]})
        await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """nosniff, no framing, no referrer, a strict CSP; no caching of API answers (they may
    describe a family's situation); HSTS in production."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
                    (b"content-security-policy", (_DOCS_CSP if path in ("/docs", "/redoc") else _CSP).encode()),
                ]
                if path.startswith("/api/"):
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                headers.extend((k, v) for k, v in extra if k not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
