"""The FastAPI application factory.

`create_app(settings)` builds one app with its own database engine, catalog state, metrics
registry, rate limiter and token verifier; tests pass explicit Settings. Without settings (as
`uvicorn --factory service.app:create_app` calls it) the environment is read and development
tokens are prepared (service.settings.load_settings).

At start-up the active catalog version is loaded and its Matcher built in the background; until
then, or without any version, /readyz and /api/v1/match answer 503 with a clear message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager
from typing import Any, Callable

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool

from catalog.db import make_engine
from catalog.records import MatchLogStore, ReferralStore, create_record_tables
from catalog.store import CatalogStore
from service.deps import AppContext
from service.errors import install_error_handlers
from service.logging import AccessLogMiddleware, configure_logging
from service.match_log import MatchLogWriter
from service.metrics import Metrics, MetricsMiddleware
from service.middleware import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from service.ratelimit import SlidingWindowLimiter
from service.routers import analytics, catalog_admin, health, match, pages, referrals, resources
from service.security import TokenVerifier
from service.settings import Settings, load_settings
from service.state import CatalogState, Snapshot, build_matcher

log = logging.getLogger("tsunagu.app")

API_DESCRIPTION = """
tsunagu（つなぐ）matches a family's concern to the local child-rearing services that can help.

* **Public**: `POST /api/v1/match`, browse `/api/v1/resources`, `/api/v1/categories`.
* **Counsellor** (bearer token): `/api/v1/referrals`.
* **Analyst** (bearer token): `/api/v1/catalog/...` upload, validate, diff, activate, roll back;
  `/api/v1/analytics/...` duplicates, quality, coverage, unmet needs.

Every error has one shape: `{"error": {"code", "message_ja", "message_en", "details"}}`.
Concern text is only ever sent in POST bodies and is never logged.
"""


def build_context(settings: Settings, matcher_builder: Callable[..., Any] = build_matcher) -> AppContext:
    engine = make_engine(settings.database_url)
    store = CatalogStore(engine)
    metrics = Metrics()

    def on_swap(snapshot: Snapshot) -> None:
        metrics.catalog_resources.set(len(snapshot.resources))
        metrics.catalog_version.set(float(snapshot.version_id))
        metrics.catalog_swaps.inc()

    state = CatalogState(contacts_override_path=settings.contacts_override_path, builder=matcher_builder,
                         on_swap=on_swap)
    match_log = MatchLogWriter(MatchLogStore(engine)) if settings.log_match_requests else None
    return AppContext(
        settings=settings, engine=engine, store=store, state=state, referrals=ReferralStore(engine),
        match_log=match_log, metrics=metrics, limiter=SlidingWindowLimiter(settings.rate_limit_per_minute),
        verifier=TokenVerifier.from_settings(settings),
    )


async def _initial_load(ctx: AppContext) -> None:
    try:
        await run_in_threadpool(ctx.state.load_active, ctx.store)
        if ctx.state.snapshot is None:
            log.warning("no active catalog version: /readyz and /api/v1/match answer 503 until one is activated")
    except Exception as exc:  # noqa: BLE001 — stay up; /readyz reports 503
        log.error("loading the active catalog failed: %s", type(exc).__name__)
    finally:
        ctx.state.first_load.set()


async def _poll_catalog(ctx: AppContext) -> None:
    """Pick up versions activated by another worker or the CLI."""
    while True:
        await asyncio.sleep(ctx.settings.catalog_poll_seconds)
        try:
            await run_in_threadpool(ctx.state.load_active, ctx.store)
        except Exception as exc:  # noqa: BLE001 — keep serving the current catalog
            log.warning("catalog reload failed: %s", type(exc).__name__)


def create_app(settings: Settings | None = None, *, matcher_builder: Callable[..., Any] = build_matcher) -> FastAPI:
    """The app. `matcher_builder(resources, contacts_override_path)` builds the index of a
    catalog version (tests pass a cached one)."""
    if settings is None:
        settings = load_settings()
        configure_logging(settings.log_level)
    ctx = build_context(settings, matcher_builder)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        ctx.store.create_schema()
        create_record_tables(ctx.engine)
        # The index is built in the background: the server answers at once (/healthz 200,
        # /readyz and /api/v1/match 503 with a clear message) while a large catalog is indexed.
        loader = asyncio.create_task(_initial_load(ctx))
        if ctx.match_log is not None:
            ctx.match_log.start()
        poller = asyncio.create_task(_poll_catalog(ctx)) if settings.catalog_poll_seconds > 0 else None
        try:
            yield
        finally:
            loader.cancel()  # a build already running in its thread finishes on its own
            if poller is not None:
                poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await poller
            if ctx.match_log is not None:
                ctx.match_log.flush()
                ctx.match_log.stop()
            ctx.engine.dispose()

    app = FastAPI(
        title="tsunagu API",
        version="1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.context = ctx
    install_error_handlers(app)
    for module in (match, resources, referrals, catalog_admin, analytics, health, pages):
        app.include_router(module.router)
    app.mount("/static", pages.static_files(), name="static")

    # Outermost last: metrics and access log see every answer, including 413s and CORS refusals.
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.environment == "production")
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "PATCH"], allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(AccessLogMiddleware)
    app.add_middleware(MetricsMiddleware, metrics=ctx.metrics)
    return app
