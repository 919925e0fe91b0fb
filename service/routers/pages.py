"""Server-rendered pages: the parent lookup (/), the counsellor console (/counsellor) and the
analyst workspace (/admin), with a small sign-in form (/login) for the two roles.

Pages call the same Python services as the JSON API (the catalog snapshot, its Matcher, the
referral and catalog stores), never HTTP to this server. A concern only ever arrives in a POST
body: it is not put in a URL, a cookie or a log, and pages showing one are sent `no-store`.
Matching runs in `async def` handlers (Sudachi's tokenizer is not thread-safe, see match.py);
database and report work runs in plain `def` handlers or the thread pool.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from catalog.conditions import Condition, Fit, flag_fits
from catalog.duplicates import find_duplicates
from catalog.importer import read_catalog
from catalog.quality import coverage, quality_report
from catalog.taxonomy import load_taxonomy
from catalog.unmet import read_match_log, unmet_needs
from matcher import Concern, InvalidConcern
from matcher.privacy import contains_person_name
from service.deps import AppContext, client_key
from service.errors import validation_details
from service.match_log import entry_for
from matcher.bands import confidence_band
from service.routers import page_views as views
from service.routers.match import as_jst
from service.routers.page_auth import (
    COOKIE_MAX_AGE,
    COOKIE_NAME,
    PAGE_ROLES,
    ROLE_LABELS,
    PageSession,
    cookie_is_secure,
    csrf_ok,
    current_session,
    safe_next,
    same_origin,
    too_many_attempts,
    verify_token,
)
from service.schemas import MatchRequest, ReferralCreate
from service.security import Role

HERE = Path(__file__).resolve().parent.parent
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)
templates = Jinja2Templates(env=_env)
_env.filters["tel"] = views.tel_href

router = APIRouter(include_in_schema=False, tags=["pages"])

PARENT_TOP = 6
COUNSELLOR_TOP = 8
# Example needs parents often have (chips under the box; each submits its own text).
EXAMPLES = (
    "夜に子どもを預けたい",
    "子どもの発達が気になる",
    "保育園に入れるか相談したい",
    "育児でイライラしてしまう",
    "病気の子を預けたい",
    "近くで親子で遊べる所",
)
# Child age choices on the parent page → months (the start of the year: 3歳 = 36 months).
AGE_CHOICES: tuple[tuple[str, str, int | None], ...] = (
    ("", "指定しない", None), ("pregnant", "妊娠中", None), ("0a", "0歳（生後6か月未満）", 3),
    ("0b", "0歳（生後6か月以上）", 6), *((str(y), f"{y}歳", y * 12) for y in range(1, 19)),
)
LANGUAGES = (("", "日本語（指定なし）"), ("en", "英語"), ("zh", "中国語"), ("ko", "韓国語"), ("vi", "ベトナム語"),
             ("pt", "ポルトガル語"), ("es", "スペイン語"), ("tl", "タガログ語"), ("ne", "ネパール語"))
CONSTRAINTS = (("free", "無料"), ("transport", "送迎"), ("night", "夜間"), ("holiday", "土日・祝日"),
               ("overnight", "宿泊"))


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


# ---- rendering -------------------------------------------------------------------------------


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page, never cached (it may show a family's situation or a signed-in view)."""
    context.setdefault("session", None)
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    return response


def _ctx(request: Request) -> AppContext:
    return request.app.state.context


def not_ready_page(request: Request, ctx: AppContext, session: PageSession | None = None) -> HTMLResponse:
    loading = not ctx.state.first_load.is_set()
    return render(request, "unavailable.html", {"loading": loading, "session": session}, 503)


def problem_page(request: Request, status: int, title: str, message_ja: str, message_en: str,
                 session: PageSession | None = None) -> HTMLResponse:
    return render(request, "problem.html", {"title": title, "message_ja": message_ja, "message_en": message_en,
                                            "session": session}, status)


def forbidden_form(request: Request, session: PageSession | None) -> HTMLResponse:
    return problem_page(request, 403, "送信できませんでした",
                        "フォームの有効期限が切れたか、別のサイトから送信されました。ページを開き直してください。",
                        "The form expired or came from another site. Please reload the page.", session)


