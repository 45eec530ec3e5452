"""Hazard governance as its users meet it: Chromium, driven by Playwright, against the live server.

* An employee reports a hazard from a phone (with a photo), the safety manager confirms and plans it, the
  employee hands in the rectification from the phone, the manager sends it back once, the employee hands
  it in again and the principal accepts it.
* A bureau officer records a major hazard at an enterprise; the manager confirms it under a criterion, is
  refused to start with an incomplete plan, completes it; the officer lists it for supervision with a public
  announcement (seen on the anonymous public page), the manager applies for close-out with a photo and the
  officer closes it out, which lifts the listing on the public page too.
* The ledger: the grade filter (htmx on change) and the Excel export of the filtered ledger.
* Saving the plan of a hazard under rectification keeps its deadline (the date input shows it as ISO).

The browser plumbing (Site, BrowserProblems, login, the Chromium flags) comes from test_enterprise_flow.
Screenshots go to ``test-artifacts/hazards-*.png``.

Run: ``ANJIAN_ENV=test .venv/bin/pytest tests/browser/test_hazard_flow.py -p no:xdist``. Skipped when
``/usr/bin/chromium`` is missing.
"""

import datetime
import re

import pytest
from PIL import Image

from tests.browser.test_enterprise_flow import (
    ARTIFACTS,
    DESKTOP,
    MOBILE,
    BrowserProblems,
    Site,
    login,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": MOBILE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CRITERION = "gongmao_2023.11.2"


# --------------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded photos go to a temporary folder (the live server thread reads the same settings)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


class Browse:
    """Opens pages as given users (each in its own browser context) and closes them all at the end."""

    def __init__(self, site: Site):
        self.site = site
        self.contexts = []
        self.problems: dict[str, BrowserProblems] = {}

    def __call__(self, username: str | None, *, phone: bool = False):
        options = PHONE if phone else {"viewport": DESKTOP}
        context, page = self.site.new_page(**options)
        self.contexts.append(context)
        self.problems[f"{username or 'anonymous'}{' (phone)' if phone else ''}"] = BrowserProblems(page)
        if username:
            login(page, self.site, username, PASSWORD)
            assert page.url == self.site.url("/"), f"{username} could not log in: {page.url}"
        return page

    def assert_no_problems(self, expected=()):
        """Nothing went wrong in any page, apart from what matches an ``expected`` pattern (an intended 400)."""
        found = [
            f"[{who}] {p}"
            for who, collector in self.problems.items()
            for p in collector.problems
            if not any(re.search(pattern, p) for pattern in expected)
        ]
        assert not found, "\n".join(found)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(site):
    b = Browse(site)
    yield b
    b.close()


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"hazards-{name}.png"), full_page=full_page, animations="disabled", caret="hide"
    )


def write_jpeg(tmp_path, name: str, color=(200, 30, 30), size=(640, 480)):
    path = tmp_path / name
    Image.new("RGB", size, color).save(path, format="JPEG")
    return str(path)


def assert_fits_the_phone(page, what: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than the phone's screen (scrolls sideways)"


def submit(page, button) -> None:
    """Click a submit button and wait for the page the POST leads to."""
    with page.expect_navigation():
        button.click()


def in_days(n: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def expect_state(page, label: str) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_test_id("hazard-state")).to_have_text(label)


def expect_photo_loaded(page, count: int) -> None:
    """``count`` thumbnails, each an image the browser actually decoded (served by the protected view)."""
    from playwright.sync_api import expect

    images = page.get_by_test_id("photos").locator("figure.photo-thumb img")
    expect(images).to_have_count(count)
    for i in range(count):
        img = images.nth(i)
        img.scroll_into_view_if_needed()  # loading="lazy"
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())


def event_labels(page) -> list[str]:
    return page.get_by_test_id("events").locator("li > strong").all_inner_texts()


# --------------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------------


