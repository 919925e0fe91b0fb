"""GET /healthz (alive), GET /readyz (catalog loaded), GET /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from service.deps import ContextDep, not_ready
from service.routers.responses import error_responses
from service.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="A catalog is loaded and matching works",
            responses=error_responses(503))
async def readyz(ctx: ContextDep) -> Readiness:
    snapshot = ctx.state.snapshot
    if snapshot is None:
        raise not_ready(ctx)
    return Readiness(status="ready", catalog_version=snapshot.version_id, resources=len(snapshot.resources))


@router.get("/metrics", summary="Prometheus metrics (no concern text in any label)",
            response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(ctx: ContextDep) -> Response:
    body, content_type = ctx.metrics.exposition()
    return Response(body, media_type=content_type)
