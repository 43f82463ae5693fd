"""Playwright fixtures: Debian's Chromium (never ``playwright install``: it downloads a browser, which this network refuses) on a
phone-sized viewport, against pytest-django's ``live_server``.

Make the fixtures visible in a test module by assigning them::

    from gonghui.tests import browser

    chromium = browser.chromium
    phone = browser.phone
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE_VIEWPORT = {"width": 375, "height": 812}


def _unavailable(reason: str):
    """Skip on a developer machine without a browser; fail where one is required (CI)."""
    if os.environ.get("GONGHUI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (GONGHUI_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium for the module. Playwright's sync API keeps an event loop
    running in this thread, so Django's async-safety check is switched off while it lives
    (and only then)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} not found: apt-get install chromium fonts-noto-cjk to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Phone:
    """Opens pages on the live server in phone-sized browser contexts (one per person, so
    each has their own cookies) and collects JavaScript errors, missing static files and
    server errors in ``errors``."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.errors: list[str] = []

    def new_page(self, *, locale: str = "zh-CN", javascript: bool = True):
        context = self.browser.new_context(
            java_script_enabled=javascript,
            viewport=PHONE_VIEWPORT,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            base_url=self.base_url,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        page.on("response", self._check_response)
        return page

    def _check_response(self, response):
        # A missing stylesheet or script, or any server error, is a broken page.
        if response.status >= 500 or (response.status >= 400 and "/static/" in response.url):
            self.errors.append(f"{response.status} {response.url}")

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def phone(chromium, live_server):
    helper = Phone(chromium, live_server.url)
    yield helper
    helper.close()
