"""People and special equipment as an enterprise's safety manager keeps them: Chromium, driven by Playwright, against
the live server. Everything after the set-up (the ``world`` fixture, built through the services) goes through the
pages, except the equipment deadline scan, which a scheduler runs and the test calls.

1. The safety manager of 企业1 (e1m, desktop) opens every page of the 人员与设备 navigation group.
2. She registers an employee: an ID number with a wrong GB 11643 check digit is refused with the Chinese message
   and nothing is saved; the valid number is accepted. The employee page shows the number masked and the verdict
   "不能上岗" with its reason (the three levels of training are missing).
3. She records a 厂级, a 车间级 and a 班组级 session (8 hours each) with the employee as a passed participant; the
   missing levels shrink after each, and after the third the employee may work.
4. From the employee page she registers the employee's 特种设备安全管理和作业人员证 (N1 叉车司机).
5. She registers a forklift with its last periodic inspection, whose next due date has passed. The scan marks it
   not usable and opens one hazard (route ``equipment_overdue``), linked from the equipment page; a second scan
   opens no other.
6. The enterprise file shows the 人员与培训 and 特种设备 tabs with that content.
7. On a phone (390×844) the employee register and the equipment ledger fit the screen (tables scroll inside their
   ``.table-responsive``).
8. No console error, CSP violation, failed request or server error anywhere, apart from the one intended 400.
9. A bureau officer of another county (b2) gets a 404 for the employee's and the forklift's pages.

Screenshots go to ``test-artifacts/people-*.png``.

Run: ``ANJIAN_ENV=test .venv/bin/python -m pytest -p no:xdist -q tests/browser/test_people_flow.py``. Skipped when
``/usr/bin/chromium`` is missing.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.test_enterprise_flow import ARTIFACTS, DESKTOP, MOBILE, STATIC_FILES, BrowserProblems, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": MOBILE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MOMENT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes

# The 人员与设备 group of the navigation bar: (item, URL name, the page's heading).
NAV_ITEMS = [
    ("人员与设备概况", "people:employee_overview", "人员、培训与持证"),
    ("从业人员名册", "people:employee_list", "从业人员名册"),
    ("不能上岗人员", "people:blocked_list", "不能上岗人员"),
    ("培训台账", "people:session_list", "安全生产教育和培训台账"),
    ("证书台账", "people:certificate_list", "从业人员持证台账"),
    ("特种设备台账", "equipment:equipment_list", "特种设备安全管理台账"),
]
# The three levels in the order they are recorded, with what the verdict says is missing after each.
LEVELS = [
    ("company", "厂级", "缺少车间级、班组级安全培训"),
    ("workshop", "车间级", "缺少班组级安全培训"),
    ("team", "班组级", None),
]
NAME = "王建国"
FORKLIFT = "3吨内燃平衡重式叉车"
FORKLIFT_CODE = "5110330481202000123"


# --------------------------------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_mail(settings):
    settings.EMAIL_HOST = ""  # notifications (the scan's hazard) stay in the inbox


class Browse:
    """Opens pages as given users (each in its own browser context), watches each for problems, closes them all."""

    def __init__(self, site):
        self.site = site
        self.contexts = []
        self.problems: dict[str, BrowserProblems] = {}

    def __call__(self, username: str, *, phone: bool = False):
        context, page = self.site.new_page(**(PHONE if phone else {"viewport": DESKTOP}))
        self.contexts.append(context)
        self.problems[username + (" (phone)" if phone else "")] = BrowserProblems(page)
        login(page, self.site, username, PASSWORD)
        assert page.url == self.site.url("/"), f"{username} could not log in: {page.url}"
        return page

    def assert_no_problems(self, expected=()):
        """Nothing went wrong in any page, apart from what matches an ``expected`` pattern (an intended 4xx); the
        patterns see each problem as "[user] problem"."""
        seen = [f"[{who}] {p}" for who, collector in self.problems.items() for p in collector.problems]
        found = [p for p in seen if not any(re.search(pattern, p) for pattern in expected)]
        assert not found, "\n".join(found)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def browse(site):
    b = Browse(site)
    yield b
    b.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"people-{name}.png"), full_page=True, animations="disabled", caret="hide")


def submit(page, form) -> None:
    """Click the form's submit button and wait for the page the POST leads to."""
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


