"""The enterprise file as a browser user meets it: Chromium, driven by Playwright, against the live server.

What these tests prove beyond the view tests:

* the login form, the htmx filter of the enterprise list and the Bootstrap tabs of an enterprise's file
  work in a real browser, under the Content-Security-Policy the site sends (no inline script or style);
* the static files (Bootstrap, Bootstrap Icons, htmx from node_modules, the app's own CSS/JS) are served;
* an enterprise user sees only their own enterprise, and another one's URL is a 404;
* five wrong passwords lock the account.

Screenshots go to ``test-artifacts/`` at the repository root (ignored by git) for a human to look at.

Run: ``ANJIAN_ENV=test .venv/bin/pytest tests/browser -p no:xdist`` (or ``-m browser``). Skipped when
``/usr/bin/chromium`` is missing.
"""

import io
import re
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Anjian@2026"  # seed_demo's DEMO_PASSWORD
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1440, "height": 900}
MOBILE = {"width": 390, "height": 844}
ROWS = "[data-testid=enterprise-table] tbody tr"

# Reports every CSP violation on the console too (an init script is not itself subject to the CSP).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
                + " in " + e.sourceFile + ":" + e.lineNumber);
});
"""

# The files base.html loads; each must arrive (200, or 304 when revalidated).
STATIC_FILES = [
    "/static/vendor/bootstrap/css/bootstrap.min.css",
    "/static/vendor/bootstrap-icons/bootstrap-icons.min.css",
    "/static/vendor/htmx/htmx.min.js",
    "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
    "/static/anjian/app.css",
    "/static/anjian/app.js",
]


# --------------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------------


class Site:
    def __init__(self, base_url: str, browser):
        self.base_url = base_url
        self.browser = browser

    def url(self, path: str) -> str:
        return self.base_url + path

    def new_page(self, viewport=DESKTOP, **options):
        context = self.browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(15_000)
        context.add_init_script(CSP_REPORTER)
        return context, context.new_page()


@pytest.fixture
def page(site):
    context, page = site.new_page()
    yield page
    context.close()


class BrowserProblems:
    """Console errors, uncaught exceptions, CSP violations and failed requests seen by a page."""

    def __init__(self, page):
        self.problems: list[str] = []
        self.responses: dict[str, int] = {}
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request):
        # A request the page itself abandons by navigating away (a favicon still loading when the
        # next page opens) is aborted by the browser, not failed by the server.
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("image", "other"):
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, msg):
        # Chromium fetches /favicon.ico on its own, at a moment of its choosing: not counted here.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            self.problems.append(f"console error: {msg.text} [{msg.location.get('url', '')}]")

    def _response(self, response):
        path = re.sub(r"^https?://[^/]+", "", response.url)
        self.responses[path] = response.status
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.request.method} {path}")


def seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo", enterprises=40, stdout=io.StringIO())


def login(page, site: Site, username: str, password: str = PASSWORD):
    page.goto(site.url("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def row_cells(page) -> list[dict]:
    """The list's rows as {name, sectors}; the "no match" row is left out."""
    return page.eval_on_selector_all(
        ROWS,
        """rows => rows.filter(r => r.querySelector("a")).map(r => ({
            name: r.cells[0].querySelector("a").innerText.trim(),
            sectors: r.cells[3].innerText.trim(),
        }))""",
    )


def is_htmx(response) -> bool:
    return "/enterprises/" in response.url and response.request.headers.get("hx-request") == "true"