def test_general_hazard_from_a_phone_to_closed(site, browse, world, tmp_path):
    from playwright.sync_api import expect

    from anjian.hazards.models import Hazard

    # 1. The employee, on a phone, reports a hazard with a photo.
    phone = browse("e1w", phone=True)
    phone.goto(site.url("/hazards/new/"))
    form = phone.get_by_test_id("report-form")
    expect(form).to_be_visible()
    expect(phone.locator("select[name=enterprise]")).to_have_value(str(world.e1.pk))
    expect(phone.locator("select[name=route]")).to_have_value("employee_report")
    phone.set_input_files("input[name=photos]", write_jpeg(tmp_path, "before.jpg"))
    phone.fill("input[name=location]", "二号车间东侧配电箱")
    phone.fill("textarea[name=description]", "配电箱门未关闭，箱内线路裸露")
    phone.get_by_label("设备设施").check()
    assert_fits_the_phone(phone, "/hazards/new/")
    shot(phone, "1-report-phone")
    submit(phone, form.locator("button[type=submit]"))

    hazard = Hazard.objects.get()
    detail = site.url(f"/hazards/{hazard.pk}/")
    assert phone.url == detail
    expect(phone.locator(".alert-success")).to_contain_text(hazard.number)
    expect_state(phone, "待确认")
    expect_photo_loaded(phone, 1)
    expect(phone.get_by_test_id("step-confirm")).to_have_count(0)  # an employee does not confirm
    assert_fits_the_phone(phone, f"/hazards/{hazard.pk}/ (reported)")
    shot(phone, "1-reported-phone")

    # 2. The safety manager (desktop) was told, confirms it as general and plans it.
    manager = browse("e1m")
    expect(manager.get_by_test_id("unread-count")).to_be_visible()
    manager.goto(detail)
    confirm = manager.get_by_test_id("step-confirm")
    confirm.locator("input[name='confirm-grade'][value='general']").check()
    submit(manager, confirm.locator("button[type=submit]"))
    expect_state(manager, "已确认待整改")
    plan = manager.get_by_test_id("step-plan")
    plan.locator("[name='plan-measures']").fill("关闭配电箱门并加锁，包扎裸露线路")
    plan.locator("[name='plan-responsible_name']").fill("王五")
    plan.locator("[name='plan-responsible_user']").select_option(str(world.user["e1w"].pk))
    plan.locator("[name='plan-deadline']").fill(in_days(10))
    shot(manager, "1-plan")
    submit(manager, manager.get_by_test_id("start-button"))
    expect_state(manager, "整改中")
    expect(manager.get_by_test_id("deadline")).to_contain_text(in_days(10))

    # 3. The employee (the responsible person) hands in the rectification from the phone.
    phone.goto(detail)
    expect_state(phone, "整改中")
    assert_fits_the_phone(phone, f"/hazards/{hazard.pk}/ (rectifying)")
    phone.get_by_test_id("rectify-link").tap()
    phone.wait_for_url(site.url(f"/hazards/{hazard.pk}/rectify/"))
    rectify = phone.get_by_test_id("rectify-form")
    rectify.locator("textarea[name=note]").fill("已关闭箱门并加锁")
    rectify.locator("input[name=photos]").set_input_files(write_jpeg(tmp_path, "after.jpg", color=(30, 160, 60)))
    assert_fits_the_phone(phone, f"/hazards/{hazard.pk}/rectify/")
    shot(phone, "1-rectify-phone")
    submit(phone, rectify.locator("button[type=submit]"))
    assert phone.url == detail
    expect_state(phone, "待验收")
    expect_photo_loaded(phone, 2)
    expect(phone.get_by_test_id("photos")).to_contain_text("整改后")

    # 4. The manager sends it back.
    manager.goto(detail)
    expect_state(manager, "待验收")
    back = manager.get_by_test_id("step-return")
    back.locator("[name='return-reason']").fill("线路仍未包扎，请补充整改")
    submit(manager, back.locator("button[type=submit]"))
    expect_state(manager, "整改中")
    expect(manager.get_by_test_id("return-count")).to_contain_text("1")
    shot(manager, "1-returned")

    # 5. The employee hands it in again.
    phone.goto(site.url(f"/hazards/{hazard.pk}/rectify/"))
    rectify = phone.get_by_test_id("rectify-form")
    rectify.locator("textarea[name=note]").fill("线路已用绝缘胶带包扎，箱门加锁")
    submit(phone, rectify.locator("button[type=submit]"))
    expect_state(phone, "待验收")

    # 6. The principal accepts it: closed, with every step on record.
    principal = browse("e1")
    principal.goto(detail)
    verify = principal.get_by_test_id("step-verify")
    verify.locator("[name='verify-note']").fill("整改到位")
    submit(principal, verify.locator("button[type=submit]"))
    expect_state(principal, "已闭环")
    expect(principal.get_by_test_id("step-verify")).to_have_count(0)
    expect(principal.get_by_test_id("rectify-link")).to_have_count(0)
    assert event_labels(principal) == [
        "上报隐患",
        "确认隐患",
        "开始整改",
        "提交整改（申请验收/销号）",
        "验收退回",
        "提交整改（申请验收/销号）",
        "验收通过（销号）",
    ]
    expect(principal.get_by_test_id("events")).to_contain_text("线路仍未包扎")
    shot(principal, "1-closed")

    phone.goto(detail)
    expect_state(phone, "已闭环")
    assert_fits_the_phone(phone, f"/hazards/{hazard.pk}/ (closed)")
    shot(phone, "1-closed-phone")

    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.return_count == 1 and hazard.photos.count() == 2
    browse.assert_no_problems()


