"""Referral records (counsellor role): which suggestion was used, and later what came of it.

No names and no free text beyond a short memo (length-limited, refused when it holds contact
details). Database work is synchronous, so these are plain `def` endpoints (thread pool).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from catalog.records import Referral, ReferralNotFound
from matcher.privacy import contains_person_name
from service.deps import CounsellorDep, JsonBodyDep, LoadedSnapshotDep, TenantDep
from service.errors import InvalidInput, NotFound
from service.routers.responses import error_responses
from service.schemas import ReferralCreate, ReferralList, ReferralOutcomeUpdate, ReferralPublic

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])

_NOT_FOUND = ("指定された紹介記録はありません。", "No referral with that id.")


def _public(tenant, ref: Referral) -> ReferralPublic:
    snapshot = tenant.state.snapshot
    resource = snapshot.by_id.get(ref.resource_id) if snapshot else None
    return ReferralPublic(
        id=ref.id, created_at=ref.created_at, resource_id=ref.resource_id,
        resource_name=resource.name if resource else None, category=ref.category,
        catalog_version=ref.catalog_version, query_id=ref.query_id, memo=ref.memo,
        outcome=ref.outcome.value if ref.outcome else None,
        outcome_label=ref.outcome.label_ja if ref.outcome else None, outcome_at=ref.outcome_at,
    )


@router.post(
    "",
    response_model=ReferralPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record which suggestion was used / 紹介した資源を記録する",
    dependencies=[JsonBodyDep],
    responses=error_responses(401, 403, 413, 415, 422),
)
def create_referral(body: ReferralCreate, tenant: TenantDep, snapshot: LoadedSnapshotDep, _role: CounsellorDep) -> ReferralPublic:
    if body.memo and contains_person_name(body.memo):
        raise InvalidInput(
            "メモに人の名前らしき語があります。氏名は記録しないでください（例：「母」「本児」と書く）。",
            "The memo seems to contain a person's name; names are not recorded (write e.g. 'mother', 'the child').",
            details=[{"field": "memo", "code": "personal_name"}],
        )
    # Checked against the municipality's own catalog, loaded first if this worker has not yet;
    # with no active version at all, the referral is kept without a category.
    category = None
    version = None
    if snapshot is not None:
        resource = snapshot.by_id.get(body.resource_id)
        if resource is None:
            raise InvalidInput(
                "指定された資源IDは現在のカタログにありません。検索結果の resource.id を指定してください。",
                "No resource with that id in the active catalog; use resource.id from a match result.",
                details=[{"field": "resource_id", "code": "unknown_resource"}],
            )
        category, version = resource.category, snapshot.version_id
    ref = tenant.referrals.add(body.resource_id, category=category, catalog_version=version,
                            query_id=body.query_id, memo=body.memo)
    return _public(tenant, ref)


@router.get(
    "",
    response_model=ReferralList,
    summary="Recent referral records / 紹介記録の一覧",
    responses=error_responses(401, 403, 422),
)
def list_referrals(
    tenant: TenantDep,
    _role: CounsellorDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ReferralList:
    return ReferralList(total=tenant.referrals.count(),
                        items=[_public(tenant, r) for r in tenant.referrals.list(limit=limit, offset=offset)])


@router.get(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="One referral record / 紹介記録",
    responses=error_responses(401, 403, 404, 422),
)
def get_referral(tenant: TenantDep, _role: CounsellorDep,
                 referral_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> ReferralPublic:
    try:
        return _public(tenant, tenant.referrals.get(referral_id))
    except ReferralNotFound:
        raise NotFound(*_NOT_FOUND) from None


@router.patch(
    "/{referral_id}",
    response_model=ReferralPublic,
    summary="Record the outcome / 結果（つながった・利用に至らず・不明）を記録する",
    dependencies=[JsonBodyDep],
    responses=error_responses(401, 403, 404, 413, 415, 422),
)
def set_outcome(body: ReferralOutcomeUpdate, tenant: TenantDep, _role: CounsellorDep,
                referral_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> ReferralPublic:
    try:
        return _public(tenant, tenant.referrals.set_outcome(referral_id, body.outcome))
    except ReferralNotFound:
        raise NotFound(*_NOT_FOUND) from None