# ---- matching (the same services as POST /api/v1/match) --------------------------------------


def _form_errors(exc: ValidationError, limit: int) -> list[dict[str, str]]:
    return validation_details(list(exc.errors()), max_concern_chars=limit)


def match_concern(ctx: AppContext, snapshot, concern: Concern, top: int, *, log: bool = True):
    """Match like the API does (metrics, privacy-preserving log); returns (query_id, result)."""
    result = snapshot.matcher.match(concern, top=top)
    query_id = uuid.uuid4().hex
    ctx.metrics.observe_match(result.confidence, str(result.safety.get("level", "none")))
    if log and ctx.match_log is not None:
        ctx.match_log.put(entry_for(query_id, snapshot.version_id, concern, result), concern.text)
    return query_id, result


def result_view(snapshot, result, *, extra_conditions=None) -> dict[str, Any]:
    """Cards, safety, hints and needs of a MatchResult for the templates."""
    taxonomy = snapshot.matcher.taxonomy
    now = datetime.now(as_jst(datetime.now()).tzinfo)
    cards = []
    for ranked in result.results:
        conditions = list(ranked.conditions)
        if extra_conditions is not None:
            have = {c.kind for c in conditions}
            conditions += [c for c in extra_conditions(ranked.resource) if c.kind not in have]
        fits = all(c.fit is not Fit.FAILS for c in conditions)
        cards.append(views.card_for(ranked.resource, category=ranked.category, reasons=ranked.reasons,
                                    conditions=conditions, fits=fits, taxonomy=taxonomy, now=now))
    if extra_conditions is not None:
        cards.sort(key=lambda c: not c.fits)  # stable: the matcher's order within each group
    safety = dict(result.safety)
    return {
        "cards": cards,
        "safety": safety if safety.get("level", "none") != "none" else None,
        "hints": list(result.hints),
        "needs": [(views.category_name(taxonomy, code), p) for code, p in result.needs[:3]],
        "confidence_band": confidence_band(result.confidence),
    }


def _districts(snapshot) -> list[str]:
    return views.district_choices(snapshot.areas) if snapshot else []


# ---- parent lookup ---------------------------------------------------------------------------


def _parent_context(snapshot, **values) -> dict[str, Any]:
    base = {"examples": EXAMPLES, "age_choices": AGE_CHOICES, "areas": _districts(snapshot),
            "text": "", "age": "", "area": "", "errors": [], "searched": False,
            "max_chars": None}
    base.update(values)
    return base


@router.get("/", response_class=HTMLResponse)
async def parent_page(request: Request) -> HTMLResponse:
    ctx = _ctx(request)
    return render(request, "parent.html", _parent_context(ctx.state.snapshot, max_chars=ctx.settings.max_concern_chars))