def field_errors(form, name: str):
    """The error messages under one field of a form rendered by _form_fields.html (the field's wrapping div)."""
    return form.locator(f"[name='{name}']").locator("xpath=ancestor::div[contains(@class, 'mb-3')][1]").locator(
        ".invalid-feedback"
    )


# What sticks out of the phone's screen, leaving out what scrolls inside a .table-responsive (tables may scroll).
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll("*")]
    .filter(el => !el.closest(".table-responsive") && el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
               + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)");
}"""


def assert_fits_the_phone(page, what: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (
        f"{what}: the page is {overflow}px wider than the phone's screen (scrolls sideways); "
        f"wide elements: {page.evaluate(WIDE_ELEMENTS)}"
    )


def with_check_digit(first17: str) -> str:
    from anjian.rules.id_card import check_digit

    return first17 + check_digit(first17)


def wrong_check_digit(first17: str) -> str:
    right = with_check_digit(first17)[-1]
    return first17 + ("1" if right != "1" else "2")


def training_day(days_ago: int) -> tuple[str, str]:
    """08:30–17:00 of a past day, as datetime-local values (8 学时 need at least 6 hours at 45 minutes each)."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    start = datetime.datetime.combine(day, datetime.time(8, 30))
    return start.strftime(MOMENT), start.replace(hour=17, minute=0).strftime(MOMENT)


# --------------------------------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------------------------------


