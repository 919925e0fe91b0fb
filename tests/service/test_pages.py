"""The server-rendered pages through TestClient: escaping, roles, forms, CSRF, privacy.
(End-to-end tests in a real browser live in tests/browser.)"""

from __future__ import annotations

import logging
import re

import pytest

from catalog.model import Resource
from service.routers import page_views as views
from tests.service.conftest import ANALYST_TOKEN, COUNSELLOR_TOKEN, SAMPLE, app_for, running, seed_catalog

XSS_NAME = '<script>alert("x")</script>夜泣き<b>相談</b>'
EVIL = Resource(id="r-evil", name=XSS_NAME, category="consultation_hub",
                description="夜泣きで眠れないときの電話相談です。<img src=x onerror=alert(1)>",
                example_concerns=("夜泣きがひどくて眠れない",), service_areas=("全域",),
                url="javascript:alert(1)", address='市役所"><script>alert(2)</script>', phone="0299-00-0000")
SECRET = "ひみつの相談ABC夜泣き"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', html).group(1)


def sign_in(client, token: str, next_path: str):
    return client.post("/login", data={"token": token, "next": next_path}, follow_redirects=False)


@pytest.fixture()
def evil_client(settings):
    seed_catalog(settings, [*SAMPLE, EVIL])
    with running(app_for(settings)) as c:
        yield c


# ---- parent page ---------------------------------------------------------------------------


