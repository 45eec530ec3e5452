"""The browser tests' shared fixture: one Chromium per test module, pointed at the live server."""

import os

import pytest

from tests.browser.test_enterprise_flow import CHROMIUM, CHROMIUM_ARGS, Site


@pytest.fixture(scope="module")
def site(django_db_setup, live_server):
    """One Chromium for the module, pointed at pytest-django's live server.

    Every test using it gets ``transactional_db`` through pytest-django's live-server helper, so the
    data a test loads is committed (the server thread sees it) and flushed after the test.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop on the test thread; Django's ORM refuses to run
    # on a thread with a running loop unless told otherwise. The ORM calls here (seeding, expectations,
    # pytest-django's flush) run strictly between browser calls, never concurrently with them. Set only
    # while this module's browser runs, so the rest of the suite keeps Django's check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield Site(live_server.url, browser)
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