def test_safety_manager_keeps_people_training_certificates_and_equipment(site, browse, world):
    from playwright.sync_api import expect

    from anjian.equipment.models import SpecialEquipment
    from anjian.equipment.scan import scan_equipment
    from anjian.hazards.models import Hazard
    from anjian.people.models import Certificate, Employee, TrainingSession
    from anjian.rules._dates import add_months, add_years
    from anjian.rules.id_card import mask

    today = timezone.localdate()
    e1 = world.e1
    manager = browse("e1m")

    # 1. The 人员与设备 group: each item opens its page (the dropdown needs Bootstrap's JS).
    nav = manager.locator("#nav")
    for label, url_name, heading in NAV_ITEMS:
        nav.get_by_role("button", name="人员与设备", exact=True).click()
        item = nav.locator(".dropdown-menu").get_by_role("link", name=label, exact=True)
        expect(item).to_be_visible()
        with manager.expect_navigation():
            item.click()
        expect(manager).to_have_url(site.url(reverse(url_name)))
        expect(manager.locator("h1")).to_contain_text(heading)
        expect(nav.locator(".dropdown-item.active")).to_have_text(label)
    shot(manager, "1-equipment-ledger-empty")

    # 2. Registering an employee: the wrong check digit first.
    first17 = "33048119900307123"
    valid_id, bad_id = with_check_digit(first17), wrong_check_digit(first17)
    manager.goto(site.url(reverse("people:employee_list")))
    manager.get_by_test_id("employee-new").click()
    manager.wait_for_url(site.url(reverse("people:employee_new")))
    form = manager.get_by_test_id("employee-form")
    expect(form.locator("select[name=enterprise]")).to_have_value(str(e1.pk))
    form.locator("[name=name]").fill(NAME)
    form.locator("[name=id_number]").fill(bad_id)
    form.locator("[name=phone]").fill("13812345678")
    form.locator("[name=department]").fill("仓储车间")
    form.locator("[name=team]").fill("叉车班")
    form.locator("[name=post]").fill("叉车司机")
    form.locator("[name=hired_on]").fill(today.isoformat())
    new_url = site.url(reverse("people:employee_new"))
    with manager.expect_response(lambda r: r.url == new_url and r.request.method == "POST") as refused:
        submit(manager, form)
    assert refused.value.status == 400
    expect(manager).to_have_url(new_url)
    form = manager.get_by_test_id("employee-form")
    expect(field_errors(form, "id_number")).to_have_text("身份证号码校验位不正确，请核对。")
    expect(form.locator("[name=name]")).to_have_value(NAME)  # the rest of the input is kept
    assert not Employee.objects.exists(), "a refused registration saved an employee"
    shot(manager, "2-id-check-digit-refused")

    form.locator("[name=id_number]").fill(valid_id)
    submit(manager, form)
    employee = Employee.objects.get()
    employee_url = site.url(reverse("people:employee_detail", args=[employee.pk]))
    expect(manager).to_have_url(employee_url)
    expect(manager.locator(".alert-success")).to_contain_text(f"已登记 {NAME}")
    expect(manager.locator("h1")).to_have_text(NAME)
    expect(manager.get_by_test_id("id-number")).to_have_text(mask(valid_id))
    expect(manager.get_by_test_id("phone")).to_have_text("138****5678")
    expect(manager.locator("body")).not_to_contain_text(valid_id)
    verdict = manager.get_by_test_id("verdict")
    expect(verdict).to_contain_text("不能上岗")
    expect(verdict.get_by_test_id("reason-missing_level")).to_have_text("缺少厂（矿）级、车间级、班组级安全培训")
    shot(manager, "2-employee-registered")

    # 3. The three levels of training, each through the session form with the employee ticked as passed.
    for n, (kind, level, still_missing) in enumerate(LEVELS, start=1):
        manager.goto(site.url(reverse("people:session_list")))
        manager.get_by_test_id("session-new").click()
        manager.wait_for_url(site.url(reverse("people:session_new")))
        form = manager.get_by_test_id("session-form")
        starts, ends = training_day(days_ago=4 - n)
        form.locator("select[name=kind]").select_option(kind)
        form.locator("[name=title]").fill(f"新员工{level}安全培训")
        form.locator("[name=content]").fill(f"{level}安全教育：安全生产规章制度、岗位操作规程、事故案例")
        form.locator("[name=trainer]").fill("李安全")
        form.locator("[name=place]").fill("三楼会议室")
        form.locator("[name=starts_at]").fill(starts)
        form.locator("[name=ends_at]").fill(ends)
        form.locator("[name=hours]").fill("8")
        picker = form.get_by_test_id("participant-picker")
        picker.locator(f"#p_{employee.pk}").check()
        picker.locator(f"select[name=result_{employee.pk}]").select_option("passed")
        picker.locator(f"input[name=score_{employee.pk}]").fill("92")
        if n == 1:
            shot(manager, "3-session-form")
        submit(manager, form)
        session = TrainingSession.objects.get(kind=kind)
        expect(manager).to_have_url(site.url(reverse("people:session_detail", args=[session.pk])))
        expect(manager.locator(".alert-success")).to_contain_text("参加 1 人")

        manager.goto(employee_url)
        verdict = manager.get_by_test_id("verdict")
        expect(manager.get_by_test_id("training-records").locator("tbody tr")).to_have_count(n)
        if still_missing:
            expect(verdict).to_contain_text("不能上岗")
            expect(verdict.get_by_test_id("reason-missing_level")).to_have_text(still_missing)
    expect(verdict).to_contain_text("可以上岗")
    expect(verdict).not_to_contain_text("不能上岗")
    expect(verdict.locator("[data-testid^=reason-]")).to_have_count(0)
    shot(manager, "3-employee-may-work")

    # 4. The forklift driver's certificate, from the employee page (the number is the holder's ID number).
    manager.get_by_role("link", name="登记证书").click()
    manager.wait_for_url(site.url(reverse("people:certificate_create", args=[employee.pk])))
    form = manager.get_by_test_id("certificate-form")
    form.locator("select[name=kind]").select_option("equipment_operator")
    form.locator("select[name=item_code]").select_option("N1")
    form.locator("[name=number]").fill(valid_id)
    form.locator("[name=issuer]").fill("嘉兴市市场监督管理局")
    form.locator("[name=issued_on]").fill((today - datetime.timedelta(days=30)).isoformat())
    submit(manager, form)
    cert = Certificate.objects.get()
    expect(manager).to_have_url(site.url(reverse("people:certificate_detail", args=[cert.pk])))
    expect(manager.locator("h1")).to_have_text("特种设备安全管理和作业人员证")
    expect(manager.get_by_test_id("status")).to_have_text("有效")
    expect(manager.get_by_test_id("number")).to_have_text(mask(valid_id))
    expect(manager.locator("body")).to_contain_text("叉车司机")
    expect(manager.locator("body")).not_to_contain_text(valid_id)
    shot(manager, "4-certificate")
    manager.goto(employee_url)
    certificates = manager.get_by_test_id("certificates")
    expect(certificates).to_contain_text("特种设备安全管理和作业人员证")
    expect(certificates).to_contain_text("N1 叉车司机")
    expect(certificates).to_contain_text(f"有效期至 {add_years(today - datetime.timedelta(days=30), 4):%Y-%m-%d}")
    expect(manager.get_by_test_id("verdict")).to_contain_text("可以上岗")

    # 5. The forklift, registered with its last periodic inspection: the next one was due a month ago.
    inspected_on = add_months(today, -13)
    next_due = add_months(inspected_on, 12)
    assert next_due < today
    manager.goto(site.url(reverse("equipment:equipment_list")))
    manager.get_by_test_id("register-equipment").click()
    manager.wait_for_url(site.url(reverse("equipment:equipment_new")))
    form = manager.get_by_test_id("equipment-form")
    form.locator("select[name=kind]").select_option("in_plant_vehicle")
    form.locator("[name=name]").fill(FORKLIFT)
    form.locator("[name=model_number]").fill("CPCD30")
    form.locator("[name=registration_code]").fill(FORKLIFT_CODE)
    form.locator("[name=location]").fill("成品仓库")
    form.locator("[name=manufacturer]").fill("杭叉集团股份有限公司")
    form.locator("[name=commissioned_on]").fill(add_years(today, -3).isoformat())
    form.locator("select[name='last-inspection_kind']").select_option("periodic")
    form.locator("[name='last-inspected_on']").fill(inspected_on.isoformat())
    form.locator("[name='last-body']").fill("嘉兴市特种设备检验检测研究院")
    form.locator("[name='last-report_number']").fill("JXTJ-N2025-0456")
    form.locator("input[name='last-conclusion'][value='pass']").check()
    form.locator("[name='last-next_due']").fill(next_due.isoformat())
    shot(manager, "5-equipment-form")
    submit(manager, form)
    forklift = SpecialEquipment.objects.get()
    forklift_url = site.url(reverse("equipment:equipment_detail", args=[forklift.pk]))
    expect(manager).to_have_url(forklift_url)
    expect(manager.locator("h1")).to_have_text(FORKLIFT)
    expect(manager.get_by_test_id("inspections")).to_contain_text("JXTJ-N2025-0456")
    expect(manager.get_by_test_id("clocks")).to_contain_text(f"{next_due:%Y-%m-%d}")
    # Registered overdue, it is not usable at once; the hazard is the scan's to open, not the form's.
    expect(manager.locator(".alert-warning")).to_contain_text("该设备目前不可使用")
    expect(manager.get_by_test_id("usable")).to_have_text("不可使用")
    expect(manager.get_by_test_id("overdue-hazard")).to_have_count(0)
    assert not Hazard.objects.exists()

    # The deadline scan (a scheduled job) marks it not usable and opens the hazard, linked from the page.
    result = scan_equipment()
    assert result.hazards == 1, result
    manager.reload()
    expect(manager.get_by_test_id("usable")).to_have_text("不可使用")
    expect(manager.get_by_test_id("unusable-reason")).to_be_visible()
    expect(manager.get_by_test_id("clocks")).to_contain_text("已超期")
    link = manager.get_by_test_id("overdue-hazard")
    expect(link).to_have_count(1)
    hazard = Hazard.objects.get()
    expect(link).to_contain_text(hazard.number)
    shot(manager, "5-equipment-overdue")
    link.click()
    manager.wait_for_url(site.url(reverse("hazards:detail", args=[hazard.pk])))
    expect(manager.locator("h1")).to_contain_text(hazard.number)
    expect(manager.locator("body")).to_contain_text("特种设备检验超期（系统）")
    expect(manager.locator("body")).to_contain_text(FORKLIFT)
    shot(manager, "5-overdue-hazard")

    # A second scan opens no second hazard for the same due date.
    again = scan_equipment()
    assert again.hazards == 0, again
    assert Hazard.objects.filter(route="equipment_overdue").count() == 1
    assert Hazard.objects.get().enterprise_id == e1.pk

    # 6. The enterprise file: the People and Equipment tabs (Bootstrap tabs: need the JS).
    manager.goto(site.url(reverse("enterprises:detail", args=[e1.pk])))
    people_tab = manager.get_by_test_id("people-tab")
    expect(people_tab).to_be_hidden()
    manager.get_by_test_id("tab-people").click()
    expect(people_tab).to_be_visible()
    expect(manager.locator("#tab-people")).to_have_class(re.compile(r"\bshow\b"))
    expect(manager.get_by_test_id("tab-sessions").locator("li")).to_have_count(3)
    expect(manager.get_by_test_id("tab-blocked")).to_contain_text("没有不能上岗的人员")
    expect(people_tab).to_contain_text("在职人员")
    shot(manager, "6-enterprise-people-tab")

    equipment_tab = manager.get_by_test_id("equipment-tab")
    expect(equipment_tab).to_be_hidden()
    manager.get_by_test_id("tab-equipment").click()
    expect(equipment_tab).to_be_visible()
    expect(manager.locator("#tab-equipment")).to_have_class(re.compile(r"\bshow\b"))
    expect(people_tab).to_be_hidden()
    expect(equipment_tab).to_contain_text("场（厂）内专用机动车辆 1")
    expect(manager.get_by_test_id("equipment-overdue")).to_have_text("1")
    expect(manager.get_by_test_id("equipment-not-usable")).to_contain_text(FORKLIFT)
    shot(manager, "6-enterprise-equipment-tab")

    # The pages ran under the site's CSP, with their static files.
    response = manager.request.get(employee_url)
    csp = response.headers.get("content-security-policy", "")
    assert csp.startswith("default-src 'self'") and "'unsafe-inline'" not in csp, csp
    responses = browse.problems["e1m"].responses
    for path in STATIC_FILES:
        assert responses.get(path) in (200, 304), f"{path}: {responses.get(path)}"

    # 7. On a phone: the employee register and the equipment ledger fit the screen.
    phone = browse("e1m", phone=True)
    phone.goto(site.url(reverse("people:employee_list")))
    expect(phone.get_by_test_id("employee-table").locator("tbody tr")).to_have_count(1)
    expect(phone.get_by_test_id("employee-table")).to_contain_text(NAME)
    expect(phone.get_by_test_id("employee-table")).to_contain_text(mask(valid_id))
    assert_fits_the_phone(phone, reverse("people:employee_list"))
    shot(phone, "7-employee-list-phone")
    phone.goto(site.url(reverse("equipment:equipment_list")))
    expect(phone.get_by_test_id("equipment-table").locator("tbody tr")).to_have_count(1)
    expect(phone.get_by_test_id("not-usable")).to_be_attached()
    assert_fits_the_phone(phone, reverse("equipment:equipment_list"))
    shot(phone, "7-equipment-ledger-phone")

    # 8. Nothing went wrong in any page but the refused registration (400 on purpose; Chromium logs it too).
    new_path = re.escape(reverse("people:employee_new"))
    browse.assert_no_problems(expected=[
        rf"^\[e1m\] HTTP 400: POST {new_path}$",
        rf"^\[e1m\] console error: .*status of 400 .*\[\S+{new_path}\]$",
    ])

    # 9. A bureau officer of another county does not see them.
    other = browse("b2")
    for url in (employee_url, forklift_url):
        response = other.goto(url)
        assert response.status == 404, f"b2 opened {url}: {response.status}"
        expect(other.locator("body")).not_to_contain_text(NAME)
        expect(other.locator("body")).not_to_contain_text(FORKLIFT)
    paths = "|".join(re.escape(u.removeprefix(site.url(""))) for u in (employee_url, forklift_url))
    browse.assert_no_problems(expected=[
        rf"^\[e1m\] HTTP 400: POST {new_path}$",
        rf"^\[e1m\] console error: .*status of 400 .*\[\S+{new_path}\]$",
        rf"^\[b2\] HTTP 404: GET ({paths})$",
        rf"^\[b2\] console error: .*status of 404 .*\[\S+({paths})\]$",
    ])
