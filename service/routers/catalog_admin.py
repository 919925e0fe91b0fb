"""Catalog management (analyst role): validate an upload, store it as a version, list, diff,
activate, roll back.

Activation swaps the matching index without failing or blocking requests in flight: the new
index is built in a worker thread while requests keep using the current snapshot, then one
reference is replaced (service.state).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile, status
from starlette.concurrency import run_in_threadpool

from catalog.errors import ImportFailed, VersionNotFound
from catalog.importer import read_catalog
from service.deps import AnalystDep, ContextDep, TenantDep
from service.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from service.routers.responses import error_responses
from service.schemas import (
    ActivationResponse,
    ImportResponse,
    ValidationResponse,
    VersionDiffPublic,
    VersionPublic,
)

router = APIRouter(prefix="/api/v1/catalog", tags=["catalog"])

VersionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
_UPLOAD_RESPONSES = error_responses(401, 403, 413, 415, 422)


def _public(info) -> VersionPublic:
    return VersionPublic(id=info.id, created_at=info.created_at, source=info.source, format=info.format,
                         resource_count=info.resource_count, note=info.note or None, active=info.active)


async def require_multipart(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "multipart/form-data":
        raise UnsupportedMediaType(
            "ファイルは multipart/form-data の file 欄で送ってください。",
            "Send the file as multipart/form-data in the field `file`.",
        )


MultipartDep = Annotated[None, Depends(require_multipart)]


async def _read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(
            f"ファイルが大きすぎます（上限 {limit // (1024 * 1024)} MB）。",
            f"The file is too large (limit {limit // (1024 * 1024)} MB).",
        )
    if not data:
        raise InvalidInput("ファイルが空です。", "The file is empty.",
                           details=[{"field": "file", "code": "empty_file"}])
    return data


def _version(tenant, version_id: int):
    for info in tenant.store.versions():
        if info.id == version_id:
            return info
    raise NotFound("指定されたカタログ版は存在しません。", "No catalog version with that id.")


@router.post(
    "/validate",
    response_model=ValidationResponse,
    summary="Validate a catalog file without storing it / 取り込み前の検証",
    responses=_UPLOAD_RESPONSES,
)
async def validate_upload(ctx: ContextDep, _role: AnalystDep, _multipart: MultipartDep,
                          file: Annotated[UploadFile, File(description="CSV, xlsx or JSON catalog")]) -> ValidationResponse:
    data = await _read_upload(file, ctx.settings.max_upload_bytes)
    result = await run_in_threadpool(read_catalog, data, filename=file.filename)
    return ValidationResponse(ok=result.report.ok, format=result.format, resource_count=len(result.resources),
                              report=result.report.to_dict())


@router.post(
    "/versions",
    response_model=ImportResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a catalog file as a new version / カタログ版を登録する",
    responses=_UPLOAD_RESPONSES,
)
async def upload_version(
    ctx: ContextDep,
    tenant: TenantDep,
    _role: AnalystDep,
    _multipart: MultipartDep,
    file: Annotated[UploadFile, File(description="CSV, xlsx or JSON catalog")],
    note: Annotated[str, Form(max_length=500)] = "",
    activate: Annotated[bool, Form(description="Make the new version active at once.")] = False,
) -> ImportResponse:
    """Nothing is stored when the file has errors: the answer is 422 with the validation report."""
    data = await _read_upload(file, ctx.settings.max_upload_bytes)

    def store() -> ImportResponse:
        result = read_catalog(data, filename=file.filename)
        if not result.report.ok:
            raise ImportFailed(result.report)
        info = tenant.store.add_version(result.resources, source=file.filename or "<upload>",
                                        format=result.format, note=note, activate=activate)
        if activate:
            tenant.state.load_active(tenant.store)  # built off to the side, then swapped
        return ImportResponse(version=_public(info), report=result.report.to_dict())

    return await run_in_threadpool(store)


@router.get(
    "/versions",
    response_model=list[VersionPublic],
    summary="Catalog versions, oldest first / カタログ版の一覧",
    responses=error_responses(401, 403),
)
def list_versions(tenant: TenantDep, _role: AnalystDep) -> list[VersionPublic]:
    return [_public(v) for v in tenant.store.versions()]


@router.get(
    "/versions/{version_id}/diff",
    response_model=VersionDiffPublic,
    summary="What changed between two versions / 版の差分",
    responses=error_responses(401, 403, 404, 422),
)
def diff_versions(
    tenant: TenantDep,
    _role: AnalystDep,
    version_id: VersionId,
    against: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="The older version (default: the active one).")] = None,
) -> VersionDiffPublic:
    new = _version(tenant, version_id)
    if against is None:
        active = tenant.store.active_version()
        if active is None:
            raise InvalidInput("有効な版がないため比較対象を against で指定してください。",
                               "No active version: give the version to compare with as `against`.")
        against = active.id
    old = _version(tenant, against)
    diff = tenant.store.diff(old.id, new.id)
    return VersionDiffPublic(old=old.id, new=new.id, added=diff.added, removed=diff.removed,
                             changed=[{"resource_id": rid, "fields": fields} for rid, fields in diff.changed])


def _activate(tenant, version_id: int) -> ActivationResponse:
    previous = tenant.store.active_version()
    try:
        info = tenant.store.activate(version_id)
    except VersionNotFound:
        raise NotFound("指定されたカタログ版は存在しません。", "No catalog version with that id.") from None
    tenant.state.load_active(tenant.store)  # builds the new index off to the side, then swaps
    return ActivationResponse(active=_public(info), previous=previous.id if previous else None)


@router.post(
    "/versions/{version_id}/activate",
    response_model=ActivationResponse,
    summary="Activate a version / 版を有効にする",
    responses=error_responses(401, 403, 404, 422),
)
async def activate_version(tenant: TenantDep, _role: AnalystDep, version_id: VersionId) -> ActivationResponse:
    return await run_in_threadpool(_activate, tenant, version_id)


@router.post(
    "/rollback",
    response_model=ActivationResponse,
    summary="Activate the version before the active one / 一つ前の版に戻す",
    responses=error_responses(401, 403, 422),
)
async def rollback(tenant: TenantDep, _role: AnalystDep) -> ActivationResponse:
    versions = await run_in_threadpool(tenant.store.versions)
    active = next((v for v in versions if v.active), None)
    older = [v for v in versions if active is not None and v.id < active.id]
    if not older:
        raise InvalidInput("戻せる以前の版がありません。", "There is no earlier version to roll back to.",
                           details=[{"code": "nothing_to_roll_back"}])
    return await run_in_threadpool(_activate, tenant, older[-1].id)
