"""OpenAPI descriptions of the error responses (all share service.schemas.ErrorBody)."""

from __future__ import annotations

from typing import Any

from service.schemas import ErrorBody

_DESCRIPTIONS = {
    401: "No or unknown bearer token / 認証が必要です",
    403: "The role may not do this / 権限がありません",
    404: "Not found / 見つかりません",
    413: "Body too large / 送信データが大きすぎます",
    415: "Wrong content type / Content-Type が正しくありません",
    422: "Invalid input, with a message per field / 入力内容に誤りがあります",
    429: "Rate limited; see Retry-After / リクエストが多すぎます",
    503: "No catalog loaded yet / カタログ未読み込み",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}
