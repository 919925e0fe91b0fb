"""End-to-end fixtures: a real server (uvicorn in a subprocess on 127.0.0.1, a temporary SQLite
database loaded with data/sample/catalog.csv, role tokens set through its environment only) and
Debian's chromium driven by Playwright. Screenshots go to artifacts/screenshots/ (git-ignored).

Never `playwright install`: it downloads a browser. CI installs /usr/bin/chromium (.ci/system-deps).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalog.store import CatalogStore
from service.security import hash_token

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "catalog.csv"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
START_TIMEOUT_S = 240  # the sample's index takes ~15 s on an idle 2-core machine


@dataclass(frozen=True)
class Server:
    url: str
    counsellor_token: str
    analyst_token: str
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Server:
    tmp = tmp_path_factory.mktemp("browser-server")
    database_url = f"sqlite:///{tmp / 'tsunagu.db'}"
    store = CatalogStore(database_url)
    store.create_schema()
    store.import_file(SAMPLE, activate=True)
    store.engine.dispose()

    counsellor, analyst = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TSUNAGU_")}
    env.update({
        "TSUNAGU_ENVIRONMENT": "development",
        "TSUNAGU_DATABASE_URL": database_url,
        "TSUNAGU_COUNSELLOR_TOKENS": hash_token(counsellor, n=2**8),
        "TSUNAGU_ANALYST_TOKENS": hash_token(analyst, n=2**8),
        "TSUNAGU_DEV_TOKENS_PATH": str(tmp / "dev-tokens.txt"),
        "TSUNAGU_RATE_LIMIT_PER_MINUTE": "0",
        "TSUNAGU_CATALOG_POLL_SECONDS": "0",
        "TSUNAGU_LOG_LEVEL": "INFO",
    })
    port = _free_port()
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(url):
            if process.poll() is not None:
                pytest.fail("the server exited:\n" + log_path.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                pytest.fail("the server was not ready in time:\n" + log_path.read_text(errors="replace")[-3000:])
            time.sleep(0.25)
        yield Server(url, counsellor, analyst, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make test` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(viewport=DESKTOP, locale="ja-JP", timezone_id="Asia/Tokyo")
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    return context.new_page()


# Elements sticking out to the right, outside any scrolling box (for the overflow message).
_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""


def shoot(page, name: str) -> None:
    """Full-page screenshots at phone and desktop widths; fails on sideways overflow on a phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than a {size['width']}px screen: " + str(
            page.evaluate(_WIDE_ELEMENTS))
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page, server: Server, token: str, next_path: str) -> None:
    page.goto(f"{server.url}{next_path}")
    page.wait_for_selector("#token")
    page.fill("#token", token)
    page.click("button:has-text('サインイン')")
    page.wait_for_url(f"{server.url}{next_path}")
