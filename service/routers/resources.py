"""Browse the active catalog: GET /api/v1/resources, /api/v1/resources/{id}, /api/v1/categories.

Plain `def` endpoints: filtering is pure Python (no Sudachi), so they run in the thread pool
and a large catalog never stalls the event loop.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from catalog.conditions import Fit, age_fits, area_fits, language_fits, time_fits
from catalog.taxonomy import load_taxonomy
from matcher.normalize import normalize_text
from service.deps import LoadedSnapshotDep, RateLimitDep, SnapshotDep
from service.errors import InvalidInput, NotFound
from service.routers.match import as_jst, resolve_area
from service.routers.responses import error_responses
from service.schemas import LANGUAGE_PATTERN, MAX_AGE_MONTHS, CategoryPublic, ResourcePage, ResourcePublic

router = APIRouter(prefix="/api/v1", tags=["resources"], dependencies=[RateLimitDep])


def _fails(condition) -> bool:
    return condition is not None and condition.fit is Fit.FAILS


@router.get(
    "/resources",
    response_model=ResourcePage,
    summary="Browse and filter resources / 地域資源の一覧・絞り込み",
    responses=error_responses(422, 429, 503),
)
def list_resources(
    snapshot: SnapshotDep,
    category: Annotated[str | None, Query(max_length=100, description="Category code or name (taxonomy).")] = None,
    area: Annotated[str | None, Query(max_length=100, description="Area served (unknown areas are refused).")] = None,
    age_months: Annotated[int | None, Query(ge=0, le=MAX_AGE_MONTHS, description="Child's age in months.")] = None,
    open_at: Annotated[datetime | None, Query(description="Open at this time, ISO 8601 (JST without offset).")] = None,
    free: Annotated[bool | None, Query(description="true: only resources known to be free.")] = None,
    language: Annotated[str | None, Query(pattern=LANGUAGE_PATTERN, description="Language offered.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Keyword in name, description, keywords ...")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ResourcePage:
    """Filters exclude resources known NOT to fit; unknown facts (条件未確認) are kept."""
    code = None
    if category:
        found = load_taxonomy().resolve(category)
        if found is None:
            raise InvalidInput(
                f"カテゴリ「{category}」はありません。/api/v1/categories のコードか名前を指定してください。",
                f"Unknown category {category!r}; use a code or name from /api/v1/categories.",
                details=[{"field": "category", "code": "unknown_category"}],
            )
        code = found.code
    area = resolve_area(snapshot, area)
    needle = normalize_text(q) if q else ""
    at = as_jst(open_at)
    haystacks = snapshot.haystacks if needle else None

    matched = []
    for i, r in enumerate(snapshot.resources):
        if code and code not in r.categories:
            continue
        if free and r.free is not True:
            continue
        if needle and needle not in haystacks[i]:
            continue
        if _fails(age_fits(r, age_months)) or _fails(area_fits(r, area)) or _fails(language_fits(r, language)):
            continue
        if at is not None and _fails(time_fits(r, at)):
            continue
        matched.append(r)

    start = (page - 1) * per_page
    return ResourcePage(
        catalog_version=snapshot.version_id,
        total=len(matched),
        page=page,
        per_page=per_page,
        items=[ResourcePublic.of(r) for r in matched[start : start + per_page]],
    )


@router.get(
    "/resources/{resource_id}",
    response_model=ResourcePublic,
    summary="One resource / 地域資源の詳細",
    responses=error_responses(404, 429, 503),
)
def get_resource(snapshot: SnapshotDep, resource_id: Annotated[str, Path(max_length=200)]) -> ResourcePublic:
    resource = snapshot.by_id.get(resource_id)
    if resource is None:
        raise NotFound("指定された資源は現在のカタログにありません。", "No resource with that id in the active catalog.")
    return ResourcePublic.of(resource)


@router.get(
    "/categories",
    response_model=list[CategoryPublic],
    summary="Service categories with resource counts / サービス分類",
    responses=error_responses(429),
)
def list_categories(snapshot: LoadedSnapshotDep) -> list[CategoryPublic]:
    """Every taxonomy category; counts are 0 while the municipality has no active catalog."""
    counts = snapshot.category_counts if snapshot else {}
    return [
        CategoryPublic(code=c.code, name=c.name, group=c.group, description=c.description,
                       resource_count=counts.get(c.code, 0))
        for c in load_taxonomy()
    ]
