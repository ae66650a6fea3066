"""Browser tests: Debian's Chromium driven through pytest-playwright, against pytest-django's
live server.

Run with the plugin enabled (the rest of the suite runs with ``-p no:playwright``)::

    .venv/bin/pytest houbei/tests/browser -p playwright -v

Screenshots of every meaningful step go to ``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, Response, ViewportSize, expect

from houbei.tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 360, "height": 800}
DESKTOP: ViewportSize = {"width": 1280, "height": 860}
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


# ---------------------------------------------------------------- pytest-playwright overrides


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without the plugin (``-p no:playwright``, as for the fast run) skip, don't error."""
    if config.pluginmanager.has_plugin("playwright"):
        return
    skip = pytest.mark.skip(reason="browser tests need the Playwright plugin: -p playwright")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


# ---------------------------------------------------------------- pages


def _new_page(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 360 × 800 page: the narrowest phone the app is built for."""
    yield from _new_page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _new_page(browser, DESKTOP)


# ---------------------------------------------------------------- helpers


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form and wait until the home page is shown."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator(".auth form button[type=submit]").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    expect(page.locator("details.usermenu")).to_be_visible()


def sign_out(page: Page) -> None:
    page.locator("details.usermenu > summary").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def screenshot(page: Page, name: str, *, as_scrolled: bool = False) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>.png. Scrolled to the
    top first: the sticky top bar would otherwise be drawn halfway down the image.
    ``as_scrolled``: what the screen shows where the user has scrolled to, instead (what
    stays in reach there)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if as_scrolled:
        page.screenshot(path=str(path))
        return path
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url}: content is {scroll_width}px wide in {width}px"


def search_people(page: Page, term: str) -> None:
    """Type into the people list's live search and wait for htmx's request to come back
    (the swap into #results follows; assertions on it retry until it lands)."""

    def is_search(response: Response) -> bool:
        url = urlparse(response.url)
        return url.path == "/people/" and parse_qs(url.query).get("q") == [term]

    page.wait_for_load_state()  # htmx is set up once the page has loaded
    with page.expect_response(is_search) as response:
        page.locator("#id_q").fill(term)
    assert response.value.ok
