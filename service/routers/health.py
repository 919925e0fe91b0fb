"""GET /healthz (alive), GET /readyz (database reachable and the municipality's catalog loaded),
GET /metrics (Prometheus).

/readyz asks the database each time (a load balancer's probe): while it cannot be reached the
answer is 503 database_unavailable, even though matching keeps answering from the index in
memory, so a balancer can prefer healthy hosts; it turns 200 again once the database is back.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from service.deps import ContextDep, TenantDep, get_snapshot
from service.errors import DatabaseUnavailable
from service.routers.responses import error_responses
from service.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="A catalog is loaded and matching works",
            responses=error_responses(503))
async def readyz(ctx: ContextDep, tenant: TenantDep) -> Readiness:
    try:
        await run_in_threadpool(_ping, ctx.engine)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable(
            "データベースに接続できません。検索は読み込み済みのカタログで続けていますが、記録・カタログ管理はできません。",
            f"The database cannot be reached ({type(exc).__name__}); matching goes on from the catalog "
            "in memory, but records and catalog management are unavailable.",
            headers={"Retry-After": "5"},
        ) from None
    snapshot = await get_snapshot(ctx, tenant)
    return Readiness(status="ready", catalog_version=snapshot.version_id, resources=len(snapshot.resources),
                     municipality=tenant.code)


def _ping(engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@router.get("/metrics", summary="Prometheus metrics (no concern text in any label)",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(ctx: ContextDep) -> Response:
    body, content_type = ctx.metrics.exposition()
    return Response(body, media_type=content_type)
