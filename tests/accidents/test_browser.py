"""One accident from the first report to its close and into the figures, as its users meet it: Chromium, driven
by Playwright, against the live server. Everything after the set-up (the ``aw`` world) goes through the pages.

1. The enterprise's safety manager, on a phone, reports an accident (快报): a negative death count and no loss unit
   are refused with both Chinese errors and nothing is saved; the corrected report (机械伤害, 2 deaths, the loss in
   万元) lands on the case page with its grade (一般事故), the reasons for it and the reporting clock.
2. The county officer, on a desktop, finds it in the ledger, records the county → city transmission and a
   same-level notice, then a 续报 with 3 deaths: the case is re-graded 较大事故 and the banner says the
   investigating level changed.
3. The city officer, told by a notification, opens the case, forms the investigation team (with its leader),
   writes the six parts of the report, submits it, records the reply, a fine on the unit (out of the statutory
   range first: refused with the range), a corrective measure (and that it was carried out), and closes the case
   under the four not-let-go (one evidence left empty first: refused, the missing item named).
4. The county officer sees it counted in the month's statistics and downloads the circular (PDF); the county
   bureau's leader sets the county's control target for the year and sees its progress and the veto flag.

Screenshots go to ``test-artifacts/accidents-*.png``.

Run: ``ANJIAN_ENV=test .venv/bin/python -m pytest tests/accidents/test_browser.py -p no:xdist``. Skipped when
``/usr/bin/chromium`` is missing.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from anjian.accidents.models import Accident, CorrectiveMeasure, Investigation, Penalty, SameLevelNotice, Transmission
from anjian.rules import accidents as rules
from tests.browser.conftest import site  # noqa: F401 — the shared Chromium fixture
from tests.browser.test_enterprise_flow import ARTIFACTS, DESKTOP, MOBILE, BrowserProblems, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"viewport": MOBILE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
FMT = "%Y-%m-%dT%H:%M"  # what a datetime-local input takes
REPORT_TEXT = (  # the six parts of 条例第三十条, in Investigation.REPORT_PARTS order
    "企业1成立于2010年，主要从事棉纺织生产，从业人员50人。",
    "操作工在梳棉机运转中清理缠绕物被卷入，企业立即停机、报警并组织救援。",
    "事故造成3人死亡，直接经济损失80万元。",
    "直接原因是违章清理运转中的设备；间接原因是防护装置缺失、安全培训不到位。属于生产安全责任事故。",
    "企业1对事故负有责任，建议依法给予行政处罚；主要负责人未履行安全生产管理职责。",
    "加装联锁防护装置，健全停机挂牌制度，开展全员安全培训。",
)


@pytest.fixture
def pages(site):  # noqa: F811
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
    page.screenshot(path=str(ARTIFACTS / f"accidents-{name}.png"), full_page=True, animations="disabled", caret="hide")


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()


def assert_fits_the_phone(page, what: str) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than the phone's screen"


def moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime(FMT)


def next_minute(value: datetime.datetime) -> datetime.datetime:
    """The first whole minute not before ``value`` (a datetime-local input has no seconds)."""
    floor = value.replace(second=0, microsecond=0)
    return floor if floor == value else floor + datetime.timedelta(minutes=1)


def test_an_accident_from_the_first_report_to_the_circular(site, pages, aw):  # noqa: F811
    open_page, problems = pages
    occurred = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(minutes=40)
    learned = occurred + datetime.timedelta(minutes=5)

    # 1. The safety manager reports on a phone. ------------------------------------------------------------------
    phone = open_page("e1m", phone=True)
    phone.goto(site.url("/accidents/new/"))
    form = phone.get_by_test_id("report-form")
    form.locator("select[name=accident_type]").select_option("03")
    form.locator("select[name=sector]").select_option("textile")
    form.locator("input[name=occurred_at]").fill(moment(occurred))
    form.locator("input[name=place]").fill("一号车间梳棉机旁")
    form.locator("input[name=deaths]").fill("-1")
    form.locator("input[name=serious_injuries]").fill("1")
    form.locator("input[name=direct_loss]").fill("80")  # no unit chosen
    form.locator("textarea[name=account]").fill("两名操作工清理梳棉机时未停机，被卷入机器。")
    form.locator("textarea[name=measures_taken]").fill("立即停机断电，拨打120送医，保护现场。")
    form.locator("input[name=reporter_name]").fill("张安全")
    form.locator("input[name=reporter_phone]").fill("13800000000")
    form.locator("input[name=unit_learned_at]").fill(moment(learned))
    assert_fits_the_phone(phone, "report form")
    submit(phone, form)
    form = phone.get_by_test_id("report-form")
    errors = form.locator(".invalid-feedback")
    expect(errors.filter(has_text="人数不能为负数。")).to_have_count(1)
    expect(errors.filter(has_text="请注明直接经济损失的单位（元或万元）。")).to_have_count(1)
    assert Accident.objects.count() == 0
    assert form.locator("input[name=place]").input_value() == "一号车间梳棉机旁"  # the input is kept
    shot(phone, "1-report-errors-phone")

    form.locator("input[name=deaths]").fill("2")
    form.locator("input[name=direct_loss_unit][value=wan_yuan]").check()
    submit(phone, form)
    accident = Accident.objects.get()
    assert phone.url == site.url(f"/accidents/{accident.pk}/")
    assert (accident.enterprise_id, accident.accident_type, accident.deaths, accident.serious_injuries) == (
        aw.e1.pk, "03", 2, 1)
    assert accident.direct_loss_yuan == 800000 and accident.grade == "ordinary"
    assert accident.investigating_level == "county" and accident.unit_report_minutes_late == 0
    assert accident.grade_basis["deaths"] == 2 and accident.grade_basis["direct_loss_yuan"] == "800000.00"
    expect(phone.locator(".alert-success")).to_contain_text(f"事故已快报，编号 {accident.number}，定为一般事故。")
    expect(phone.get_by_test_id("grade")).to_have_text("一般事故")
    reasons = phone.get_by_test_id("grade-reasons")
    expect(reasons).to_contain_text("死亡2人，属于一般事故标准（3人以下死亡）")
    expect(reasons).to_contain_text("直接经济损失80万元")
    expect(phone.get_by_test_id("loss")).to_have_text("80万元")
    clock = phone.get_by_test_id("clock-unit")
    expect(clock).to_contain_text("单位负责人 → 县级部门（1小时）")
    expect(clock).to_contain_text("按时")
    expect(clock.get_by_test_id("clock-step").first).to_contain_text("县级 → 设区的市级")
    expect(phone.get_by_test_id("accident-state")).to_have_text("已快报")
    assert_fits_the_phone(phone, "case page")
    shot(phone, "1-reported-phone")

    # 2. The county officer: ledger, transmission, notice, 续报. ---------------------------------------------------
    county = open_page("b1")
    county.goto(site.url("/accidents/"))
    table = county.get_by_test_id("accident-table")
    expect(table).to_contain_text(accident.number)
    expect(table).to_contain_text("一般事故")
    with county.expect_navigation():
        table.get_by_role("link", name=accident.number).click()
    assert county.url == site.url(f"/accidents/{accident.pk}/")

    sent = next_minute(timezone.localtime(accident.county_received_at))
    transmit = county.get_by_test_id("step-transmit")
    expect(transmit.locator("select[name=transmit-step]")).to_have_value("county_to_city")
    transmit.locator("input[name=transmit-sent_at]").fill(moment(sent))
    transmit.locator("input[name=transmit-recipient]").fill("嘉兴市应急管理局")
    submit(county, transmit)
    expect(county.locator(".alert-success")).to_contain_text("已登记上报（县级 → 设区的市级）。")
    row = Transmission.objects.get(accident=accident)
    assert (row.step, row.minutes_late, row.sent_by_id) == ("county_to_city", 0, aw.user["b1"].pk)
    expect(county.get_by_test_id("clock-step").first).to_contain_text("按时上报")

    notice = county.get_by_test_id("step-notice")
    notice.locator("select[name=notice-level]").select_option("county")
    notice.locator("select[name=notice-party]").select_option("public_security")
    notice.locator("input[name=notice-notified_at]").fill(moment(sent))
    notice.locator("input[name=notice-note]").fill("电话通知海宁市公安局指挥中心")
    submit(county, notice)
    expect(county.locator(".alert-success")).to_contain_text("已登记同级通知（公安机关）。")
    assert SameLevelNotice.objects.filter(accident=accident, level="county", party="public_security").exists()
    expect(county.get_by_test_id("notices")).to_contain_text("公安机关")

    supplement = county.get_by_test_id("step-supplement")
    # The loss unit is a labelled pair of radios (a fieldset), not Django's bare list.
    expect(supplement.locator("fieldset legend")).to_have_text("损失金额单位")
    expect(supplement.get_by_label("万元")).to_be_checked()
    expect(supplement.locator("input[name=supplement-direct_loss]")).to_have_value("80")
    supplement.locator("input[name=supplement-deaths]").fill("3")
    supplement.locator("input[name=supplement-serious_injuries]").fill("0")
    supplement.locator("textarea[name=supplement-note]").fill("一名重伤人员经抢救无效死亡。")
    submit(county, supplement)
    expect(county.locator(".alert-success")).to_contain_text("事故等级由一般事故调整为较大事故")
    accident.refresh_from_db()
    assert (accident.deaths, accident.serious_injuries, accident.grade) == (3, 0, "large")
    assert accident.investigating_level == "city"
    assert accident.level_changed_from == "county" and accident.grade_basis["deaths"] == 3
    expect(county.get_by_test_id("grade")).to_have_text("较大事故")
    expect(county.get_by_test_id("grade-reasons")).to_contain_text("死亡3人，达到较大事故标准")
    banner = county.get_by_test_id("level-changed-banner")
    expect(banner).to_contain_text("续报后事故等级变化")
    expect(banner).to_contain_text("设区的市级人民政府")
    expect(county.get_by_test_id("supplements")).to_contain_text("一般事故 → 较大事故")
    # A 较大事故 is investigated at city level: the county sees no form to open the investigation.
    expect(county.get_by_test_id("inv-step-open")).to_have_count(0)
    shot(county, "2-regraded")

    # 3. The city officer: notified, investigates, penalises, closes. ----------------------------------------------
    city = open_page("city")
    expect(city.get_by_test_id("unread-count")).to_be_visible()
    with city.expect_navigation():
        city.get_by_test_id("inbox-link").click()
    inbox = city.get_by_test_id("inbox")
    expect(inbox).to_contain_text(f"事故上报：企业1（{accident.number}）")
    with city.expect_navigation():
        inbox.get_by_role("button", name=f"事故调查级别变更：{accident.number}").click()
    assert city.url == site.url(f"/accidents/{accident.pk}/")
    expect(city.get_by_test_id("investigating-level")).to_contain_text("设区的市级人民政府")
    expect(city.get_by_test_id("no-investigation")).to_be_visible()

    team = city.get_by_test_id("inv-step-open")
    team.locator("input[name=open-team_name]").fill("企业1“机械伤害”较大事故调查组")
    team.locator("input[name=open-leader_name]").fill("王组长")
    team.locator("input[name=open-leader_organisation]").fill("嘉兴市应急管理局")
    team.locator("input[name=open-leader_position]").fill("副局长")
    submit(city, team)
    expect(city.locator(".alert-success")).to_contain_text("事故调查组已成立")
    inv = Investigation.objects.get(accident=accident)
    assert inv.level == "city" and inv.organised_by_id == aw.city_bureau.pk
    assert list(inv.members.values_list("role", "name")) == [("leader", "王组长")]
    expect(city.get_by_test_id("members")).to_contain_text("王组长")
    expect(city.get_by_test_id("accident-state")).to_have_text("调查中")

    report = city.get_by_test_id("inv-step-report")
    for part, text in zip(Investigation.REPORT_PARTS, REPORT_TEXT, strict=True):
        report.locator(f"textarea[name=report-{part}]").fill(text)
    submit(city, report)
    expect(city.locator(".alert-success")).to_contain_text("调查报告已保存。")
    expect(city.get_by_test_id("missing-parts")).to_have_count(0)
    expect(city.get_by_test_id("report-parts")).to_contain_text(REPORT_TEXT[3])
    submit(city, city.get_by_test_id("inv-step-submit"))
    expect(city.locator(".alert-success")).to_contain_text("调查报告已提交，批复期限")
    expect(city.get_by_test_id("accident-state")).to_have_text("调查报告已提交")

    reply = city.get_by_test_id("inv-step-reply")
    reply.locator("input[name=reply-document]").fill("嘉政函〔2026〕1号")
    reply.locator("input[name=reply-authority]").fill("嘉兴市人民政府")
    reply.locator("textarea[name=reply-summary]").fill("同意调查报告的认定和处理建议。")
    submit(city, reply)
    expect(city.locator(".alert-success")).to_contain_text("批复已登记。")
    expect(city.get_by_test_id("reply")).to_contain_text("嘉政函〔2026〕1号")
    expect(city.get_by_test_id("accident-state")).to_have_text("已批复")
    inv.refresh_from_db()
    assert inv.report_submitted_on == inv.replied_on == timezone.localdate()
    assert inv.report_cause_nature == REPORT_TEXT[3] and inv.reply_document == "嘉政函〔2026〕1号"

    # The unit's fine is checked against 安全生产法 第一百一十四条 for a 较大事故 (100万元以上200万元以下).
    expect(city.get_by_test_id("fine-ranges")).to_contain_text("较大事故：100万元以上200万元以下")
    penalty = city.get_by_test_id("inv-step-penalty")
    penalty.locator("select[name=penalty-target]").select_option("unit")
    penalty.locator("input[name=penalty-person_name]").fill("企业1")
    penalty.locator("select[name=penalty-measure]").select_option("fine")
    penalty.locator("input[name=penalty-amount_yuan]").fill("50000")
    penalty.locator("input[name=penalty-document_number]").fill("嘉应急罚〔2026〕1号")
    submit(city, penalty)
    penalty = city.get_by_test_id("inv-step-penalty")
    expect(penalty.locator(".invalid-feedback")).to_contain_text("不符合")
    expect(penalty.locator(".invalid-feedback")).to_contain_text("应为100万元以上200万元以下")
    assert not Penalty.objects.exists()
    penalty.locator("input[name=penalty-amount_yuan]").fill("1500000")
    submit(city, penalty)
    expect(city.locator(".alert-success")).to_contain_text("已登记责任追究。")
    fine = Penalty.objects.get(accident=accident)
    assert (fine.target, fine.measure, fine.amount_yuan) == ("unit", "fine", 1500000)
    expect(city.get_by_test_id("penalties")).to_contain_text("嘉应急罚〔2026〕1号")

    measure = city.get_by_test_id("inv-step-measure")
    measure.locator("textarea[name=measure-description]").fill("梳棉机加装联锁防护装置，清理作业必须停机挂牌。")
    measure.locator("input[name=measure-responsible]").fill("企业1设备科")
    submit(city, measure)
    expect(city.locator(".alert-success")).to_contain_text("已登记整改措施。")
    row = CorrectiveMeasure.objects.get(accident=accident)
    done = city.get_by_test_id(f"measure-complete-{row.pk}")
    done.locator(f"input[name=measure{row.pk}-note]").fill("联锁装置已安装并验收。")
    submit(city, done)
    expect(city.locator(".alert-success")).to_contain_text("整改措施已确认落实。")
    row.refresh_from_db()
    assert row.state == "done"
    expect(city.get_by_test_id("measure")).to_contain_text("已落实")

    close = city.get_by_test_id("inv-step-close")
    evidence = {
        "cause_found": "调查报告第四部分：违章清理运转中的设备。",
        "responsible_handled": "嘉应急罚〔2026〕1号，罚款150万元。",
        "measures_done": "联锁防护装置已安装并验收。",
        "people_educated": "",  # left empty first
    }
    for code, text in evidence.items():
        close.locator(f"textarea[name=close-{code}]").fill(text)
    submit(city, close)
    close = city.get_by_test_id("inv-step-close")
    expect(close.locator(".alert-danger")).to_contain_text("「四不放过」尚未落实：有关人员未受到教育不放过")
    expect(close.locator(".invalid-feedback")).to_have_text(["请填写落实证据。"])
    accident.refresh_from_db()
    assert accident.state == "replied" and not accident.closure_evidence
    close.locator("textarea[name=close-people_educated]").fill("全厂停产开展警示教育，培训记录存档。")
    submit(city, close)
    expect(city.locator(".alert-success")).to_contain_text("已结案。")
    expect(city.get_by_test_id("accident-state")).to_have_text("已结案")
    expect(city.get_by_test_id("closure-evidence")).to_contain_text("全厂停产开展警示教育")
    accident.refresh_from_db()
    assert accident.state == "closed" and accident.closed_by_id == aw.user["city"].pk
    assert set(accident.closure_evidence) == set(rules.FOUR_NOT_LET_GO)
    shot(city, "3-closed")

    # 4. Statistics, the circular, the control target. --------------------------------------------------------------
    county.goto(site.url(f"/accidents/statistics/?year={occurred.year}&month={occurred.month}"))
    expect(county.get_by_test_id("month-accidents")).to_have_text("1")
    expect(county.get_by_test_id("month-deaths")).to_have_text("3")
    expect(county.get_by_test_id("table-month")).to_contain_text("硖石街道")  # by township for a county
    with county.expect_download() as info:
        county.get_by_test_id("circular-pdf").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes()[:4] == b"%PDF"
    download.save_as(ARTIFACTS / "accidents-circular.pdf")
    shot(county, "4-statistics")

    leader = open_page("leader")
    leader.goto(site.url(f"/accidents/targets/?year={occurred.year}"))
    expect(leader.get_by_test_id("no-targets")).to_be_visible()
    expect(leader.get_by_test_id("veto")).to_contain_text(accident.number)
    target = leader.get_by_test_id("target-form")
    expect(target.locator("select[name=region]")).to_have_value(aw.county.code)
    target.locator("select[name=year]").select_option(str(occurred.year))
    target.locator("input[name=max_accidents]").fill("5")
    target.locator("input[name=max_deaths]").fill("3")
    target.locator("input[name=note]").fill("海安委〔2026〕1号")
    submit(leader, target)
    expect(leader.locator(".alert-success")).to_contain_text(f"已下达海宁市{occurred.year}年控制指标。")
    progress = leader.get_by_test_id("progress")
    accidents_row = progress.locator("[data-testid$=-accidents]")
    deaths_row = progress.locator("[data-testid$=-deaths]")
    expect(accidents_row).to_contain_text("20.0%")
    expect(accidents_row.get_by_test_id("status")).to_have_text("正常")
    expect(deaths_row).to_contain_text("100.0%")
    expect(deaths_row.get_by_test_id("status")).to_have_text("达到指标")
    shot(leader, "4-targets")

    # The only errors were the refused submissions, answered 400 by design (the server's status and the console's
    # note of it), and the circular's download, which the browser reports as an aborted navigation.
    refused = [f"/accidents/{accident.pk}/investigation/penalty/", f"/accidents/{accident.pk}/investigation/close/",
               "/accidents/new/"]

    def expected(problem: str) -> bool:
        if "/accidents/statistics/circular.pdf?" in problem and problem.endswith("(net::ERR_ABORTED)"):
            return True
        return any(problem == f"HTTP 400: POST {url}" or (
            problem.startswith("console error: Failed to load resource: the server responded with a status of 400")
            and problem.endswith(f"{url}]")) for url in refused)

    found = [f"[{who}] {p}" for who, c in problems.items() for p in c.problems if not expected(p)]
    assert not found, "\n".join(found)
