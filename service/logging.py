"""Privacy-preserving request logs.

One line per request: method, route template, status and duration. Never the path with its ids,
the query string, headers, client address or body. uvicorn's own access log (which prints raw
paths) is switched off by `tsunagu serve`.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.metrics import route_template

access_log = logging.getLogger("tsunagu.access")


def configure_logging(level: str = "INFO") -> None:
    """A plain stderr handler for tsunagu's loggers (uvicorn configures its own)."""
    logger = logging.getLogger("tsunagu")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %d %.1fms", scope["method"], route_template(scope), status,
                    (time.perf_counter() - start) * 1000,
                )
