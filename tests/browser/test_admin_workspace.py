"""An analyst uploads a catalog with errors and sees them, then a good one, and activates it.
The good file carries a resource whose name holds a <script> tag: it must show as text."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.conftest import SAMPLE, shoot, sign_in

pytestmark = pytest.mark.browser

XSS_ID = "WKB-XSS1"
XSS_NAME = "<script>window.__xss = 1</script>夜泣きホットライン"


def _sample_rows() -> list[list[str]]:
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def bad_catalog() -> bytes:
    rows = _sample_rows()
    header, first, second = rows[0], list(rows[1]), list(rows[2])
    first[header.index("分類")] = "存在しない分類"
    second[header.index("対象年齢_下限_月")] = "さんさい"
    return _csv([header, first, second])


def good_catalog() -> bytes:
    rows = _sample_rows()
    header = rows[0]
    extra = [""] * len(header)
    extra[header.index("ID")] = XSS_ID
    extra[header.index("名称")] = XSS_NAME
    extra[header.index("分類")] = "利用者支援事業"
    extra[header.index("説明")] = "夜泣きで眠れないときに電話で相談できます。"
    extra[header.index("こんなときに")] = "夜泣きがひどくて眠れない"
    extra[header.index("地区")] = "全域"
    extra[header.index("電話番号")] = "0299-99-0000"
    extra[header.index("確認日")] = "2026-10-01"
    return _csv([*rows, extra])


def test_analyst_uploads_sees_errors_then_activates_a_good_file(page, server):
    sign_in(page, server, server.analyst_token, "/admin")
    shoot(page, "admin-home")

    page.set_input_files("#file", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad_catalog()}])
    page.click("button:has-text('検証して取り込む')")
    page.wait_for_selector("#report-summary")
    assert "何も保存していません" in page.locator("#report-summary").inner_text()
    errors = page.locator("table.issues-error tbody tr")
    assert errors.count() == 2
    assert "存在しない分類" in errors.nth(0).inner_text() and "2" in errors.nth(0).locator("td").first.inner_text()
    assert "対象年齢_下限_月" in errors.nth(1).inner_text()
    shoot(page, "admin-upload-errors")

    page.goto(server.url + "/admin")
    page.set_input_files("#file", files=[{"name": "catalog-v2.csv", "mimeType": "text/csv", "buffer": good_catalog()}])
    page.fill("#note", "夜泣き相談を追加")
    page.click("button:has-text('検証して取り込む')")
    page.wait_for_selector("#report-summary")
    summary = page.locator("#report-summary").inner_text()
    assert "エラーはありません" in summary and "追加 1 件" in summary
    shoot(page, "admin-upload-ok")

    page.click("#report-summary button:has-text('有効にする')", timeout=180_000)  # builds the new index
    page.wait_for_url("**/admin?activated=*", timeout=180_000)
    assert page.locator("tr.row-active").locator("text=catalog-v2.csv").count() == 1
    shoot(page, "admin-activated")

    page.click("a:has-text('差分')")
    page.wait_for_selector("#d-added")
    added = page.locator("section:has(#d-added) li").first.inner_text()
    assert XSS_NAME in added  # the tag is shown as text ...
    assert page.evaluate("window.__xss") is None  # ... and never ran
    assert page.locator("script", has_text="__xss").count() == 0
    shoot(page, "admin-diff")

    # The same name in a family's search result and on the referral card: text, never markup.
    page.goto(server.url + "/")
    page.fill("#text", "夜泣きがひどくて眠れない")
    page.click("button:has-text('さがす')")
    page.wait_for_selector(".cards .card")
    assert page.locator(f".card-name:text-is('{XSS_NAME}')").count() == 1
    assert page.evaluate("window.__xss") is None
    page.goto(f"{server.url}/counsellor/card?resource={XSS_ID}")
    assert page.locator("h1").inner_text() == XSS_NAME
    assert page.evaluate("window.__xss") is None


def test_analyst_reports(page, server):
    sign_in(page, server, server.analyst_token, "/admin")
    page.click("a:has-text('カバー率・古い情報')")
    page.wait_for_selector("table.coverage")
    assert page.locator("table.coverage tbody tr").count() == 38
    assert page.locator("svg.bars rect").count() > 0
    shoot(page, "admin-quality")
    page.click("a:has-text('重複の候補')")
    page.wait_for_selector("h1:has-text('重複の候補')")
    assert page.locator("table.data tbody tr").count() >= 3  # the sample holds three duplicate pairs
    shoot(page, "admin-duplicates")
    page.click("a:has-text('満たされていないニーズ')")
    page.wait_for_selector("h1:has-text('満たされていないニーズ')")
    shoot(page, "admin-unmet")


def test_counsellor_token_cannot_open_the_analyst_pages(page, server):
    sign_in(page, server, server.counsellor_token, "/counsellor")
    response = page.goto(server.url + "/admin")
    assert response.status == 403
    assert "権限がありません" in page.locator("h1").inner_text()
