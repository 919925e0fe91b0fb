"""A counsellor signs in, types a note, gets live suggestions, marks a referral, prints a card."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, shoot, sign_in

pytestmark = pytest.mark.browser

NOTE = "母が入院することになり、夜に子どもを預けたい。送迎もできれば"


def test_wrong_token_shows_the_form_again_with_an_error(page, server):
    page.goto(server.url + "/counsellor")
    page.wait_for_selector("#token")
    shoot(page, "login")
    page.fill("#token", "not-a-real-token")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as answer:
        page.click("button:has-text('サインイン')")
    assert answer.value.status == 401
    error = page.wait_for_selector("#login-error")
    assert "トークンが正しくありません" in error.inner_text() and "not valid" in error.inner_text()
    shoot(page, "login-error")


def test_counsellor_searches_refers_and_prints_a_card(page, context, server):
    sign_in(page, server, server.counsellor_token, "/counsellor")
    assert page.locator("h1").inner_text() == "相談員コンソール"
    cookie = next(c for c in context.cookies() if c["name"] == "tsunagu_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    page.fill("#age_years", "4")
    page.check("#k-free")
    page.fill("#note", NOTE)  # typing triggers the live suggestions (no submit)
    page.wait_for_selector("#suggestions .card")
    page.wait_for_function("document.getElementById('live-status').textContent.includes('更新しました')")
    assert page.url == server.url + "/counsellor"
    first = page.locator("#suggestions .card").first
    assert first.locator(".reasons li").count() >= 1
    assert first.locator(".cond:has-text('無料')").count() == 1  # the ticked constraint is checked
    shoot(page, "counsellor-live")

    name = first.locator(".card-name").inner_text()
    first.locator("button:has-text('紹介した')").click()
    done = first.locator(".done")
    done.wait_for()
    assert "記録番号" in done.inner_text()

    with context.expect_page() as opened:
        first.locator("a:has-text('紹介カード')").click()
    card = opened.value
    card.add_init_script("window.print = () => { window.__printed = true; };")
    card.reload()
    card.wait_for_selector(".referral-card")
    assert card.locator("h1").inner_text() == name
    assert "の利用について相談したいのですが" in card.locator(".say-line").inner_text()
    assert "入院することになり" not in card.content() and "送迎もできれば" not in card.content()  # no concern text
    assert "入院" not in card.url
    card.click("button:has-text('印刷する')")
    assert card.evaluate("window.__printed") is True
    shoot(card, "referral-card")
    card.emulate_media(media="print")
    card.screenshot(path=str(SCREENSHOTS / "referral-card-print.png"), full_page=True)
    card.pdf(path=str(SCREENSHOTS / "referral-card.pdf"), format="A4")


def test_console_works_by_form_post_too(page, server):
    sign_in(page, server, server.counsellor_token, "/counsellor")
    page.evaluate("document.getElementById('note').value = '子どもの発達が心配。言葉が遅い'")
    page.click("button:has-text('候補を出す')")
    page.wait_for_selector("#suggestions .card")
    assert page.url == server.url + "/counsellor"
    assert page.locator("#note").input_value().startswith("子どもの発達が心配")
