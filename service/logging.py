"""Privacy-preserving request logs.

One line per request: method, route template, status and duration. Never the path with its ids,
the query string, headers, client address or body. uvicorn's own access log (which prints raw
paths) is switched off by `tsunagu serve`.
"""

from __future__ import annotations

import logging

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


def log_request(route: str, method: str, status: int, seconds: float) -> None:
    """One access-log line (an observer of service.metrics.RequestObserverMiddleware)."""
    if access_log.isEnabledFor(logging.INFO):
        access_log.info("%s %s %d %.1fms", method, route, status, seconds * 1000)
