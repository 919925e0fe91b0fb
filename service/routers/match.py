"""POST /api/v1/match — a concern in, ranked resources with reasons, safety first.

`async def` on purpose: matching runs Sudachi, whose Tokenizer is not thread-safe; on the event
loop each worker process matches one request at a time (scale with processes).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter

from matcher import Concern, InvalidConcern
from service.deps import ContextDep, JsonBodyDep, RateLimitDep, SnapshotDep
from service.errors import InvalidInput
from service.match_log import entry_for
from matcher.bands import confidence_band
from service.routers.responses import error_responses
from service.schemas import (
    CategoryRef,
    ConditionPublic,
    MatchRequest,
    MatchResponse,
    NeedPublic,
    RankedResourcePublic,
    ResourcePublic,
    SafetyBlock,
)

JST = ZoneInfo("Asia/Tokyo")

router = APIRouter(prefix="/api/v1", tags=["match"])


def resolve_area(snapshot, area: str | None) -> str | None:
    """The catalog's spelling of a named area; InvalidInput listing the known ones otherwise.
    A catalog that names no areas accepts any."""
    if area is None or not snapshot.areas:
        return area
    known = snapshot.known_area(area)
    if known is not None:
        return known
    listed = "、".join(snapshot.areas[:50])
    raise InvalidInput(
        f"地区「{area}」はカタログにありません。次のいずれかを指定してください：{listed}",
        f"Unknown area {area!r}. Use one of the areas in the catalog: {', '.join(snapshot.areas[:50])}",
        details=[{"field": "area", "code": "unknown_area", "known_areas": list(snapshot.areas)}],
    )


def as_jst(value: datetime | None) -> datetime | None:
    """A time without an offset is a local time in Japan."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=JST)


@router.post(
    "/match",
    response_model=MatchResponse,
    summary="Match a concern to local resources / 相談内容に合う地域資源を探す",
    dependencies=[JsonBodyDep, RateLimitDep],
    responses=error_responses(413, 415, 422, 429, 503),
)
async def match(body: MatchRequest, ctx: ContextDep, snapshot: SnapshotDep) -> MatchResponse:
    limit = ctx.settings.max_concern_chars
    if len(body.text) > limit:
        raise InvalidInput(
            f"相談内容が長すぎます（{len(body.text)}文字）。{limit}文字以内にまとめてください。",
            f"The concern is too long ({len(body.text)} characters); keep it within {limit}.",
            details=[{"field": "text", "code": "text_too_long", "max_length": limit}],
        )
    area = resolve_area(snapshot, body.area)
    try:
        concern = Concern(
            text=body.text, child_age_months=body.child_age_months, pregnant=body.pregnant, area=area,
            needed_at=as_jst(body.needed_at), language=body.language,
        )
    except InvalidConcern:
        raise InvalidInput("年齢は0〜264か月の整数で指定してください。",
                           "child_age_months must be 0 to 264.") from None

    result = snapshot.matcher.match(concern, top=body.top)
    query_id = uuid.uuid4().hex
    safety_level = str(result.safety.get("level", "none"))
    ctx.metrics.observe_match(result.confidence, safety_level)
    if ctx.match_log is not None:
        ctx.match_log.put(entry_for(query_id, snapshot.version_id, concern, result,
                                    snapshot.version.municipality_code), concern.text)

    taxonomy = snapshot.matcher.taxonomy
    return MatchResponse(
        query_id=query_id,
        catalog_version=snapshot.version_id,
        safety=SafetyBlock.model_validate(result.safety),
        results=[
            RankedResourcePublic(
                resource=ResourcePublic.of(r.resource),
                category=CategoryRef(code=r.category, name=_name(taxonomy, r.category)),
                score=round(float(r.score), 6),
                reasons=r.reasons,
                conditions=[ConditionPublic(kind=c.kind, fit=c.fit.value, label=c.label) for c in r.conditions],
                fits=r.fits,
            )
            for r in result.results
        ],
        confidence=round(float(result.confidence), 4),
        confidence_band=confidence_band(result.confidence),
        needs=[NeedPublic(code=code, name=_name(taxonomy, code), probability=p) for code, p in result.needs],
        hints=result.hints,
    )


def _name(taxonomy, code: str) -> str:
    return taxonomy.get(code).name if code in taxonomy else code
