"""One inspection end to end, as its users meet it: Chromium, driven by Playwright, against the live server.

* A bureau officer, on a phone, plans a routine inspection of an enterprise from its file (with a second
  credentialed officer), starts it on site, walks the checklist item by item (each answer saved by htmx in
  one round trip, the progress bar following), photographs a finding, turns it into a graded hazard, and ends
  the walk.
* The officer signs with their password; the enterprise's principal signs on the officer's phone with their
  own account; the second officer signs on a desktop: the record is archived with three valid signatures.
* The ledger lists it, the enterprise file shows it, the hazard it produced points back to the inspection.
* From its findings the officer drafts a 责令限期整改指令书, the leader signs it (it gets its number), the
  officer records its service, and the PDF downloads.

Screenshots go to ``test-artifacts/inspection-*.png``.

Run: ``ANJIAN_ENV=test .venv/bin/pytest tests/browser/test_inspection_flow.py -p no:xdist``. Skipped when
``/usr/bin/chromium`` is missing.
"""

import datetime

import pytest
from PIL import Image

from tests.browser.test_enterprise_flow import ARTIFACTS, DESKTOP, MOBILE, BrowserProblems, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": MOBILE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_HOST = ""


@pytest.fixture
def pages(site):
    opened = []
    problems = {}

    def open_page(username, *, phone=False):
        context, page = site.new_page(**(PHONE if phone else {"viewport": DESKTOP}))
        opened.append(context)
        problems[username + (" (phone)" if phone else "")] = BrowserProblems(page)
        login(page, site, username, PASSWORD)
        assert page.url == site.url("/"), f"{username} could not log in: {page.url}"
        return page

    yield open_page, problems
    for context in opened:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"inspection-{name}.png"), full_page=True, animations="disabled", caret="hide")


def submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def assert_fits_the_phone(page, what: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than the phone's screen"


def credentials(world):
    from django.utils import timezone

    from anjian.inspections.models import InspectorCredential

    today = timezone.localdate()
    for key, number in (("b1", "33048100001"), ("leader", "33048100002")):
        InspectorCredential.objects.create(
            user=world.user[key], number=number, valid_from=today, valid_until=today + datetime.timedelta(days=365)
        )


def test_one_inspection_from_plan_to_signed_record(site, pages, world, tmp_path):
    from django.utils import timezone
    from playwright.sync_api import expect

    from anjian.hazards.models import Hazard
    from anjian.inspections.models import Inspection

    credentials(world)
    open_page, problems = pages

    # 1. On the enterprise file, the officer plans an inspection.
    phone = open_page("b1", phone=True)
    phone.goto(site.url(f"/enterprises/{world.e1.pk}/"))
    phone.get_by_test_id("tab-inspections").click()
    submit(phone, phone.get_by_test_id("plan-inspection").last)
    form = phone.get_by_test_id("plan-form")
    form.locator("select[name=kind]").select_option("routine")
    form.locator("select[name=members]").select_option(str(world.user["leader"].pk))
    assert_fits_the_phone(phone, "plan form")
    shot(phone, "1-plan-phone")
    submit(phone, form.locator("button[type=submit]"))
    inspection = Inspection.objects.get()
    assert phone.url == site.url(f"/inspections/{inspection.pk}/")
    expect(phone.get_by_test_id("inspection-state")).to_have_text("待检查")

    # 2. On site: start, then walk every item.
    start = phone.get_by_test_id("start-form")
    start.locator("input[name=start-location]").fill("一号车间及仓库")
    submit(phone, start.locator("button[type=submit]"))
    assert phone.url == site.url(f"/inspections/{inspection.pk}/walk/")
    items = phone.get_by_test_id("item")
    total = items.count()
    assert total == inspection.items_total
    assert_fits_the_phone(phone, "walk")
    shot(phone, "2-walk-start-phone")
    for n in range(total):
        item = phone.get_by_test_id("item").nth(n)
        label = "不符合" if n == 2 else ("不适用" if n == 5 else "符合")
        with phone.expect_response(lambda r: "/items/" in r.url and r.request.method == "POST"):
            item.get_by_text(label, exact=True).click()
        expect(phone.get_by_test_id("walk-progress")).to_contain_text(f"已记录 {n + 1}/{total}")
    finding = phone.get_by_test_id("item").nth(2)
    finding.locator("textarea").fill("配电房未设置安全警示标志")
    with phone.expect_response(lambda r: "/items/" in r.url and r.request.method == "POST"):
        finding.locator("button[type=submit]").first.click()
    # A photo of the finding (a normal form post that comes back to the item).
    photo = tmp_path / "finding.jpg"
    Image.new("RGB", (640, 480), (200, 40, 40)).save(photo, format="JPEG")
    finding = phone.get_by_test_id("item").nth(2)
    finding.locator("input[type=file]").set_input_files(str(photo))
    submit(phone, finding.get_by_role("button", name="上传"))
    finding = phone.get_by_test_id("item").nth(2)
    expect(finding.locator("img.walk-thumb")).to_have_count(1)
    # The finding becomes a graded hazard in one step.
    hazard_form = finding.get_by_test_id("hazard-form")
    hazard_form.locator("select[name$=-category]").select_option("management")
    hazard_form.locator("select[name$=-grade]").select_option("general")
    hazard_form.locator("input[name$=-location]").fill("配电房")
    with phone.expect_response(lambda r: r.url.endswith("/hazard/")):
        hazard_form.locator("button[type=submit]").click()
    expect(phone.get_by_test_id("item-hazard")).to_be_visible()
    hazard = Hazard.objects.get()
    assert hazard.state == "confirmed" and hazard.photos.count() == 1
    shot(phone, "3-walk-done-phone")
    complete = phone.get_by_test_id("complete-form")
    complete.locator("textarea").fill("检查发现1项问题，已当场转为隐患并责令整改。")
    submit(phone, complete.locator("button[type=submit]"))
    expect(phone.get_by_test_id("inspection-state")).to_have_text("待签字")

    # 3. Signatures: the officer, the enterprise's principal on the officer's phone, the second officer.
    sign = phone.get_by_test_id("sign-form")
    sign.locator("input[type=password]").fill("wrong-password")
    submit(phone, sign.locator("button[type=submit]"))
    expect(phone.locator(".alert-danger")).to_contain_text("密码不正确")
    phone.get_by_test_id("sign-form").locator("input[type=password]").fill(PASSWORD)
    submit(phone, phone.get_by_test_id("sign-form").locator("button[type=submit]"))
    rep = phone.get_by_test_id("enterprise-sign-form")
    rep.locator("input[name$=-username]").fill("e1")
    rep.locator("input[type=password]").fill(PASSWORD)
    shot(phone, "4-enterprise-signs-phone")
    submit(phone, rep.locator("button[type=submit]"))
    assert_fits_the_phone(phone, "detail after signatures")

    desk = open_page("leader")
    desk.goto(site.url(f"/inspections/{inspection.pk}/"))
    desk.get_by_test_id("sign-form").locator("input[type=password]").fill(PASSWORD)
    submit(desk, desk.get_by_test_id("sign-form").locator("button[type=submit]"))
    expect(desk.get_by_test_id("inspection-state")).to_have_text("已签字归档")
    expect(desk.get_by_test_id("signature-valid")).to_have_count(3)
    expect(desk.get_by_test_id("findings")).to_contain_text(hazard.number)
    shot(desk, "5-signed")

    # 4. The ledger, the enterprise file and the hazard all show it.
    desk.goto(site.url("/inspections/"))
    expect(desk.get_by_test_id("inspection-table")).to_contain_text(inspection.number)
    desk.goto(site.url(f"/hazards/{hazard.pk}/"))
    expect(desk.locator("body")).to_contain_text(inspection.number)
    shot(desk, "6-ledger")

    # 5. From the findings, a rectification order: drafted by the officer, signed by the leader (it gets its
    #    number), served, and downloaded as PDF.
    office = open_page("b1")
    office.goto(site.url(f"/inspections/{inspection.pk}/"))
    submit(office, office.get_by_test_id("draft-order"))
    office.fill("input[name=deadline]", (timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    submit(office, office.locator("[data-testid=draft-form] button[type=submit]"))
    document_url = office.url
    desk.on("dialog", lambda dialog: dialog.accept())  # 确认签发该文书？
    desk.goto(document_url)
    submit(desk, desk.get_by_test_id("step-approve").locator("button[type=submit]"))
    expect(desk.get_by_test_id("document-number")).to_contain_text("应急责改〔")
    office.goto(document_url)
    serve = office.get_by_test_id("step-serve")
    serve.locator("select[name=serve-method]").select_option("direct")
    serve.locator("input[name=serve-recipient]").fill("企业负责人")
    submit(office, serve.locator("button[type=submit]"))
    expect(office.get_by_test_id("service")).to_contain_text("直接送达")
    shot(office, "7-order-served")
    pdf = office.request.get(site.url(office.get_by_test_id("pdf-link").get_attribute("href")))
    assert pdf.status == 200 and pdf.body()[:4] == b"%PDF"

    # Only the wrong password was an error (the 400 it answered, by design).
    found = [f"[{who}] {p}" for who, c in problems.items() for p in c.problems if "/sign/" not in p]
    assert not found, "\n".join(found)
