"""The case page in a real browser (Chromium via Playwright, against the live server): the violation picker
shows the article and its fines, the fine is checked as it is typed (htmx), saving records the verdict, and
nothing breaks the Content-Security-Policy. Screenshots go to ``test-artifacts/``.

Skipped when ``/usr/bin/chromium`` is missing (see tests/browser)."""

import pytest
from playwright.sync_api import expect

from anjian.enforcement import services
from anjian.enforcement.models import PenaltyItem
from tests.browser.conftest import site  # noqa: F401 — the shared Chromium fixture
from tests.browser.test_enterprise_flow import ARTIFACTS, BrowserProblems, login
from tests.conftest import PASSWORD
from tests.enforcement.conftest import issued, served_order, today

pytestmark = pytest.mark.browser


def test_case_items_with_live_fine_check(site, team):  # noqa: F811
    order = served_order(team)
    review = issued(services.review_opinion_draft(
        actor=team.user["b1"], order=order, review_date=today(), next_action="penalty",
        results=[{"no": 1, "rectified": False}, {"no": 2, "rectified": True}]), team)
    case = services.case_open(actor=team.user["b1"], enterprise=team.e1, cause="未按规定进行安全生产教育和培训",
                              source_document=review)
    context, page = site.new_page()
    problems = BrowserProblems(page)
    try:
        login(page, site, "b1", PASSWORD)
        page.goto(site.url(f"/enforcement/cases/{case.pk}/"))
        form = page.locator("[data-testid=item-form-new]")
        form.locator("select[name=new-violation_code]").select_option("aqf2021.97.3")
        info = form.locator("[data-testid=violation-info]")
        info.wait_for()
        assert "第九十七条第（三）项" in info.inner_text() and "10万元以下" in info.inner_text()
        form.locator("input[name=new-amount]").fill("150000")
        verdict = form.locator("[data-testid=verdict]")
        verdict.wait_for()
        expect(verdict).to_contain_text("不符合")
        form.locator("input[name=new-amount]").fill("20000")
        expect(verdict).not_to_contain_text("不符合")
        expect(verdict).to_contain_text("符合")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "enforcement-case-item.png"), full_page=True)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert PenaltyItem.objects.get(case=case).verdict_ok
        assert "符合" in page.locator("[data-testid=item-verdict]").inner_text()
        assert page.locator("[data-testid=case-links]").inner_text().count("告知书") == 1
        page.goto(site.url(f"/enforcement/{review.pk}/"))
        assert "立案查处" in page.locator("[data-testid=next-steps]").inner_text()
        page.screenshot(path=str(ARTIFACTS / "enforcement-review.png"), full_page=True)
        assert problems.problems == []
    finally:
        context.close()


def test_order_drafted_in_the_browser(site, team):  # noqa: F811
    import datetime

    from tests.enforcement.conftest import finished_inspection

    inspection = finished_inspection(team)
    context, page = site.new_page()
    problems = BrowserProblems(page)
    try:
        login(page, site, "b1", PASSWORD)
        page.goto(site.url(f"/enforcement/new/rectification_order/?inspection={inspection.pk}"))
        assert "现场发现问题1" in page.locator("textarea[name=findings-0-description]").input_value()
        page.fill("input[name=deadline]", (today() + datetime.timedelta(days=12)).isoformat())
        page.screenshot(path=str(ARTIFACTS / "enforcement-order-draft.png"), full_page=True)
        with page.expect_navigation():
            page.click("[data-testid=draft-form] button[type=submit]")
        expect(page.locator("[data-testid=document-state]")).to_contain_text("草稿")
        assert "现场发现问题2" in page.locator("[data-testid=document-body]").inner_text()
        page.goto(site.url("/enforcement/"))
        expect(page.locator("[data-testid=document-table]")).to_contain_text("责令限期整改指令书")
        page.screenshot(path=str(ARTIFACTS / "enforcement-ledger.png"), full_page=True)
        assert problems.problems == []
    finally:
        context.close()