@router.post("/", response_class=HTMLResponse)
async def parent_search(
    request: Request,
    text: Annotated[str, Form(max_length=20_000)] = "",
    age: Annotated[str, Form(max_length=16)] = "",
    area: Annotated[str, Form(max_length=100)] = "",
    preset: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    ctx = _ctx(request)
    snapshot = ctx.state.snapshot
    if not same_origin(request):
        return forbidden_form(request, None)
    if ctx.limiter.hit(client_key(request)) is not None:
        return problem_page(request, 429, "少し時間をおいてください",
                            "短い時間にたくさん検索されました。1分ほど待ってからもう一度お試しください。",
                            "Too many searches in a short time. Please wait a minute and try again.")
    if snapshot is None:
        return not_ready_page(request, ctx)
    if preset in EXAMPLES:  # an example chip: its text replaces the box (works without JavaScript)
        text = preset
    months = next((m for value, _label, m in AGE_CHOICES if value == age), None)
    values = _parent_context(snapshot, text=text, age=age, area=area, max_chars=ctx.settings.max_concern_chars)
    errors: list[dict[str, str]] = []
    try:
        body = MatchRequest(text=text, child_age_months=months, pregnant=True if age == "pregnant" else None,
                            area=area or None)
    except ValidationError as exc:
        errors = _form_errors(exc, ctx.settings.max_concern_chars)
    else:
        if len(body.text) > ctx.settings.max_concern_chars:
            errors.append({"field": "text", "message_ja": f"{ctx.settings.max_concern_chars}文字以内で書いてください。",
                           "message_en": f"Please keep it within {ctx.settings.max_concern_chars} characters."})
        if body.area and snapshot.known_area(body.area) is None:
            errors.append({"field": "area", "message_ja": "地区を一覧から選んでください。",
                           "message_en": "Please choose the area from the list."})
    if errors:
        return render(request, "parent.html", {**values, "errors": errors}, 422)
    concern = Concern(text=body.text, child_age_months=body.child_age_months, pregnant=body.pregnant,
                      area=snapshot.known_area(body.area) if body.area else None)
    _query_id, result = match_concern(ctx, snapshot, concern, PARENT_TOP)
    return render(request, "parent.html", {**values, **result_view(snapshot, result), "searched": True})


# ---- sign-in ---------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    target = safe_next(next)
    return render(request, "login.html", {"next": target, "role_label": ROLE_LABELS[PAGE_ROLES[target]],
                                          "error": None, "session": await current_session(request, _ctx(request))})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, token: Annotated[str, Form(max_length=512)] = "",
                next: Annotated[str, Form(max_length=100)] = "") -> Response:
    ctx = _ctx(request)
    target = safe_next(next)
    needed = PAGE_ROLES[target]
    page = {"next": target, "role_label": ROLE_LABELS[needed]}
    if not same_origin(request):
        return forbidden_form(request, None)
    if too_many_attempts(request, ctx):
        return problem_page(request, 429, "少し時間をおいてください",
                            "サインインの試行が多すぎます。1分ほど待ってからもう一度お試しください。",
                            "Too many sign-in attempts. Please wait a minute and try again.")
    role = await verify_token(ctx, token) if token.strip() else None
    if role is None:
        return render(request, "login.html", {**page, "error": (
            "トークンが正しくありません。配布されたトークンをそのまま貼り付けてください。",
            "The token is not valid. Paste the token you were given, exactly.")}, 401)
    if not PageSession(role, "").may(needed):
        return render(request, "login.html", {**page, "error": (
            f"このトークンでは開けません。{ROLE_LABELS[needed]}のトークンが必要です。",
            f"This token may not open this page: it needs the {needed.value} role.")}, 403)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE_NAME, token.strip(), max_age=COOKIE_MAX_AGE, httponly=True, samesite="strict",
                        secure=cookie_is_secure(request, ctx), path="/")
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/logout")
async def logout(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    ctx = _ctx(request)
    session = await current_session(request, ctx)
    if session is not None and (not same_origin(request) or not csrf_ok(session, csrf)):
        return forbidden_form(request, session)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict",
                           secure=cookie_is_secure(request, ctx))
    return response


async def signed_in(request: Request, needed: Role) -> PageSession | Response:
    """The session when it may open a page needing `needed`; else the answer to send instead:
    a redirect to the sign-in form (GET), 401 (POST) or 403 (a role that may not)."""
    session = await current_session(request, _ctx(request))
    path = "/admin" if needed is Role.analyst else "/counsellor"
    if session is None:
        if request.method == "GET":
            return RedirectResponse(f"/login?next={path}", status_code=303)
        return problem_page(request, 401, "サインインしてください",
                            "サインインの有効期限が切れました。もう一度サインインしてください。",
                            "Your sign-in has expired. Please sign in again.")
    if not session.may(needed):
        return problem_page(request, 403, "このページを開く権限がありません",
                            f"このページには{ROLE_LABELS[needed]}のトークンが必要です。",
                            f"This page needs the {needed.value} role.", session)
    return session


async def signed_in_post(request: Request, needed: Role, csrf: str) -> PageSession | Response:
    session = await signed_in(request, needed)
    if isinstance(session, Response):
        return session
    if not same_origin(request) or not csrf_ok(session, csrf):
        return forbidden_form(request, session)
    return session


