"""Which municipality a request is for: the path prefix /m/{code}/... or the header
X-Tsunagu-Municipality, else the default municipality.

A pure ASGI middleware resolves it once, before routing: the prefix is stripped (so
/m/131016/api/v1/match reaches the same route as /api/v1/match) and the code is put in
`request.state.municipality`. Only the JSON API and /readyz are served per municipality; the
pages, analytics and everything else belong to the default municipality, and a request that
names another one there is refused (404) rather than silently answered with the default's data.
"""

from __future__ import annotations

from typing import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from catalog.errors import InvalidMunicipality
from catalog.municipality import municipality_code
from service.errors import error_response

HEADER = "x-tsunagu-municipality"
PATH_PREFIX = "/m/"
# Routes whose data is kept per municipality.
TENANT_PATHS = ("/api/v1/match", "/api/v1/resources", "/api/v1/categories", "/api/v1/referrals",
                "/api/v1/catalog/", "/readyz")


def _refuse(status: int, code: str, ja: str, en: str):
    return error_response(status, code, ja, en, [{"field": "municipality", "code": code}])


class MunicipalityMiddleware:
    def __init__(self, app: ASGIApp, *, default: str, allowed: Iterable[str] = ()):
        self.app = app
        self.default = default
        self.allowed = frozenset(allowed)

    def _served(self, code: str) -> bool:
        return not self.allowed or code in self.allowed or code == self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        named: str | None = None
        if path.startswith(PATH_PREFIX):
            named, _, rest = path[len(PATH_PREFIX):].partition("/")
            path = "/" + rest
        else:
            for key, value in scope.get("headers", ()):
                if key == HEADER.encode():
                    named = value.decode("latin-1")
                    break
        code = self.default
        if named is not None:
            try:
                code = municipality_code(named)
            except InvalidMunicipality:
                await _refuse(404 if path != scope["path"] else 422, "invalid_municipality",
                              "市区町村コードは6桁の全国地方公共団体コード（検査数字付き）で指定してください。",
                              "Name the municipality by its 6-digit local government code (with check digit).",
                              )(scope, receive, send)
                return
            if not self._served(code):
                await _refuse(404, "unknown_municipality", "この市区町村のサービスは提供していません。",
                              "This municipality is not served here.")(scope, receive, send)
                return
            if code != self.default and not path.startswith(TENANT_PATHS):
                await _refuse(404, "not_per_municipality",
                              "この画面・APIは市区町村ごとには提供していません（既定の市区町村のみ）。",
                              "This page or API is not served per municipality (only for the default one).",
                              )(scope, receive, send)
                return
        scope = dict(scope)
        scope["state"] = {**scope.get("state", {}), "municipality": code}
        if path != scope["path"]:
            scope["path"] = path
            scope["raw_path"] = path.encode("utf-8")
        await self.app(scope, receive, send)
