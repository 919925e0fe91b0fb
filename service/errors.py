"""One error body for the whole API, and the handlers that put every failure into it.

    {"error": {"code": "...", "message_ja": "...", "message_en": "...", "details": [...]}}

Handlers never echo request bodies or log them: a concern may hold a family's private story.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog import errors as catalog_errors

log = logging.getLogger("tsunagu.errors")


def error_body(code: str, message_ja: str, message_en: str, details: list[Any] | None = None) -> dict:
    return {"error": {"code": code, "message_ja": message_ja, "message_en": message_en, "details": details or []}}


def error_response(
    status: int, code: str, message_ja: str, message_en: str, details: list[Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message_ja, message_en, details), status_code=status, headers=headers)


class ApiError(Exception):
    """An error the API reports as-is: status, code and bilingual message."""

    status = 400
    code = "bad_request"
    message_ja = "リクエストの内容を確認してください。"
    message_en = "Please check the request."

    def __init__(self, message_ja: str | None = None, message_en: str | None = None, *,
                 details: list[Any] | None = None, headers: dict[str, str] | None = None):
        self.message_ja = message_ja or self.message_ja
        self.message_en = message_en or self.message_en
        self.details = details or []
        self.headers = headers
        super().__init__(self.message_en)

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message_ja, self.message_en, self.details, self.headers)


class Unauthorized(ApiError):
    """No bearer token, or one that is not known."""

    status = 401
    code = "unauthorized"
    message_ja = "認証が必要です。Authorization: Bearer <トークン> を付けてください。"
    message_en = "Authentication required: send Authorization: Bearer <token>."


class Forbidden(ApiError):
    """A known token whose role may not do this."""

    status = 403
    code = "forbidden"
    message_ja = "この操作を行う権限がありません。"
    message_en = "Your role may not do this."


class NotFound(ApiError):
    """A resource, version or record that does not exist."""

    status = 404
    code = "not_found"
    message_ja = "見つかりませんでした。"
    message_en = "Not found."


class PayloadTooLarge(ApiError):
    """A request body over the configured limit."""

    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    """A body in a content type this endpoint does not read."""

    status = 415
    code = "unsupported_media_type"


class InvalidInput(ApiError):
    """Input that is well-formed but not acceptable (unknown area, too long a text ...)."""

    status = 422
    code = "invalid_input"


class RateLimited(ApiError):
    """Too many requests from one client in the window."""

    status = 429
    code = "rate_limited"


class CatalogNotReady(ApiError):
    """No active catalog version is loaded yet."""

    status = 503
    code = "catalog_not_ready"
    message_ja = "カタログがまだ読み込まれていません。管理者がカタログを登録・有効化するまでお待ちください。"
    message_en = "No catalog is loaded yet. An analyst needs to import and activate a catalog version."


class CatalogLoading(CatalogNotReady):
    """The start-up index build has not finished yet."""

    code = "catalog_loading"
    message_ja = "カタログを読み込み中です。しばらくしてから再度お試しください。"
    message_en = "The catalog is being loaded. Please retry shortly."


class DatabaseUnavailable(ApiError):
    """The database cannot be reached (down, restarting, or the network is cut)."""

    status = 503
    code = "database_unavailable"
    message_ja = "データベースに接続できません。しばらくしてから再度お試しください。"
    message_en = "The database cannot be reached. Please retry shortly."


def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    # Only the type: a driver's message can quote the statement and its parameters.
    log.warning("database unavailable: %s", type(exc).__name__)
    return DatabaseUnavailable(headers={"Retry-After": "5"}).response()


_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "リクエストの形式が正しくありません。", "The request is malformed."),
    401: ("unauthorized", Unauthorized.message_ja, Unauthorized.message_en),
    403: ("forbidden", Forbidden.message_ja, Forbidden.message_en),
    404: ("not_found", "指定されたURLは存在しません。/docs で利用できるAPIを確認してください。",
          "No such URL. See /docs for the available API."),
    405: ("method_not_allowed", "このURLではそのHTTPメソッドは使えません。", "This URL does not accept that HTTP method."),
    406: ("not_acceptable", "指定された形式では応答できません。", "Cannot answer in the requested format."),
    413: ("payload_too_large", "送信データが大きすぎます。", "The request body is too large."),
    415: ("unsupported_media_type", "Content-Type が正しくありません。", "Unsupported Content-Type."),
}


# ---- validation messages -------------------------------------------------------------------

# Field-specific messages win over the generic ones by error type.
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "text": ("相談内容を文字列で入力してください。", "Give the concern as a string of text."),
    "child_age_months": ("年齢は0〜264か月の整数で指定してください（例：2歳なら24）。",
                         "child_age_months must be a whole number of months from 0 to 264 (2 years = 24)."),
    "age_months": ("年齢は0〜264か月の整数で指定してください（例：2歳なら24）。",
                   "age_months must be a whole number of months from 0 to 264 (2 years = 24)."),
    "needed_at": ("日時は ISO 8601 形式で指定してください（例：2026-11-29T21:00+09:00）。",
                  "Give the date and time in ISO 8601, e.g. 2026-11-29T21:00+09:00."),
    "open_at": ("日時は ISO 8601 形式で指定してください（例：2026-11-29T21:00+09:00）。",
                "Give the date and time in ISO 8601, e.g. 2026-11-29T21:00+09:00."),
    "pregnant": ("妊娠中かどうかは true か false で指定してください。", "pregnant must be true or false."),
    "free": ("無料のみの絞り込みは true か false で指定してください。", "free must be true or false."),
    "language": ("言語は ja, en, zh, pt-BR のような言語コードで指定してください。",
                 "language must be a language code such as ja, en, zh or pt-BR."),
    "top": ("件数は1〜50の整数で指定してください。", "top must be a whole number from 1 to 50."),
    "page": ("ページ番号は1以上の整数で指定してください。", "page must be a whole number from 1."),
    "per_page": ("1ページの件数は1〜100の整数で指定してください。", "per_page must be a whole number from 1 to 100."),
    "memo": ("メモは200文字以内で、氏名・電話番号・メールアドレスを含めないでください。",
             "The memo is at most 200 characters and must not contain names, phone numbers or e-mail addresses."),
    "outcome": ("結果は connected（つながった）, not_used（利用に至らず）, unknown（不明）のいずれかです。",
                "outcome is one of connected, not_used, unknown."),
    "resource_id": ("資源IDを指定してください。", "Give the id of the resource that was suggested."),
}

# Messages for one field and one error type win over both.
FIELD_TYPE_MESSAGES: dict[tuple[str, str], tuple[str, str]] = {
    ("text", "string_too_long"): ("相談内容が長すぎます（最大 {max_length} 文字）。要点を短くまとめてください。",
                                  "The concern is too long (at most {max_length} characters); please shorten it."),
    ("text", "string_too_short"): ("相談内容を1文字以上入力してください。", "Please write the concern (at least one character)."),
    ("memo", "string_too_long"): ("メモは {max_length} 文字以内にしてください。", "The memo is at most {max_length} characters."),
    ("area", "string_too_long"): ("地区名が長すぎます（最大 {max_length} 文字）。", "The area name is too long (at most {max_length} characters)."),
    ("q", "string_too_long"): ("キーワードが長すぎます（最大 {max_length} 文字）。", "The keyword is too long (at most {max_length} characters)."),
}

TYPE_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("必須項目です。", "This field is required."),
    "json_invalid": ("JSON の形式が正しくありません。", "The body is not valid JSON."),
    "model_attributes_type": ("JSON オブジェクトを送ってください。", "Send a JSON object."),
    "dict_type": ("JSON オブジェクトを送ってください。", "Send a JSON object."),
    "extra_forbidden": ("この項目は受け付けていません。", "This field is not accepted."),
    "string_unicode": ("使えない文字（不正なUnicode）が含まれています。", "The text contains invalid Unicode."),
    "string_type": ("文字列で指定してください。", "Must be a string."),
    "string_too_short": ("短すぎます。", "Too short."),
    "string_too_long": ("長すぎます（最大 {max_length} 文字）。", "Too long (at most {max_length} characters)."),
    "int_type": ("整数で指定してください。", "Must be a whole number."),
    "int_parsing": ("整数で指定してください。", "Must be a whole number."),
    "int_from_float": ("整数で指定してください。", "Must be a whole number."),
    "greater_than_equal": ("{ge} 以上で指定してください。", "Must be at least {ge}."),
    "less_than_equal": ("{le} 以下で指定してください。", "Must be at most {le}."),
    "bool_type": ("true か false で指定してください。", "Must be true or false."),
    "bool_parsing": ("true か false で指定してください。", "Must be true or false."),
    "datetime_type": ("日時を ISO 8601 形式で指定してください。", "Must be an ISO 8601 date-time."),
    "datetime_parsing": ("日時を ISO 8601 形式で指定してください。", "Must be an ISO 8601 date-time."),
    "datetime_from_date_parsing": ("日時を ISO 8601 形式で指定してください。", "Must be an ISO 8601 date-time."),
    "literal_error": ("指定できる値は {expected} です。", "Allowed values: {expected}."),
    "enum": ("指定できる値は {expected} です。", "Allowed values: {expected}."),
    "string_pattern_mismatch": ("形式が正しくありません。", "Wrong format."),
    "list_type": ("配列で指定してください。", "Must be a list."),
}


_GENERIC_KINDS = frozenset({"missing", "json_invalid", "extra_forbidden", "string_unicode"})


def _field_name(loc: tuple) -> str:
    names = [str(x) for x in loc if x not in ("body", "query", "path", "header")]
    return ".".join(names) if names else "body"


def _format(template: str, ctx: dict[str, Any]) -> str:
    try:
        return template.format(**{k: v for k, v in ctx.items()})
    except (KeyError, IndexError, ValueError):
        return template


def validation_details(errors: list[dict], *, max_concern_chars: int | None = None) -> list[dict]:
    """Pydantic errors as bilingual details per field; the offending input is never echoed.
    `max_concern_chars` is the configured limit, stricter than the schema's own ceiling."""
    details = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        field = _field_name(loc)
        leaf = str(loc[-1]) if loc else ""
        ctx = dict(err.get("ctx") or {})
        kind = err.get("type", "value_error")
        if leaf == "text" and kind == "string_too_long" and max_concern_chars:
            ctx["max_length"] = max_concern_chars
        if kind.startswith("tsunagu_"):  # our own PydanticCustomError carries both languages
            ja, en = ctx.get("ja", ""), ctx.get("en", "")
        elif (leaf, kind) in FIELD_TYPE_MESSAGES:
            ja, en = (_format(t, ctx) for t in FIELD_TYPE_MESSAGES[(leaf, kind)])
        elif leaf in FIELD_MESSAGES and kind not in _GENERIC_KINDS:
            ja, en = FIELD_MESSAGES[leaf]
        elif kind in TYPE_MESSAGES:
            ja, en = (_format(t, ctx) for t in TYPE_MESSAGES[kind])
        else:
            ja, en = "値が正しくありません。", "Invalid value."
        details.append({"field": field, "location": str(loc[0]) if loc else "body", "code": kind,
                        "message_ja": ja, "message_en": en})
    return details