# ---- counsellor console ----------------------------------------------------------------------


def _constraint_conditions(wanted: list[str]):
    """Conditions for the constraints ticked in the console, checked on each suggestion."""
    def check(r) -> list[Condition]:
        out = [c for kind in ("free", "night", "holiday", "overnight") if kind in wanted
               if (c := flag_fits(r, kind, True)) is not None]
        if "transport" in wanted:
            # No structured field for 送迎: say what the catalog text says, and that it is only text.
            text = " ".join((r.name, r.description or "", *r.keywords, *r.example_concerns, r.eligibility_note or ""))
            out.append(Condition("transport", Fit.FITS, "送迎：説明に記載あり（内容を確認）") if "送迎" in text
                       else Condition("transport", Fit.UNKNOWN, "送迎：条件未確認"))
        return out
    return check


def _console_context(snapshot, **values) -> dict[str, Any]:
    base = {"areas": _districts(snapshot), "languages": LANGUAGES, "constraints": CONSTRAINTS,
            "note": "", "age_years": "", "age_months": "", "pregnant": False, "area": "", "needed_at": "",
            "language": "", "wanted": [], "errors": [], "searched": False, "query_id": None}
    base.update(values)
    return base


class ConsoleForm:
    """The console's fields as submitted (also by the live-suggestion script)."""

    def __init__(self, note: str, age_years: str, age_months: str, pregnant: str, area: str, needed_at: str,
                 language: str, constraints: list[str]):
        self.values = {"note": note, "age_years": age_years.strip(), "age_months": age_months.strip(),
                       "pregnant": pregnant == "1", "area": area, "needed_at": needed_at, "language": language,
                       "wanted": [c for c in constraints if c in dict(CONSTRAINTS)]}

    def concern(self, ctx: AppContext, snapshot) -> tuple[Concern | None, list[dict[str, str]]]:
        v = self.values
        errors: list[dict[str, str]] = []
        months = None
        if v["age_years"] or v["age_months"]:
            try:
                months = int(v["age_years"] or 0) * 12 + int(v["age_months"] or 0)
            except ValueError:
                errors.append({"field": "age", "message_ja": "年齢は数字で入力してください。",
                               "message_en": "Give the age in numbers."})
        needed = None
        if v["needed_at"]:
            try:
                needed = as_jst(datetime.fromisoformat(v["needed_at"]))
            except ValueError:
                errors.append({"field": "needed_at", "message_ja": "日時の形式が正しくありません。",
                               "message_en": "The date and time are not valid."})
        text = v["note"]
        if "transport" in v["wanted"] and "送迎" not in text:
            text = f"{text}\n送迎が必要"  # a cue for retrieval; the note itself is not changed
        try:
            body = MatchRequest(text=text if v["note"].strip() else v["note"], child_age_months=months,
                                pregnant=True if v["pregnant"] else None, area=v["area"] or None,
                                language=v["language"] or None, needed_at=needed)
        except ValidationError as exc:
            return None, errors + _form_errors(exc, ctx.settings.max_concern_chars)
        if len(v["note"]) > ctx.settings.max_concern_chars:
            errors.append({"field": "note", "message_ja": f"メモは{ctx.settings.max_concern_chars}文字以内にしてください。",
                           "message_en": f"Keep the note within {ctx.settings.max_concern_chars} characters."})
        area = snapshot.known_area(body.area) if body.area else None
        if body.area and area is None:
            errors.append({"field": "area", "message_ja": "地区を一覧から選んでください。",
                           "message_en": "Please choose the area from the list."})
        if errors:
            return None, errors
        try:
            return Concern(text=body.text, child_age_months=body.child_age_months, pregnant=body.pregnant,
                           area=area, needed_at=body.needed_at, language=body.language), []
        except InvalidConcern:
            return None, [{"field": "age", "message_ja": "年齢は0〜22歳の範囲で入力してください。",
                           "message_en": "The age must be from 0 to 22 years."}]