def test_parent_page_is_accessible_japanese_html(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<html lang="ja">' in html
    assert html.count("<h1") == 1
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
    for field in ("text", "age", "area"):  # every input has a label
        assert f'<label for="{field}"' in html
    assert re.search(r'<form method="post" action="/"', html)  # a concern is never a query string
    assert "どんなことでお困りですか？" in html
    assert "<script>" not in html and "style=" not in html  # the strict CSP stays: no inline code
    assert r.headers["cache-control"] == "no-store"


def test_parent_search_is_a_post_and_shows_cards(client):
    r = client.post("/", data={"text": "夜に子どもを預けたい", "age": "3"})
    assert r.status_code == 200
    assert r.url.path == "/" and not r.url.query
    assert r.history == []  # no redirect that could carry the text
    assert 'class="card' in r.text and "候補になった理由" in r.text
    assert "tel:0833000001" in r.text  # the twilight stay's phone as a tel: link
    assert r.headers["cache-control"] == "no-store"


def test_a_get_query_string_never_searches(client):
    r = client.get("/", params={"text": "夜に子どもを預けたい"})
    assert r.status_code == 200 and 'class="card' not in r.text


def test_example_chip_searches_with_its_own_text(client):
    r = client.post("/", data={"text": "", "preset": "夜に子どもを預けたい"})
    assert r.status_code == 200 and 'class="card' in r.text
    assert ">夜に子どもを預けたい</textarea>" in r.text


def test_crisis_puts_the_emergency_block_first(client):
    r = client.post("/", data={"text": "子どもを叩いてしまいそう。もう死にたい"})
    main = r.text.split('<main id="main"', 1)[1]
    first_tag = re.search(r">\s*<(\w+)[^>]*>", main)
    assert first_tag.group(1) == "section" and 'role="alert"' in first_tag.group(0)
    assert main.index('role="alert"') < main.index('class="cards"')
    assert 'href="tel:189"' in main


def test_everyday_need_raises_no_alarm(client):
    r = client.post("/", data={"text": "近くで親子で遊べる所"})
    assert 'class="safety' not in r.text


def test_blank_or_too_long_concern_is_a_422_form(client, settings):
    r = client.post("/", data={"text": "   "})
    assert r.status_code == 422 and "error-summary" in r.text and "1文字以上" in r.text
    r = client.post("/", data={"text": "あ" * (settings.max_concern_chars + 1)})
    assert r.status_code == 422 and f"{settings.max_concern_chars}" in r.text


def test_unknown_area_is_refused_politely(client):
    r = client.post("/", data={"text": "夜に子どもを預けたい", "area": "存在しない地区"})
    assert r.status_code == 422 and "地区を一覧から選んでください" in r.text


def test_catalog_text_is_escaped_and_unsafe_links_dropped(evil_client):
    r = evil_client.post("/", data={"text": "夜泣きがひどくて眠れない"})
    assert r.status_code == 200
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;夜泣き&lt;b&gt;相談&lt;/b&gt;" in r.text
    assert "<script>alert" not in r.text and "<b>相談" not in r.text and "<img src=x" not in r.text
    assert "javascript:" not in r.text  # the catalog's javascript: URL is not made a link
    assert "query=%E5%B8%82%E5%BD%B9%E6%89%80%22%3E%3Cscript%3E" in r.text  # address only inside the map link


def test_concern_text_is_not_logged(client, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/", data={"text": SECRET})
    assert SECRET not in caplog.text


def test_cross_site_form_post_is_refused(client):
    r = client.post("/", data={"text": "夜に預けたい"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403


def test_no_catalog_gives_a_503_page(empty_client):
    r = empty_client.post("/", data={"text": "夜に預けたい"})
    assert r.status_code == 503 and "準備中" in r.text and 'href="tel:119"' in r.text


# ---- sign-in -------------------------------------------------------------------------------


def test_staff_pages_send_to_the_sign_in_form(client):
    for path in ("/counsellor", "/admin"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"


def test_wrong_token_shows_the_form_again_with_401(client):
    r = sign_in(client, "wrong-token", "/counsellor")
    assert r.status_code == 401
    assert "トークンが正しくありません" in r.text and "The token is not valid" in r.text
    assert "set-cookie" not in r.headers


def test_sign_in_attempts_are_rate_limited(tmp_path):
    from tests.service.conftest import make_settings

    settings = make_settings(tmp_path, rate_limit_per_minute=3)
    with running(app_for(settings)) as c:
        codes = [sign_in(c, f"guess-{i}", "/counsellor").status_code for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_counsellor_token_cannot_sign_in_to_admin(client):
    r = sign_in(client, COUNSELLOR_TOKEN, "/admin")
    assert r.status_code == 403 and "analyst" in r.text


def test_sign_in_sets_a_strict_httponly_cookie(client):
    r = sign_in(client, COUNSELLOR_TOKEN, "/counsellor")
    assert r.status_code == 303 and r.headers["location"] == "/counsellor"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
    assert "secure" not in cookie  # plain http in tests; https and production set Secure


def test_sign_in_never_redirects_off_site(client):
    r = sign_in(client, COUNSELLOR_TOKEN, "https://evil.example/")
    assert r.headers["location"] == "/counsellor"


def test_sign_out_clears_the_cookie(client):
    sign_in(client, COUNSELLOR_TOKEN, "/counsellor")
    csrf = csrf_of(client.get("/counsellor").text)
    r = client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and 'tsunagu_session=""' in r.headers["set-cookie"]


# ---- counsellor console --------------------------------------------------------------------


@pytest.fixture()
def counsellor(client):
    assert sign_in(client, COUNSELLOR_TOKEN, "/counsellor").status_code == 303
    return client


def test_console_form_has_labels_and_live_region(counsellor):
    html = counsellor.get("/counsellor").text
    for field in ("note", "age_years", "age_months", "pregnant", "c-area", "needed_at", "language", "k-free", "k-transport"):
        assert f'<label for="{field}"' in html
    assert 'aria-live="polite"' in html and html.count("<h1") == 1


def test_console_post_without_csrf_is_refused(counsellor):
    r = counsellor.post("/counsellor", data={"note": "夜に預けたい"})
    assert r.status_code == 403


def test_console_suggests_with_reasons_conditions_and_constraints(counsellor):
    csrf = csrf_of(counsellor.get("/counsellor").text)
    r = counsellor.post("/counsellor/suggest", data={"csrf": csrf, "note": "夜に子どもを預けたい", "age_years": "3",
                                                     "constraints": ["free", "transport"]})
    assert r.status_code == 200 and "<html" not in r.text  # a fragment for the live region
    assert "候補になった理由" in r.text and "紹介した" in r.text
    # Each ticked constraint is checked on every card, with a sign and a word, not colour alone.
    conditions = re.findall(r'<li class="cond cond-(\w+)">.*?<span class="word">(.*?)</span>.*?</span>(.*?)</li>', r.text)
    assert ("unknown", "条件未確認", "送迎") in conditions
    assert {c for c in conditions if c[2].startswith("無料")} and ("fails", "対象外", "無料：なし") in conditions
    assert re.search(r'name="query_id" value="[0-9a-f]{32}"', r.text)


def test_live_suggestions_are_not_logged_but_a_submitted_search_is(counsellor, settings):
    ctx = counsellor.app.state.context
    csrf = csrf_of(counsellor.get("/counsellor").text)
    counsellor.post("/counsellor/suggest", data={"csrf": csrf, "note": "夜に子どもを預けたい"})
    ctx.match_log.flush()
    before = ctx.match_log.store.count()
    counsellor.post("/counsellor", data={"csrf": csrf, "note": "夜に子どもを預けたい"})
    ctx.match_log.flush()
    assert ctx.match_log.store.count() == before + 1


def test_marking_a_referral_records_it_without_names(counsellor):
    ctx = counsellor.app.state.context
    csrf = csrf_of(counsellor.get("/counsellor").text)
    r = counsellor.post("/counsellor/referrals", data={"csrf": csrf, "resource_id": "r-twilight", "query_id": "a" * 32,
                                                       "memo": "母が通院"}, headers={"X-Tsunagu-Fragment": "1"})
    assert r.status_code == 201 and "紹介を記録しました" in r.text
    [ref] = ctx.referrals.list()
    assert (ref.resource_id, ref.category, ref.query_id, ref.memo) == ("r-twilight", "short_stay", "a" * 32, "母が通院")


def test_referral_memo_with_a_phone_number_is_refused(counsellor):
    csrf = csrf_of(counsellor.get("/counsellor").text)
    r = counsellor.post("/counsellor/referrals", data={"csrf": csrf, "resource_id": "r-twilight",
                                                       "memo": "090-1234-5678に連絡"})
    assert r.status_code == 422 and "電話番号" in r.text
    assert counsellor.app.state.context.referrals.count() == 0


def test_referral_card_says_what_to_say_and_holds_no_concern(counsellor):
    r = counsellor.get("/counsellor/card", params={"resource": "r-twilight"})
    assert r.status_code == 200
    assert "子育て短期支援事業の利用について相談したいのですが" in r.text
    assert "0833-00-0001" in r.text and "data-print" in r.text
    assert counsellor.get("/counsellor/card", params={"resource": "nope"}).status_code == 404


def test_counsellor_cannot_open_admin(counsellor):
    r = counsellor.get("/admin")
    assert r.status_code == 403 and "権限がありません" in r.text


# ---- analyst workspace ---------------------------------------------------------------------


@pytest.fixture()
def analyst(client):
    assert sign_in(client, ANALYST_TOKEN, "/admin").status_code == 303
    return client


HEADER = "ID,名称,分類,地区,確認日\n"


def test_upload_with_errors_shows_the_report_and_stores_nothing(analyst):
    ctx = analyst.app.state.context
    before = len(ctx.store.versions())
    csrf = csrf_of(analyst.get("/admin").text)
    bad = (HEADER + "x1,ひろば,存在しない分類,全域,2026-01-01\n").encode()
    r = analyst.post("/admin/upload", data={"csrf": csrf}, files={"file": ("bad.csv", bad, "text/csv")})
    assert r.status_code == 422
    assert "何も保存していません" in r.text and "存在しない分類" in r.text and "<td class=\"num\">2</td>" in r.text
    assert len(ctx.store.versions()) == before


def test_upload_then_activate_then_roll_back(analyst):
    ctx = analyst.app.state.context
    first = ctx.state.snapshot.version_id
    csrf = csrf_of(analyst.get("/admin").text)
    good = (HEADER + "x1,<i>ひろば</i>,地域子育て支援拠点,全域,2026-01-01\n").encode()
    r = analyst.post("/admin/upload", data={"csrf": csrf, "note": "test"}, files={"file": ("good.csv", good, "text/csv")})
    assert r.status_code == 200 and "エラーはありません" in r.text and "まだ有効ではありません" in r.text
    new = ctx.store.versions()[-1]
    assert not new.active and ctx.state.snapshot.version_id == first

    diff = analyst.get(f"/admin/versions/{new.id}/diff")
    assert diff.status_code == 200 and "&lt;i&gt;ひろば&lt;/i&gt;" in diff.text

    r = analyst.post(f"/admin/versions/{new.id}/activate", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and ctx.state.snapshot.version_id == new.id
    r = analyst.post("/admin/rollback", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and ctx.state.snapshot.version_id == first


def test_activate_without_csrf_is_refused(analyst):
    ctx = analyst.app.state.context
    r = analyst.post(f"/admin/versions/{ctx.state.snapshot.version_id}/activate", data={})
    assert r.status_code == 403


def test_reports_render(analyst):
    quality = analyst.get("/admin/quality")
    assert quality.status_code == 200 and "<svg" in quality.text and 'class="data coverage"' in quality.text
    assert analyst.get("/admin/duplicates").status_code == 200
    unmet = analyst.get("/admin/unmet")
    assert unmet.status_code == 200 and "満たされていないニーズ" in unmet.text


# ---- view helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(("phone", "href"), [
    ("0299-01-2300", "tel:0299012300"), ("189", "tel:189"), ("０１２０－２７９－３３８", "tel:0120279338"),
    ("03-1234-5678（代表）", "tel:0312345678"), ("なし", None), (None, None),
])
def test_tel_href_keeps_digits_only(phone, href):
    assert views.tel_href(phone) == href


def test_web_url_allows_http_only():
    assert views.web_url("https://example.jp/a") == "https://example.jp/a"
    assert views.web_url("javascript:alert(1)") is None and views.web_url("data:text/html,x") is None


def test_hours_in_japanese_words():
    assert views.hours_week("Mo-Fr 08:30-17:15; PH off") == "月〜金 8:30〜17:15、祝日 休み"
    assert views.hours_week("Mo-Su 11:00-22:00; Dec 30-Jan 03 off") == "月〜日 11:00〜22:00、12月30日〜1月3日 休み"
    assert views.hours_week(None) == views.UNKNOWN_ASK
