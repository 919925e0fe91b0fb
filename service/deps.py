"""Named dependencies for the routers: the app's context, the catalog snapshot, roles, rate limit.

Cheap dependencies are `async def` (no thread-pool hop); token verification is a plain `def`
because scrypt is slow and must not block the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from catalog.records import ReferralStore
from service.errors import CatalogLoading, CatalogNotReady, Forbidden, RateLimited, Unauthorized, UnsupportedMediaType
from service.match_log import MatchLogWriter
from service.metrics import Metrics
from service.ratelimit import SlidingWindowLimiter
from service.security import GRANTS, Role, TokenVerifier
from service.settings import Settings
from service.state import CatalogState, Snapshot, TenantStates


@dataclass(frozen=True)
class Tenant:
    """One municipality's view of the app: its catalog state, store and referral records."""

    code: str
    state: CatalogState
    store: Any  # catalog.store.CatalogStore bound to `code`
    referrals: ReferralStore


@dataclass
class AppContext:
    """Everything the app holds for its lifetime (one per create_app). `state`, `store` and
    `referrals` are the default municipality's; `tenant(code)` gives any municipality's."""

    settings: Settings
    engine: Engine
    store: Any  # catalog.store.CatalogStore
    state: CatalogState
    referrals: ReferralStore
    match_log: MatchLogWriter | None
    metrics: Metrics
    limiter: SlidingWindowLimiter
    verifier: TokenVerifier
    tenants: TenantStates | None = None

    def tenant(self, code: str) -> Tenant:
        if code == self.store.municipality or self.tenants is None:
            return Tenant(self.store.municipality, self.state, self.store, self.referrals)
        return Tenant(code, self.tenants.get(code), self.store.for_municipality(code),
                      self.referrals.for_municipality(code))


async def get_context(request: Request) -> AppContext:
    return request.app.state.context


ContextDep = Annotated[AppContext, Depends(get_context)]


async def get_municipality(request: Request, ctx: ContextDep) -> str:
    """The municipality the request is for (service.tenancy put it there; else the default)."""
    return getattr(request.state, "municipality", None) or ctx.settings.default_municipality


MunicipalityDep = Annotated[str, Depends(get_municipality)]


async def get_tenant(ctx: ContextDep, municipality: MunicipalityDep) -> Tenant:
    return ctx.tenant(municipality)


TenantDep = Annotated[Tenant, Depends(get_tenant)]


async def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def _first_load(tenant: Tenant) -> None:
    tenant.state.load_active(tenant.store)
    tenant.state.first_load.set()  # not on a database error: the next request tries again


async def get_loaded_snapshot(ctx: ContextDep, tenant: TenantDep) -> Snapshot | None:
    """The municipality's catalog snapshot, or None when no version is active (or the default
    one is still loading). Another municipality's index is built on its first request in this
    worker, so no endpoint sees "not loaded yet" as "no catalog"."""
    snapshot = tenant.state.snapshot
    if snapshot is None and tenant.state is not ctx.state and not tenant.state.first_load.is_set():
        await run_in_threadpool(_first_load, tenant)
        snapshot = tenant.state.snapshot
    return snapshot


LoadedSnapshotDep = Annotated[Snapshot | None, Depends(get_loaded_snapshot)]


async def get_snapshot(ctx: ContextDep, tenant: TenantDep) -> Snapshot:
    """The municipality's catalog snapshot this request uses from start to end; 503 before any
    is loaded."""
    snapshot = await get_loaded_snapshot(ctx, tenant)
    if snapshot is None:
        raise not_ready(ctx, tenant.state)
    return snapshot


def not_ready(ctx: AppContext, state: CatalogState | None = None) -> CatalogNotReady:
    """503 that says whether the index is still being built or no version is active."""
    if not (state or ctx.state).first_load.is_set():
        return CatalogLoading(headers={"Retry-After": "10"})
    return CatalogNotReady()


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


def client_key(request: Request) -> str:
    # uvicorn --proxy-headers / --forwarded-allow-ips rewrites request.client behind a proxy.
    return request.client.host if request.client else "unknown"


async def rate_limit(request: Request, ctx: ContextDep) -> None:
    retry_after = ctx.limiter.hit(client_key(request))
    if retry_after is not None:
        seconds = SlidingWindowLimiter.retry_after_header(retry_after)
        raise RateLimited(
            f"リクエストが多すぎます。{seconds}秒ほど待ってから再度お試しください。",
            f"Too many requests. Please retry in about {seconds} seconds.",
            headers={"Retry-After": seconds},
        )


RateLimitDep = Depends(rate_limit)


async def require_json(request: Request) -> None:
    """415 for bodies that are not JSON (FastAPI would otherwise report a confusing 422)."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise UnsupportedMediaType(
            "Content-Type は application/json にしてください。",
            "Send the body as application/json.",
        )


JsonBodyDep = Depends(require_json)


bearer_scheme = HTTPBearer(auto_error=False, description="A counsellor or analyst token (see README).")


def bearer_role(
    request: Request,
    ctx: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    municipality: MunicipalityDep,
) -> Role:
    """The caller's role from `Authorization: Bearer <token>`; public without a usable header.
    A token acts only for its own municipality (global tokens: the default one)."""
    if credentials is None:
        return Role.public
    grant = ctx.verifier.grant_of(credentials.credentials.strip())
    if grant is None:
        # Unknown tokens count against the client's rate limit (slows guessing).
        ctx.limiter.hit(client_key(request))
        raise Unauthorized("トークンが正しくありません。", "The token is not valid.",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    role, code = grant
    if code != municipality:
        raise Forbidden(f"このトークンでは市区町村 {municipality} のデータを扱えません。",
                        f"This token may not act for municipality {municipality}.",
                        details=[{"field": "municipality", "code": "other_municipality"}])
    return role


def require_role(needed: Role):
    def check(role: Annotated[Role, Depends(bearer_role)]) -> Role:
        if role is Role.public:
            raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
        if needed not in GRANTS[role]:
            raise Forbidden(f"この操作には {needed.value} の権限が必要です。",
                            f"This needs the {needed.value} role.")
        return role

    return check


CounsellorDep = Annotated[Role, Depends(require_role(Role.counsellor))]
AnalystDep = Annotated[Role, Depends(require_role(Role.analyst))]