# ---- handlers ------------------------------------------------------------------------------


async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return exc.response()


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    context = getattr(request.app.state, "context", None)
    limit = context.settings.max_concern_chars if context is not None else None
    details = validation_details(list(exc.errors()), max_concern_chars=limit)
    fields = "、".join(dict.fromkeys(d["field"] for d in details))
    return error_response(
        422, "validation_error",
        f"入力内容を確認してください（{fields}）。" + " ".join(d["message_ja"] for d in details[:3]),
        f"Please check the input ({fields.replace('、', ', ')}). " + " ".join(d["message_en"] for d in details[:3]),
        details,
    )


async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code, ja, en = _HTTP_MESSAGES.get(
        exc.status_code, ("http_error", "リクエストを処理できませんでした。", "The request could not be processed.")
    )
    return error_response(exc.status_code, code, ja, en, headers=getattr(exc, "headers", None))


async def _catalog_error(_request: Request, exc: catalog_errors.CatalogError) -> JSONResponse:
    if isinstance(exc, catalog_errors.ResourceNotFound):
        return error_response(404, "resource_not_found", "指定された資源は現在のカタログにありません。",
                              "No resource with that id in the catalog version.")
    if isinstance(exc, catalog_errors.VersionNotFound):
        return error_response(404, "version_not_found", "指定されたカタログ版は存在しません。",
                              "No catalog version with that id.")
    if isinstance(exc, catalog_errors.NoActiveVersion):
        return CatalogNotReady().response()
    if isinstance(exc, catalog_errors.ImportFailed):
        report = exc.report
        issues = report.to_dict() if hasattr(report, "to_dict") else {}
        return error_response(422, "import_failed",
                              f"カタログにエラーが {len(report.errors)} 件あります。何も保存していません。",
                              f"The catalog has {len(report.errors)} error(s); nothing was stored.",
                              [issues] if issues else [])
    if isinstance(exc, catalog_errors.UnsupportedFormat):
        return error_response(415, "unsupported_format",
                              "このファイル形式は読み込めません（CSV / xlsx / 自治体標準オープンデータ / HSDS JSON）。",
                              "Unsupported catalog format (CSV, xlsx, municipal standard open data, HSDS JSON).")
    return error_response(400, "catalog_error", "カタログの操作に失敗しました。", "The catalog operation failed.")


def _log_unhandled(scope, exc: BaseException) -> None:
    # Where it failed, not what was sent: no request body and no exception message (it may
    # quote input), only the exception type, the route template and the stack frames.
    route = getattr(scope.get("route"), "path", "<unmatched>")
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unhandled %s on %s %s\n%s", type(exc).__name__, scope.get("method"), route, frames)


class UnhandledErrorMiddleware:
    """Answers 500 in the one error shape and does not re-raise, so the server never logs the
    exception with its message (Starlette's own handler re-raises to the server)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # noqa: BLE001
            _log_unhandled(scope, exc)
            if started:
                return
            response = error_response(500, "internal_error",
                                      "サーバー内部でエラーが発生しました。時間をおいて再度お試しください。",
                                      "Internal server error. Please try again later.")
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(catalog_errors.CatalogError, _catalog_error)
    for db_error in (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError):
        app.add_exception_handler(db_error, _database_error)
    app.add_middleware(UnhandledErrorMiddleware)  # the innermost middleware: add it first
