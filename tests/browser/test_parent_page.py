"""A parent looks things up alone, on a phone, without signing in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import shoot

pytestmark = pytest.mark.browser


def test_parent_search_shows_result_cards(page, server):
    page.goto(server.url + "/")
    assert page.locator("h1").count() == 1
    shoot(page, "parent-home")
    page.fill("#text", "夜、親の病院に付き添うので子どもを預かってほしい")
    page.select_option("#age", "3")
    page.click("button:has-text('さがす')")
    page.wait_for_selector(".cards .card")
    assert page.url == server.url + "/", "the concern must not travel in the URL"
    cards = page.locator(".cards .card")
    assert cards.count() >= 3
    first = cards.first
    assert first.locator(".card-name").inner_text().strip()
    assert first.locator(".reasons li").count() >= 1
    assert first.locator(".cond").count() >= 1  # the child's age was given: its fit is shown
    assert page.locator(".cards a[href^='tel:']").count() >= 1
    assert page.locator(".cards a[href^='https://www.google.com/maps/search/?api=1&query=']").count() >= 1
    assert page.locator("[role=alert].safety").count() == 0  # an everyday need raises no alarm
    assert page.locator("#text").input_value().startswith("夜、親の病院")  # the box keeps the words
    shoot(page, "parent-results")


def test_crisis_pins_emergency_contacts_above_the_results(page, server):
    page.goto(server.url + "/")
    page.fill("#text", "子どもを叩いてしまいそうでこわい。もう死にたい")
    page.click("button:has-text('さがす')")
    alert = page.wait_for_selector("[role=alert].safety")
    assert alert.is_visible()
    # The block comes before everything else in the page's main content, results included.
    first_in_main = page.evaluate("document.querySelector('main').firstElementChild.matches('.safety')")
    assert first_in_main
    calls = page.locator(".safety a.call[href^='tel:']")
    assert calls.count() >= 2
    assert page.locator(".safety a[href='tel:189']").count() == 1
    assert page.locator(".safety .what-to-do").first.inner_text().strip()
    shoot(page, "parent-crisis")


def test_example_chip_searches_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.click("button.chip:has-text('子どもの発達が気になる')")
        page.wait_for_selector(".cards .card")
        assert page.locator("#text").input_value() == "子どもの発達が気になる"
        assert page.locator("[data-print]").first.is_hidden()  # the print button needs the script
    finally:
        context.close()


def test_print_button_prints_one_card(page, server):
    page.add_init_script("window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page.goto(server.url + "/")
    page.click("button.chip:has-text('病気の子を預けたい')")
    page.wait_for_selector(".cards .card")
    page.locator(".cards [data-print]").first.click()
    assert page.evaluate("window.__printed") == 1
    assert page.locator(".cards > li.print-this").count() == 1
