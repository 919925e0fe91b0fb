"""Prometheus metrics, one private registry per app (tests build many apps).

Labels are route templates (/api/v1/resources/{resource_id}), methods, status codes, confidence
bands and safety levels: never a raw path, query string or any text a family typed.
"""

from __future__ import annotations

import time
from typing import Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.bands import confidence_band

UNMATCHED_ROUTE = "<unmatched>"

CONFIDENCE_BANDS = ("low", "mid", "high")


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    return getattr(route, "path", None) or UNMATCHED_ROUTE


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "tsunagu_http_requests", "HTTP requests by route template, method and status.",
            ["route", "method", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "tsunagu_http_request_duration_seconds", "Request latency by route template and method.",
            ["route", "method"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.match_confidence = Counter(
            "tsunagu_match_confidence", "Matches by confidence band (low / mid / high).",
            ["band"], registry=self.registry,
        )
        self.match_safety = Counter(
            "tsunagu_match_safety", "Matches by safety level (none / concern / urgent).",
            ["level"], registry=self.registry,
        )
        self.catalog_resources = Gauge(
            "tsunagu_catalog_resources", "Resources in the active catalog version.", registry=self.registry
        )
        self.catalog_version = Gauge(
            "tsunagu_catalog_version", "Id of the active catalog version (0 = none).", registry=self.registry
        )
        self.catalog_swaps = Counter(
            "tsunagu_catalog_swaps", "Times the active catalog index was swapped.", registry=self.registry
        )
        for band in CONFIDENCE_BANDS:  # present from the start, so dashboards see zeros
            self.match_confidence.labels(band)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def observe_match(self, confidence: float, safety_level: str) -> None:
        self.match_confidence.labels(confidence_band(confidence)).inc()
        self.match_safety.labels(safety_level).inc()

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


class RequestObserverMiddleware:
    """Times every HTTP request and tells each observer its route template, method, status and
    seconds (the access log and the metrics both observe requests this way)."""

    def __init__(self, app: ASGIApp, observers: list[Callable[[str, str, int, float], None]]):
        self.app = app
        self.observers = observers

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
            route, seconds = route_template(scope), time.perf_counter() - start
            for observe in self.observers:
                observe(route, scope["method"], status, seconds)
