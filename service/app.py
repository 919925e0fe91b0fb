"""The FastAPI application factory.

`create_app(settings)` builds one app with its own database engine, catalog state, metrics
registry, rate limiter and token verifier; tests pass explicit Settings. Without settings (as
`uvicorn --factory service.app:create_app` calls it) the environment is read and development
tokens are prepared (service.settings.load_settings).

At start-up the active catalog version is loaded and its Matcher built in the background; until
then, or without any version, /readyz and /api/v1/match answer 503 with a clear message.

Several worker processes (or hosts) share one database: each polls it every
catalog_poll_seconds (one query for every municipality) and swaps to a newly activated version
on its own, without dropping a request. The index of each municipality that has an active
version is built at start-up (up to max_loaded_municipalities), others on first request.
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
from catalog.records import MatchLogStore, ReferralStore
from catalog.store import CatalogStore, active_versions
from service.deps import AppContext
from service.errors import install_error_handlers
from service.logging import configure_logging, log_request
from service.match_log import MatchLogWriter
from service.metrics import Metrics, RequestObserverMiddleware
from service.middleware import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from service.ratelimit import SlidingWindowLimiter
from service.routers import analytics, catalog_admin, health, match, pages, referrals, resources
from service.security import TokenVerifier
from service.settings import Settings, load_settings
from service.state import CatalogState, Snapshot, TenantStates, build_matcher
from service.tenancy import MunicipalityMiddleware

log = logging.getLogger("tsunagu.app")
SHUTDOWN_WAIT_SECONDS = 5.0

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
    store = CatalogStore(engine, settings.default_municipality)
    shared = store.for_municipality(settings.shared_municipality) if settings.shared_municipality else None
    metrics = Metrics()

    def on_swap(snapshot: Snapshot) -> None:
        metrics.catalog_swaps.inc()
        if snapshot.version.municipality_code == settings.default_municipality:
            metrics.catalog_resources.set(len(snapshot.resources))
            metrics.catalog_version.set(float(snapshot.version_id))

    def make_state(_code: str) -> CatalogState:
        return CatalogState(contacts_override_path=settings.contacts_override_path, builder=matcher_builder,
                            on_swap=on_swap, shared=shared)

    tenants = TenantStates(settings.default_municipality, make_state, max_loaded=settings.max_loaded_municipalities)
    match_log = (MatchLogWriter(MatchLogStore(engine, settings.default_municipality))
                 if settings.log_match_requests else None)
    return AppContext(
        settings=settings, engine=engine, store=store, state=tenants.get(settings.default_municipality),
        referrals=ReferralStore(engine, settings.default_municipality),
        match_log=match_log, metrics=metrics, limiter=SlidingWindowLimiter(settings.rate_limit_per_minute),
        verifier=TokenVerifier.from_settings(settings), tenants=tenants,
    )


def _served(ctx: AppContext, code: str) -> bool:
    allowed = ctx.settings.municipalities
    return not allowed or code in allowed


async def _initial_load(ctx: AppContext) -> None:
    try:
        await run_in_threadpool(ctx.state.load_active, ctx.store)
        if ctx.state.snapshot is None:
            log.warning("no active catalog version: /readyz and /api/v1/match answer 503 until one is activated")
    except Exception as exc:  # noqa: BLE001 — stay up; /readyz reports 503
        log.error("loading the active catalog failed: %s", type(exc).__name__)
    finally:
        ctx.state.first_load.set()
    try:  # the other municipalities' indexes, so their first requests need not wait
        others = [c for c in await run_in_threadpool(active_versions, ctx.engine)
                  if c != ctx.settings.default_municipality and _served(ctx, c)]
        for code in others[: ctx.settings.max_loaded_municipalities - 1]:
            tenant = ctx.tenant(code)
            await run_in_threadpool(tenant.state.load_active, tenant.store)
            tenant.state.first_load.set()
    except Exception as exc:  # noqa: BLE001 — they load on first request instead
        log.warning("preloading municipalities failed: %s", type(exc).__name__)


def refresh_catalogs(ctx: AppContext) -> None:
    """Swap every loaded municipality whose active version (or the shared one) changed."""
    active = active_versions(ctx.engine)
    shared_id = active.get(ctx.settings.shared_municipality) if ctx.settings.shared_municipality else None
    for code, state in ctx.tenants.loaded():
        current = state.snapshot
        wanted = (active.get(code), None if code == ctx.settings.shared_municipality else shared_id)
        if wanted[0] is not None and (current is None or current.key != wanted):
            state.load_active(ctx.tenant(code).store)


async def _poll_catalog(ctx: AppContext, stop: asyncio.Event) -> None:
    """Pick up versions activated by another worker, host or the CLI (until `stop` is set)."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), ctx.settings.catalog_poll_seconds)
        if stop.is_set():
            return
        try:
            await run_in_threadpool(refresh_catalogs, ctx)
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
        ctx.store.create_schema()  # Alembic: migrates every table (catalog.schema)
        # The index is built in the background: the server answers at once (/healthz 200,
        # /readyz and /api/v1/match 503 with a clear message) while a large catalog is indexed.
        loader = asyncio.create_task(_initial_load(ctx))
        if ctx.match_log is not None:
            ctx.match_log.start()
        stop = asyncio.Event()
        poller = asyncio.create_task(_poll_catalog(ctx, stop)) if settings.catalog_poll_seconds > 0 else None
        try:
            yield
        finally:
            # Let database work running in a thread end before the engine is disposed (or it
            # would open connections in a fresh pool that nobody closes); a long index build is
            # left to finish on its own.
            stop.set()
            await asyncio.wait([t for t in (loader, poller) if t is not None], timeout=SHUTDOWN_WAIT_SECONDS)
            loader.cancel()
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
    app.add_middleware(RequestObserverMiddleware, observers=[log_request, ctx.metrics.observe_request])
    # Outermost: strips /m/{code} before routing, so metrics and logs see the route itself.
    app.add_middleware(MunicipalityMiddleware, default=settings.default_municipality,
                       allowed=settings.municipalities and [*settings.municipalities, settings.shared_municipality])
    return app