def screenshot(page, name: str) -> None:
    """A full-page screenshot in test-artifacts/, with CSS transitions (Bootstrap's fades) run to their end."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True, animations="disabled", caret="hide")


def filter_case():
    """A sector and a name fragment that leave some, but not all, of the demo enterprises."""
    from anjian.core.choices import Sector
    from anjian.enterprises.models import Enterprise, EnterpriseSector

    total = Enterprise.objects.count()
    counts = Counter(EnterpriseSector.objects.values_list("sector", flat=True))
    sector = next(s for s, n in counts.most_common() if 2 <= n < total)
    in_sector = list(Enterprise.objects.filter(sector_links__sector=sector).distinct().order_by("-id"))
    # Demo names look like 海宁<two characters><sector word>有限公司; the two characters make the fragment.
    fragment = next(e.name[2:4] for e in in_sector if e.name.startswith("海宁"))
    expected = [e for e in in_sector if fragment in e.name]
    return sector, Sector(sector).label, fragment, expected, total


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


def test_officer_filters_the_list_and_reads_an_enterprise_file(site, page):
    from playwright.sync_api import expect

    from anjian.enterprises.staffing import staffing_verdict

    seed()
    sector, sector_label, fragment, expected, total = filter_case()
    problems = BrowserProblems(page)

    login(page, site, "zhifa")
    expect(page).to_have_url(site.url("/"))
    expect(page.get_by_test_id("user-menu")).to_contain_text("陈执法")

    # The list, through the navigation bar.
    page.get_by_role("link", name="一企一档").click()
    expect(page).to_have_url(site.url("/enterprises/"))
    expect(page.locator(ROWS)).to_have_count(total)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if anything reloads the page

    # Choosing a sector filters at once (htmx on change), replacing only #rows.
    with page.expect_response(is_htmx) as first:
        page.select_option("select[name=sector]", sector)
    assert first.value.status == 200
    assert f"sector={sector}" in first.value.url
    expect(page.locator(ROWS)).not_to_have_count(total)
    rows = row_cells(page)
    assert rows, f"the sector filter left no rows; the page says {page.locator('#rows .alert').all_inner_texts()}"
    assert all(sector_label in r["sectors"].split("、") for r in rows), rows

    # A name fragment, submitted with Enter (htmx on submit).
    page.fill("input[name=q]", fragment)
    with page.expect_response(is_htmx) as second:
        page.press("input[name=q]", "Enter")
    assert second.value.status == 200
    expect(page.locator(ROWS)).to_have_count(len(expected))
    rows = row_cells(page)
    assert [r["name"] for r in rows] == [e.name for e in expected]
    assert all(sector_label in r["sectors"].split("、") and fragment in r["name"] for r in rows), rows
    assert page.evaluate("() => window.__sameDocument") is True, "the filter reloaded the whole page"
    assert f"sector={sector}" in page.url and "q=" in page.url, "hx-push-url did not record the filter"
    expect(page.locator("select[name=sector]")).to_have_value(sector)
    screenshot(page, "enterprise-list.png")

    # One enterprise's file: the heading, then the staffing tab (a Bootstrap tab: needs its JS).
    enterprise = expected[0]
    page.get_by_role("link", name=enterprise.name, exact=True).click()
    expect(page).to_have_url(site.url(f"/enterprises/{enterprise.pk}/"))
    expect(page.get_by_test_id("enterprise-name")).to_have_text(enterprise.name)
    verdict = page.get_by_test_id("staffing-verdict")
    expect(verdict).to_be_hidden()
    page.get_by_test_id("tab-staffing").click()
    expect(verdict).to_be_visible()
    expect(page.locator("#tab-staffing")).to_have_class(re.compile(r"\bshow\b"))  # the fade-in has begun
    expect(page.get_by_test_id("tab-staffing")).to_have_class(re.compile(r"\bactive\b"))
    compliant = staffing_verdict(enterprise).compliant
    expect(verdict).to_contain_text("符合要求" if compliant else "不符合要求")
    expect(verdict).to_have_class(re.compile("alert-success" if compliant else "alert-danger"))
    expect(verdict).to_contain_text("依据")
    screenshot(page, "enterprise-file.png")

    # The pages ran under the site's CSP, with their static files, and the browser saw nothing wrong.
    response = page.request.get(page.url)
    assert response.headers.get("content-security-policy", "").startswith("default-src 'self'")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    for path in STATIC_FILES:
        assert problems.responses.get(path) in (200, 304), f"{path}: {problems.responses.get(path)}"
    assert any(p.startswith("/static/vendor/bootstrap-icons/fonts/") for p in problems.responses)
    assert page.evaluate("() => typeof window.htmx === 'object' && typeof window.bootstrap === 'object'")
    navbar_color = page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).backgroundColor")
    assert navbar_color == "rgb(13, 110, 253)", f"Bootstrap's CSS is not applied (navbar {navbar_color})"
    assert not problems.problems, "\n".join(problems.problems)


def test_enterprise_file_on_a_phone(site):
    from playwright.sync_api import expect

    from anjian.enterprises.models import Enterprise

    seed()
    enterprise = Enterprise.objects.filter(major_hazard_source=True).order_by("id").first()
    enterprise = enterprise or Enterprise.objects.order_by("id").first()
    context, page = site.new_page(viewport=MOBILE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        problems = BrowserProblems(page)
        login(page, site, "zhifa")
        page.goto(site.url(f"/enterprises/{enterprise.pk}/"))
        expect(page.get_by_test_id("enterprise-name")).to_have_text(enterprise.name)
        # The navigation folds behind the toggler on a phone, and the toggler opens it.
        expect(page.locator("#nav")).to_be_hidden()
        page.locator(".navbar-toggler").tap()
        expect(page.get_by_role("link", name="一企一档")).to_be_visible()
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # wait out the transition
        page.locator(".navbar-toggler").tap()
        expect(page.locator("#nav")).to_be_hidden()
        page.get_by_test_id("tab-staffing").tap()
        expect(page.get_by_test_id("staffing-verdict")).to_be_visible()
        expect(page.locator("#tab-staffing")).to_have_class(re.compile(r"\bshow\b"))
        screenshot(page, "enterprise-file-mobile.png")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow}px wider than the phone's screen"
        assert not problems.problems, "\n".join(problems.problems)
    finally:
        context.close()


def test_enterprise_user_sees_only_their_own_enterprise(site, page):
    from playwright.sync_api import expect

    from anjian.accounts.models import User
    from anjian.enterprises.models import Enterprise

    seed()
    own = User.objects.select_related("enterprise").get(username="qiyea").enterprise
    other = Enterprise.objects.exclude(pk=own.pk).order_by("id").first()

    login(page, site, "qiyea")
    expect(page).to_have_url(site.url("/"))
    page.get_by_role("link", name="本企业档案").click()
    expect(page).to_have_url(site.url("/enterprises/"))
    expect(page.locator(ROWS)).to_have_count(1)
    assert [r["name"] for r in row_cells(page)] == [own.name]

    response = page.goto(site.url(f"/enterprises/{own.pk}/"))
    assert response.status == 200
    expect(page.get_by_test_id("enterprise-name")).to_have_text(own.name)

    response = page.goto(site.url(f"/enterprises/{other.pk}/"))
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text(other.name)
    expect(page.get_by_test_id("enterprise-name")).to_have_count(0)


def test_five_wrong_passwords_lock_the_account(site, page):
    from playwright.sync_api import expect

    seed()
    error = page.get_by_test_id("login-error")
    for attempt in range(1, 6):
        login(page, site, "zhifa", f"Wrong@Pass{attempt}")
        expect(page).to_have_url(site.url("/accounts/login/"))
        if attempt < 5:
            # Attempts 1-4: the plain refusal (which warns about the lock, hence "将锁定").
            expect(error).to_contain_text("用户名或密码不正确")
            expect(error).not_to_contain_text("已锁定")
    # The fifth failure locks: the message says so.
    expect(error).to_contain_text("锁定")
    expect(error).to_contain_text("已锁定")
    # The sixth attempt, even with the right password, is refused while locked.
    login(page, site, "zhifa", PASSWORD)
    expect(page).to_have_url(site.url("/accounts/login/"))
    expect(error).to_contain_text("已锁定")


def test_the_problem_collector_sees_a_csp_violation(site, page):
    """Guards the zero-problems assertion above: an inline script must be refused and reported."""
    problems = BrowserProblems(page)
    page.goto(site.url("/accounts/login/"))
    with page.expect_console_message(lambda msg: "CSP violation" in msg.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.__inline = 1"; document.head.appendChild(s); }"""
        )
    assert page.evaluate("() => window.__inline") is None
    assert any("Content Security Policy" in p or "CSP violation" in p for p in problems.problems), problems.problems