def test_major_hazard_listed_and_closed_out(site, browse, world, tmp_path):
    from playwright.sync_api import expect

    from anjian.hazards.models import Hazard

    # 1. The bureau officer records a major hazard at 企业1 during an inspection.
    officer = browse("b1")
    officer.goto(site.url(f"/hazards/new/?enterprise={world.e1.pk}"))
    form = officer.get_by_test_id("report-form")
    expect(form.locator("select[name=enterprise]")).to_have_value(str(world.e1.pk))
    form.locator("select[name=route]").select_option("enforcement_inspection")
    form.locator("input[name=location]").fill("除尘间")
    form.locator("textarea[name=description]").fill("不同类别的可燃性粉尘共用一套除尘系统")
    officer.get_by_label("设备设施").check()
    form.locator("input[name=source_reference]").fill("海应急检〔2026〕7号")
    shot(officer, "2-report")
    submit(officer, form.locator("button[type=submit]"))
    hazard = Hazard.objects.get()
    detail = site.url(f"/hazards/{hazard.pk}/")
    assert officer.url == detail
    expect_state(officer, "待确认")

    # 2. The safety manager confirms it as major under the criterion.
    manager = browse("e1m")
    manager.goto(detail)
    confirm = manager.get_by_test_id("step-confirm")
    confirm.locator("input[name='confirm-grade'][value='major']").check()
    confirm.locator("select[name='confirm-criterion_code']").select_option(CRITERION)
    submit(manager, confirm.locator("button[type=submit]"))
    expect_state(manager, "已确认待整改")
    expect(manager.get_by_test_id("criterion")).not_to_be_empty()

    # 3. Starting with only the measures is refused: the plan is incomplete.
    plan = manager.get_by_test_id("step-plan")
    plan.locator("[name='plan-measures']").fill("改造除尘系统，按粉尘类别分设")
    start = site.url(f"/hazards/{hazard.pk}/start/")
    with manager.expect_response(start) as refused:
        submit(manager, manager.get_by_test_id("start-button"))
    assert refused.value.status == 400
    expect_state(manager, "已确认待整改")
    # One message, from what was submitted (the saved hazard's list would still name the measures),
    # and each missing field marked where it is.
    expect(manager.get_by_test_id("missing-plan")).to_have_count(0)
    for label in ("资金", "应急预案", "治理的目标和任务", "停产停业范围"):
        expect(plan.locator(".alert-danger")).to_contain_text(label)
    expect(plan.locator(".alert-danger")).not_to_contain_text("整改措施")
    funds = plan.locator("[name='plan-funds']").locator("xpath=..")
    expect(funds.locator(".invalid-feedback")).to_be_visible()
    expect(plan.locator("[name='plan-measures']")).to_have_value("改造除尘系统，按粉尘类别分设")  # input kept
    shot(manager, "2-plan-incomplete")

    # 4. The full plan: reported and started.
    plan.locator("[name='plan-responsible_name']").fill("李四")
    plan.locator("[name='plan-funds']").fill("12.50")
    plan.locator("[name='plan-deadline']").fill(in_days(60))
    plan.locator("[name='plan-contingency_plan']").fill("粉尘爆炸专项应急预案")
    plan.locator("[name='plan-plan_goals']").fill("三个月内消除隐患")
    plan.locator("[name='plan-plan_safety_measures']").fill("停用该除尘系统，人工清扫")
    plan.locator("[name='plan-production_stop']").select_option("partial")
    plan.locator("[name='plan-report_state_cause']").fill("除尘系统共用，设计缺陷")
    plan.locator("[name='plan-report_harm_difficulty']").fill("可能引发粉尘爆炸，整改需改造管网")
    submit(manager, manager.get_by_test_id("start-button"))
    expect_state(manager, "整改中")
    expect(manager.get_by_test_id("missing-plan")).to_have_count(0)
    expect(manager.get_by_test_id("step-listing")).to_have_count(0)  # an enterprise does not list
    shot(manager, "2-started")

    # 5. The officer lists it for supervision, announced to the public.
    officer.goto(detail)
    expect_state(officer, "整改中")
    listing = officer.get_by_test_id("step-listing")
    listing.locator("[name='listing-document_number']").fill("海应急督〔2026〕3号")
    listing.locator("[name='listing-deadline']").fill(in_days(90))
    listing.locator("[name='listing-government_contact']").fill("周督办")
    listing.locator("[name='listing-publicly_announced']").check()
    submit(officer, listing.locator("button[type=submit]"))
    expect(officer.get_by_test_id("listing")).to_contain_text("海应急督〔2026〕3号")
    expect(officer.get_by_test_id("step-listing")).to_have_count(0)
    shot(officer, "2-listed")

    # 6. Anyone, without logging in, sees it on the public notice.
    public = browse(None, phone=True)
    response = public.goto(site.url("/public/listings/"))
    assert response.status == 200 and public.url == site.url("/public/listings/")
    table = public.get_by_test_id("public-listing-table")
    row = table.locator("tbody tr").filter(has_text="海应急督〔2026〕3号")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(world.e1.name)
    expect(row).to_contain_text("督办整改中")
    shot(public, "2-public-listed-phone")

    # 7. The manager applies for close-out with an after photo.
    manager.goto(detail)
    manager.get_by_test_id("rectify-link").click()
    manager.wait_for_url(site.url(f"/hazards/{hazard.pk}/rectify/"))
    expect(manager.locator("h1")).to_contain_text("申请销号")
    rectify = manager.get_by_test_id("rectify-form")
    rectify.locator("textarea[name=note]").fill("除尘系统已按粉尘类别分设，经第三方检测合格")
    rectify.locator("input[name=photos]").set_input_files(write_jpeg(tmp_path, "after.jpg", color=(30, 160, 60)))
    submit(manager, rectify.locator("button[type=submit]"))
    assert manager.url == detail
    expect_state(manager, "待验收")
    expect(manager.get_by_test_id("step-verify")).to_have_count(0)  # only the supervising authority closes out
    expect_photo_loaded(manager, 1)

    # 8. The officer closes it out with a document number.
    officer.goto(detail)
    expect_state(officer, "待验收")
    verify = officer.get_by_test_id("step-verify")
    verify.locator("[name='verify-note']").fill("经现场核查，整改到位")
    verify.locator("[name='verify-close_out_document']").fill("海应急销〔2026〕5号")
    submit(officer, verify.locator("button[type=submit]"))
    expect_state(officer, "已闭环")
    expect(officer.get_by_test_id("listing")).to_contain_text("已摘牌")
    assert event_labels(officer)[-2:] == ["验收通过（销号）", "摘牌"]
    shot(officer, "2-closed")

    # 9. The public notice shows the listing lifted.
    public.reload()
    row = public.get_by_test_id("public-listing-table").locator("tbody tr").filter(has_text="海应急督〔2026〕3号")
    expect(row).to_contain_text("已销号摘牌")
    expect(row).to_contain_text("海应急销〔2026〕5号")
    assert_fits_the_phone(public, "/public/listings/")
    shot(public, "2-public-lifted-phone")

    # The refused start answers 400 on purpose (Chromium also logs it on the console).
    browse.assert_no_problems(
        expected=[
            rf"^HTTP 400: POST /hazards/{hazard.pk}/start/$",
            rf"^console error: .*status of 400 .*\[\S+/hazards/{hazard.pk}/start/\]$",
        ]
    )


