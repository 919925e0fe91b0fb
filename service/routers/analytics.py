"""Analyst reports over the active catalog and the match log (analyst role):
GET /api/v1/analytics/duplicates, /quality, /coverage, /unmet-needs.

The same reports as `tsunagu duplicates` and `tsunagu report ...` (catalog.duplicates,
catalog.quality, catalog.unmet). Plain `def` endpoints: they run in the thread pool (Sudachi
tokenizers are per thread), so a large catalog never stalls the event loop. Nothing here holds a
concern's text: the match log keeps none.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from catalog.duplicates import DEFAULT_MIN_SCORE, find_duplicates
from catalog.quality import coverage, quality_report
from catalog.unmet import read_match_log, unmet_needs
from service.deps import AnalystDep, ContextDep, SnapshotDep
from service.routers.responses import error_responses

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])
_RESPONSES = error_responses(401, 403, 422, 503)


class DuplicatePairPublic(BaseModel):
    a: str = Field(description="The row confirmed more recently (the one to keep by default).")
    b: str
    score: float = Field(ge=0, le=100)
    explanation: str
    reasons_ja: list[str]
    reasons_en: list[str]
    signals: dict[str, Any]


class DuplicatesResponse(BaseModel):
    catalog_version: int | str
    resources: int
    pairs: list[DuplicatePairPublic]


class CoverageResponse(BaseModel):
    catalog_version: int | str
    categories: list[str]
    areas: list[str]
    matrix: list[list[int]] = Field(description="Resources per category (rows) and area (columns); 全域 counts everywhere.")
    gaps: list[dict[str, str]]


class QualityResponse(BaseModel):
    catalog_version: int | str
    today: date
    total: int
    counts: dict[str, int]
    missing: list[dict[str, str]]
    stale: list[dict[str, str]]
    closed: list[dict[str, str]]
    coverage: dict[str, Any] | None


class UnmetNeedsResponse(BaseModel):
    catalog_version: int | str | None
    since: str | None
    matches: int
    demand: list[dict[str, Any]]
    by_category: dict[str, int]
    low_confidence: dict[str, Any]
    unmet: list[dict[str, Any]]


@router.get("/duplicates", response_model=DuplicatesResponse, responses=_RESPONSES,
            summary="Candidate duplicate resources / 重複の候補")
def duplicates(
    snapshot: SnapshotDep, _role: AnalystDep,
    min_score: Annotated[float, Query(ge=0, le=100, description="Lowest score listed.")] = DEFAULT_MIN_SCORE,
) -> DuplicatesResponse:
    pairs = find_duplicates(snapshot.resources, min_score=min_score)
    return DuplicatesResponse(catalog_version=snapshot.version_id, resources=len(snapshot.resources),
                              pairs=[DuplicatePairPublic(**p.to_dict()) for p in pairs])


@router.get("/quality", response_model=QualityResponse, responses=_RESPONSES,
            summary="Catalog quality report / カタログの品質レポート")
def quality(
    snapshot: SnapshotDep, _role: AnalystDep,
    today: Annotated[date | None, Query(description="Reference date for staleness (default: today).")] = None,
) -> QualityResponse:
    report = quality_report(snapshot.resources, today=today)
    return QualityResponse(catalog_version=snapshot.version_id, **report.to_dict())


@router.get("/coverage", response_model=CoverageResponse, responses=_RESPONSES,
            summary="Resources per category × area, and the gaps / 分類×地区の資源数と空白")
def coverage_matrix(snapshot: SnapshotDep, _role: AnalystDep) -> CoverageResponse:
    return CoverageResponse(catalog_version=snapshot.version_id, **coverage(snapshot.resources).to_dict())


@router.get("/unmet-needs", response_model=UnmetNeedsResponse, responses=error_responses(401, 403, 422),
            summary="Unmet needs from the privacy-preserving match log / 満たされていないニーズ")
def unmet(
    ctx: ContextDep, _role: AnalystDep,
    since: Annotated[date | None, Query(description="Only matches on or after this date (JST).")] = None,
    min_count: Annotated[int, Query(ge=1, le=10_000, description="Smallest count listed as unmet.")] = 1,
) -> UnmetNeedsResponse:
    snapshot = ctx.state.snapshot  # without a catalog the report still counts demand
    rows = read_match_log(ctx.engine, since, municipality=ctx.store.municipality)
    report = unmet_needs(rows, snapshot.resources if snapshot else None, since=since, min_count=min_count)
    return UnmetNeedsResponse(catalog_version=snapshot.version_id if snapshot else None, **report.to_dict())