def console_form(
    note: Annotated[str, Form(max_length=20_000)] = "",
    age_years: Annotated[str, Form(max_length=3)] = "",
    age_months: Annotated[str, Form(max_length=3)] = "",
    pregnant: Annotated[str, Form(max_length=1)] = "",
    area: Annotated[str, Form(max_length=100)] = "",
    needed_at: Annotated[str, Form(max_length=32)] = "",
    language: Annotated[str, Form(max_length=16)] = "",
    constraints: Annotated[list[str], Form(max_length=10)] = [],  # noqa: B006 — FastAPI copies defaults
) -> ConsoleForm:
    return ConsoleForm(note, age_years, age_months, pregnant, area, needed_at, language, constraints)


@router.get("/counsellor", response_class=HTMLResponse)
async def counsellor_page(request: Request) -> Response:
    session = await signed_in(request, Role.counsellor)
    if isinstance(session, Response):
        return session
    snapshot = _ctx(request).state.snapshot
    return render(request, "counsellor.html", {**_console_context(snapshot), "session": session})


async def _console_results(request: Request, form: ConsoleForm, csrf: str, *, live: bool) -> Response:
    session = await signed_in_post(request, Role.counsellor, csrf)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    snapshot = ctx.state.snapshot
    if snapshot is None:
        return not_ready_page(request, ctx, session)
    values = {**_console_context(snapshot, **form.values), "session": session}
    page = "partials/console_results.html" if live else "counsellor.html"
    if live and not form.values["note"].strip():
        return render(request, page, {**values, "searched": False})
    concern, errors = form.concern(ctx, snapshot)
    if concern is None:
        return render(request, page, {**values, "errors": errors}, 422)
    # Live suggestions while typing are not logged: only a submitted search counts as a match.
    query_id, result = match_concern(ctx, snapshot, concern, COUNSELLOR_TOP, log=not live)
    view = result_view(snapshot, result, extra_conditions=_constraint_conditions(form.values["wanted"]))
    return render(request, page, {**values, **view, "searched": True, "query_id": query_id})