def test_ledger_filter_and_excel_export(site, browse, world, tmp_path):
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from tests.hazards.conftest import rectifying_general, rectifying_major

    general = rectifying_general(world)
    major = rectifying_major(world)
    rows = "[data-testid=hazard-table] tbody tr"

    officer = browse("b1")
    officer.goto(site.url("/hazards/"))
    expect(officer.locator(rows)).to_have_count(2)
    officer.evaluate("() => { window.__sameDocument = true; }")

    with officer.expect_response(
        lambda r: "/hazards/" in r.url and r.request.headers.get("hx-request") == "true"
    ) as filtered:
        officer.locator("select[name=grade]").select_option("major")
    assert filtered.value.status == 200 and "grade=major" in filtered.value.url
    expect(officer.locator(rows)).to_have_count(1)
    expect(officer.locator(rows)).to_contain_text(major.number)
    expect(officer.get_by_test_id("hazard-table")).not_to_contain_text(general.number)
    assert officer.evaluate("() => window.__sameDocument") is True, "the filter reloaded the whole page"
    assert "grade=major" in officer.url, "hx-push-url did not record the filter"
    shot(officer, "3-ledger-major")

    export = officer.get_by_test_id("export-link")
    assert "grade=major" in export.get_attribute("href")
    with officer.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path, read_only=True).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, r in enumerate(values) if "隐患编号" in r)
    header = values[header_at]
    data = [r for r in values[header_at + 1 :] if any(v not in (None, "") for v in r)]
    numbers = [r[header.index("隐患编号")] for r in data]
    assert numbers == [major.number], numbers
    assert data[0][header.index("隐患等级")] == "重大隐患"

    # A link answered with an attachment turns from a navigation into a download: Chromium reports the
    # navigation request as aborted. Only that, on the export URL, is expected.
    browse.assert_no_problems(expected=[r"request failed: \S+/hazards/export/\?\S* \(net::ERR_ABORTED\)$"])


def test_saving_the_plan_keeps_the_deadline(site, browse, world):
    from tests.hazards.conftest import rectifying_general

    hazard = rectifying_general(world)
    deadline = hazard.deadline
    manager = browse("e1m")
    manager.goto(site.url(f"/hazards/{hazard.pk}/"))
    expect_state(manager, "整改中")
    plan = manager.get_by_test_id("step-plan")
    shown = plan.locator("[name='plan-deadline']").input_value()
    shot(manager, "4-plan-deadline")
    # The manager adds to the measures and saves the plan, leaving the deadline alone.
    plan.locator("[name='plan-measures']").fill("关闭配电箱门并加锁；每班检查一次")
    submit(manager, plan.locator("button[type=submit]").first)
    hazard.refresh_from_db()
    assert shown == deadline.isoformat(), f"the plan form shows the deadline {deadline} as {shown!r}"
    assert hazard.deadline == deadline, f"saving the plan changed the deadline {deadline} to {hazard.deadline}"