@router.post("/counsellor", response_class=HTMLResponse)
async def counsellor_submit(request: Request, form: Annotated[ConsoleForm, Depends(console_form)],
                            csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    return await _console_results(request, form, csrf, live=False)


@router.post("/counsellor/suggest", response_class=HTMLResponse)
async def counsellor_suggest(request: Request, form: Annotated[ConsoleForm, Depends(console_form)],
                             csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    """The results fragment for live suggestions (the console's script swaps it in)."""
    return await _console_results(request, form, csrf, live=True)


@router.post("/counsellor/referrals", response_class=HTMLResponse)
async def counsellor_refer(
    request: Request,
    resource_id: Annotated[str, Form(max_length=200)] = "",
    query_id: Annotated[str, Form(max_length=64)] = "",
    memo: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Record which suggestion was referred (the same checks as POST /api/v1/referrals)."""
    session = await signed_in_post(request, Role.counsellor, csrf)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    fragment = request.headers.get("x-tsunagu-fragment") == "1"
    page = "partials/referral_done.html" if fragment else "referral_done.html"
    snapshot = ctx.state.snapshot
    resource = snapshot.by_id.get(resource_id) if snapshot else None
    errors: list[dict[str, str]] = []
    try:
        body = ReferralCreate(resource_id=resource_id, query_id=query_id or None, memo=memo or None)
    except ValidationError as exc:
        errors = _form_errors(exc, ctx.settings.max_concern_chars)
    else:
        if resource is None:
            errors.append({"field": "resource_id", "message_ja": "この資源は現在のカタログにありません。",
                           "message_en": "No such resource in the active catalog."})
        elif body.memo and await run_in_threadpool(contains_person_name, body.memo):
            errors.append({"field": "memo", "message_ja": "メモに人の名前らしき語があります。氏名は記録しないでください（例：「母」「本児」と書く）。",
                           "message_en": "The memo seems to contain a person's name; names are not recorded."})
    if errors:
        return render(request, page, {"errors": errors, "referral": None, "resource": resource, "session": session}, 422)

    def store():
        return ctx.referrals.add(body.resource_id, category=resource.category, catalog_version=snapshot.version_id,
                                 query_id=body.query_id, memo=body.memo)

    referral = await run_in_threadpool(store)
    return render(request, page, {"errors": [], "referral": referral, "resource": resource, "session": session}, 201)


@router.get("/counsellor/card", response_class=HTMLResponse)
async def referral_card(request: Request, resource: str = "") -> Response:
    """A printable 紹介カード for the family: name, contact, hours, what to say. No concern text."""
    session = await signed_in(request, Role.counsellor)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    snapshot = ctx.state.snapshot
    if snapshot is None:
        return not_ready_page(request, ctx, session)
    r = snapshot.by_id.get(resource[:200])
    if r is None:
        return problem_page(request, 404, "見つかりませんでした", "この資源は現在のカタログにありません。",
                            "No such resource in the active catalog.", session)
    taxonomy = snapshot.matcher.taxonomy
    card = views.card_for(r, category=r.category, reasons=[], conditions=[], fits=True, taxonomy=taxonomy,
                          now=datetime.now(as_jst(datetime.now()).tzinfo))
    return render(request, "card.html", {"card": card, "say": views.what_to_say(card.category_name),
                                         "session": session, "today": date.today()})


# ---- analyst workspace -----------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
async def admin_page(request: Request, activated: int | None = None) -> Response:
    session = await signed_in(request, Role.analyst)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    versions = await run_in_threadpool(ctx.store.versions)
    return render(request, "admin/index.html", {"session": session, "versions": list(reversed(versions)),
                                                 "activated": activated, "section": "index"})


@router.post("/admin/upload", response_class=HTMLResponse)
async def admin_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form(max_length=500)] = "",
    csrf: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Validate a catalog file; when it has no errors, store it as a new version, not yet active."""
    session = await signed_in_post(request, Role.analyst, csrf)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    limit = ctx.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        return problem_page(request, 413, "ファイルが大きすぎます", f"上限は {limit // (1024 * 1024)} MB です。",
                            f"The limit is {limit // (1024 * 1024)} MB.", session)

    def validate_and_store():
        result = read_catalog(data, filename=file.filename)
        info = diff = None
        if result.report.ok:
            active = ctx.store.active_version()
            info = ctx.store.add_version(result.resources, source=file.filename or "<upload>",
                                         format=result.format, note=note, activate=False)
            if active is not None:
                diff = ctx.store.diff(active.id, info.id)
        return result, info, diff

    result, info, diff = await run_in_threadpool(validate_and_store)
    report = result.report
    return render(request, "admin/upload.html", {
        "session": session, "section": "index", "filename": file.filename or "", "report": report,
        "errors": report.errors, "warnings": report.warnings, "info": info, "diff": diff,
        "format": result.format, "count": len(result.resources),
    }, 200 if report.ok else 422)


def _activate(ctx: AppContext, version_id: int) -> None:
    ctx.store.activate(version_id)
    ctx.state.load_active(ctx.store)  # builds the new index off to the side, then swaps


@router.post("/admin/versions/{version_id}/activate")
async def admin_activate(request: Request, version_id: int, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    session = await signed_in_post(request, Role.analyst, csrf)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    if not any(v.id == version_id for v in await run_in_threadpool(ctx.store.versions)):
        return problem_page(request, 404, "見つかりませんでした", "指定されたカタログ版はありません。",
                            "No catalog version with that id.", session)
    await run_in_threadpool(_activate, ctx, version_id)
    return RedirectResponse(f"/admin?activated={version_id}", status_code=303)


@router.post("/admin/rollback")
async def admin_rollback(request: Request, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    session = await signed_in_post(request, Role.analyst, csrf)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    versions = await run_in_threadpool(ctx.store.versions)
    active = next((v for v in versions if v.active), None)
    older = [v for v in versions if active is not None and v.id < active.id]
    if not older:
        return problem_page(request, 422, "戻せる版がありません", "有効な版より前の版がありません。",
                            "There is no earlier version to roll back to.", session)
    await run_in_threadpool(_activate, ctx, older[-1].id)
    return RedirectResponse(f"/admin?activated={older[-1].id}", status_code=303)


@router.get("/admin/versions/{version_id}/diff", response_class=HTMLResponse)
async def admin_diff(request: Request, version_id: int, against: int | None = None) -> Response:
    session = await signed_in(request, Role.analyst)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)

    def compare():
        versions = {v.id: v for v in ctx.store.versions()}
        old = against
        if old is None:  # the active version, or the one before when this one is active
            active = ctx.store.active_version()
            earlier = [v for v in versions if v < version_id]
            old = active.id if active is not None and active.id != version_id else (earlier[-1] if earlier else None)
        if version_id not in versions or old not in versions:
            return None
        names = {r.id: r.name for v in (old, version_id) for r in ctx.store.resources(v)}
        return ctx.store.diff(old, version_id), versions[old], versions[version_id], names

    found = await run_in_threadpool(compare)
    if found is None:
        return problem_page(request, 404, "比較できません", "比較する版が見つかりません。",
                            "The versions to compare were not found.", session)
    diff, old, new, names = found
    return render(request, "admin/diff.html", {"session": session, "section": "index", "diff": diff,
                                               "old": old, "new": new, "names": names})


async def _analyst_snapshot(request: Request):
    """(session, snapshot), or (the response to send instead, None)."""
    session = await signed_in(request, Role.analyst)
    if isinstance(session, Response):
        return session, None
    snapshot = _ctx(request).state.snapshot
    if snapshot is None:
        return not_ready_page(request, _ctx(request), session), None
    return session, snapshot


def _quality_view(snapshot) -> dict[str, Any]:
    taxonomy = load_taxonomy()
    report = quality_report(snapshot.resources)
    cov = report.coverage or coverage(snapshot.resources)
    rows = [{"code": c, "name": views.category_name(taxonomy, c),
             "cells": [(a, cov.count(c, a), views.heat_level(cov.count(c, a))) for a in cov.areas]}
            for c in cov.categories]
    totals = sorted(((views.category_name(taxonomy, c), snapshot.category_counts.get(c, 0)) for c in cov.categories),
                    key=lambda x: -x[1])
    gaps_per_area = [(a, sum(1 for c in cov.categories if cov.count(c, a) == 0)) for a in cov.areas]
    return {"report": report, "areas": cov.areas, "rows": rows, "bars": views.bars(totals),
            "gap_bars": views.bars(gaps_per_area), "version": snapshot.version}


@router.get("/admin/quality", response_class=HTMLResponse)
async def admin_quality(request: Request) -> Response:
    """Coverage (category × area, with a chart) and stale entries (確認日 over a year old)."""
    session, snapshot = await _analyst_snapshot(request)
    if snapshot is None:
        return session
    view = await run_in_threadpool(_quality_view, snapshot)
    return render(request, "admin/quality.html", {"session": session, "section": "quality", **view})


@router.get("/admin/duplicates", response_class=HTMLResponse)
async def admin_duplicates(request: Request) -> Response:
    session, snapshot = await _analyst_snapshot(request)
    if snapshot is None:
        return session
    pairs = await run_in_threadpool(find_duplicates, snapshot.resources)
    return render(request, "admin/duplicates.html", {"session": session, "section": "duplicates", "pairs": pairs,
                                                     "by_id": snapshot.by_id, "version": snapshot.version})


@router.get("/admin/unmet", response_class=HTMLResponse)
async def admin_unmet(request: Request) -> Response:
    session = await signed_in(request, Role.analyst)
    if isinstance(session, Response):
        return session
    ctx = _ctx(request)
    snapshot = ctx.state.snapshot

    def build():
        return unmet_needs(read_match_log(ctx.engine, municipality=ctx.store.municipality), snapshot.resources if snapshot else None)

    report = await run_in_threadpool(build)
    taxonomy = load_taxonomy()
    return render(request, "admin/unmet.html", {
        "session": session, "section": "unmet", "report": report,
        "cat": lambda code: views.category_name(taxonomy, code),
        "by_category": views.bars([(views.category_name(taxonomy, c), n)
                                   for c, n in list(report.by_category.items())[:15]]),
    })
