"""The accident pages under odd input: every page URL with odd query strings, every POST handler with bad values
(field by field, on a form that is otherwise valid), ids of another accident's rows, unknown steps, users without
rights (403) and outside the scope (404).

What must hold everywhere: no response of 500 or more; a refused POST answers 400 with a Chinese error on the page
(or redirects with the reason) and writes nothing; an accepted one redirects, and what it stored is shown escaped.
Each POST runs in a savepoint that is rolled back, so one case never sees another's writes."""

import datetime
import re
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.db.models import Count, Max
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accidents import investigation as inv_services
from anjian.accidents.models import Accident, CorrectiveMeasure, TeamMember
from anjian.core.models import AuditEvent, Notification
from tests.accidents.conftest import report
from tests.accidents.test_investigation import EVIDENCE, PARTS, accident, near_miss, opened, replied, submitted, today

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
LONG = "长" * 6000
HUGE = str(10**20)
BEYOND_BIGINT = str(2**63)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CJK = re.compile(r"[\u4e00-\u9fff]")
MIN = datetime.timedelta(minutes=1)
GENERIC_HINT = "未能保存，请检查下方表单中标出的问题。"

# Odd values for query strings.
ODD_QUERY = ["abc", "NaN", "-1", "１２", "²", HUGE, "1.5", SCRIPT, "\x00", LONG, "", "2026-02-30"]
LEDGER_PARAMS = ["year", "month", "after", "enterprise", "region", "q", "kind", "state", "grade", "sector",
                 "accident_type", "source", "finding", "occurred_from", "occurred_to", "late", "suspected_unreported",
                 "needs_follow_up", "level_changed", "unit_was_unregistered", "listed", "cursor"]


# --- helpers ------------------------------------------------------------------------------------------------------


UPDATED = ("Accident", "Investigation", "TeamMember", "AppraisalPause", "CorrectiveMeasure", "InvestigationListing",
           "ControlTarget", "Hazard")


def snapshot() -> dict:
    """Every row the accident pages can write: the accident app, hazards tracked from measures, the audit chain and
    notifications — rows that a step may update in full, the others (only ever added) by count and last id."""
    models = [*apps.get_app_config("accidents").get_models(), *apps.get_app_config("hazards").get_models(),
              AuditEvent, Notification]
    out = {}
    for m in models:
        if m.__name__ in UPDATED:
            out[m.__name__] = list(m.objects.order_by("pk").values())
        else:
            out[m.__name__] = m.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return out


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def body(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def errors_shown(html: str) -> list[str]:
    """Field errors and danger alerts of a page (the generic hint does not count: it names no problem)."""
    feedback = re.findall(r'class="invalid-feedback[^"]*">(.*?)</div>', html, re.S)
    alerts = re.findall(r'class="alert alert-danger[^"]*" role="alert"[^>]*>(.*?)</div>', html, re.S)
    texts = [re.sub(r"<[^>]+>", " ", t).strip() for t in [*feedback, *alerts]]
    return [t for t in texts if t and GENERIC_HINT not in t]


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def minute_ago(**kw) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(**kw)).replace(second=0, microsecond=0)


def prefixed(prefix: str, data: dict) -> dict:
    return {f"{prefix}-{k}" if prefix else k: v for k, v in data.items()}


# --- the value families: (value, expected) where expected is "refuse", "accept" or None (only the invariants) -----

REFUSE, ACCEPT = "refuse", "accept"


def moment_cases(valid: str) -> list:
    moment = datetime.datetime.fromisoformat(valid)
    year, week, day = moment.isocalendar()
    return [
        (valid + ":30", ACCEPT),  # with seconds (without: the base)
        ("NaN", REFUSE), ("2026-02-30T10:00", REFUSE), ("0001-01-01T00:00", REFUSE), ("9999-12-31T23:59", REFUSE),
        (moment.date().isoformat(), REFUSE),  # a date alone is not midnight
        (f"{year}-W{week:02d}-{day}", REFUSE), (valid + "+05:00", REFUSE), (valid.translate(FULL_WIDTH), REFUSE),
        (valid + "\x00", REFUSE),
    ]


def date_cases(valid: str) -> list:
    day = datetime.date.fromisoformat(valid)
    year, week, weekday = day.isocalendar()
    return [
        ("NaN", REFUSE), ("2026-02-30", REFUSE), ("0001-01-01", REFUSE), (valid.translate(FULL_WIDTH), REFUSE),
        (f"{year}-W{week:02d}-{weekday}", REFUSE), (day.strftime("%Y%m%d"), REFUSE), (valid + "T10:00", REFUSE),
        ("9999-12-31", None),
    ]


COUNT_CASES = [(" 2 ", ACCEPT), ("abc", REFUSE), ("NaN", REFUSE), ("Infinity", REFUSE), ("１２", REFUSE),
               ("²", REFUSE), ("-1", REFUSE), (HUGE, REFUSE), ("1e5", REFUSE), ("1.5", REFUSE), ("+1", REFUSE)]
INT_CASES = [(v, e) for v, e in COUNT_CASES if e == REFUSE]
LOSS_CASES = [("12.5", ACCEPT), ("1,000", ACCEPT), ("abc", REFUSE), ("NaN", REFUSE), ("Infinity", REFUSE),
              ("-1", REFUSE), (HUGE, REFUSE), ("²", REFUSE), (LONG, REFUSE), ("１２", None), ("1e5", None)]
CHOICE_CASES = [("xyz", REFUSE), ("１２", REFUSE), (SCRIPT, REFUSE)]


def text_cases(max_length: int | None) -> list:
    return [("a\x00b", REFUSE), (SCRIPT, None), ("x" * 6000, REFUSE if max_length and max_length < 6000 else None)]


def cases_for(kind: str, valid: str, required) -> list:
    if kind == "moment":
        cases = moment_cases(valid)
    elif kind == "date":
        cases = date_cases(valid)
    elif kind == "count":
        cases = COUNT_CASES
    elif kind == "int":
        cases = INT_CASES
    elif kind == "loss":
        cases = LOSS_CASES
    elif kind == "choice":
        cases = CHOICE_CASES
    elif kind == "check":
        cases = [("", None), ("abc", None), ("\x00", None)]
    elif kind.startswith("text"):
        cases = text_cases(int(kind.split(":")[1]) if ":" in kind else None)
    else:
        raise AssertionError(kind)
    if required is True:
        cases = [*cases, ("", REFUSE), *([("   ", REFUSE)] if kind.startswith("text") else [])]
    elif required is False:
        cases = [*cases, ("", ACCEPT)]
    return cases


def check_post(client: Client, url: str, data: dict, *, expected=None, label="", before=None):
    """POST in a savepoint that is rolled back; the invariants of every POST, and ``expected`` when given.
    ``before``: the snapshot, when the caller has it (every POST is rolled back, so it stays the same)."""
    client.cookies.pop("messages", None)  # only this answer's messages
    with rolled_back():
        before = before if before is not None else snapshot()
        r = client.post(url, data)
        assert r.status_code < 500, label
        if r.status_code == 302 and any(m.level == messages.ERROR for m in get_messages(r.wsgi_request)):
            # refused with a redirect (the state does not allow the step): the reason, and nothing written
            assert expected != ACCEPT, f"refused: {label}: {messages_of(r)}"
            assert all(CJK.search(m) for m in messages_of(r)) and snapshot() == before, label
        elif r.status_code == 302:
            assert expected != REFUSE, f"accepted: {label}"
            assert any(CJK.search(m) for m in messages_of(r)), label
            if any(SCRIPT in str(v) for v in data.values()):
                page = client.get(r["Location"])
                assert page.status_code == 200 and SCRIPT not in body(page), label
        else:
            assert r.status_code == 400, label
            assert expected != ACCEPT, f"refused: {label}: {errors_shown(body(r))}"
            assert snapshot() == before, f"written on refusal: {label}"
            shown = errors_shown(body(r))
            assert shown and all(CJK.search(t) for t in shown), label
            assert SCRIPT not in body(r), label
    return r


def fuzz_form(client, url, prefix, base, spec):
    """Each field of ``spec`` (name → (kind, required)) with each value of its family, the rest as in ``base``;
    then each field left out. ``base`` itself must be accepted (so a refusal is the fuzzed field's)."""
    before = snapshot()
    check_post(client, url, prefixed(prefix, base), expected=ACCEPT, label=f"{url} base", before=before)
    for name, (kind, required) in spec.items():
        for value, expected in cases_for(kind, base.get(name, ""), required):
            check_post(client, url, prefixed(prefix, {**base, name: value}), expected=expected,
                       label=f"{url} {name}={value[:30]!r}", before=before)
        data = {k: v for k, v in base.items() if k != name}
        check_post(client, url, prefixed(prefix, data), expected=REFUSE if required else None,
                   label=f"{url} without {name}", before=before)


# --- GET with odd query strings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("param", LEDGER_PARAMS)
def test_ledger_and_export_with_odd_queries(aw, param):
    report(aw)
    c = aw.client("b1")
    for value in ODD_QUERY:
        label = f"{param}={value[:20]!r}"
        r = c.get(reverse("accidents:list"), {param: value})
        assert r.status_code == 200, label
        html = body(r)
        assert SCRIPT not in html, label
        if r.context["filter"].errors:
            assert "筛选条件有误" in html, label
        if value in ("abc", SCRIPT):
            partial = c.get(reverse("accidents:list"), {param: value}, HTTP_HX_REQUEST="true")
            assert partial.status_code == 200 and "<html" not in body(partial) and SCRIPT not in body(partial), label
        export = c.get(reverse("accidents:export"), {param: value})
        if export.status_code == 302:
            assert export["Location"] == reverse("accidents:list"), label
            assert "筛选条件有误，无法导出。" in messages_of(export), label
        else:
            assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"], label


@pytest.mark.parametrize("cursor", ["²", "١٢", "１２", HUGE, "-5", "1.5", "abc", "\x00"])
def test_ledger_cursor_garbage_is_the_first_page(aw, cursor):
    first = report(aw)
    c = aw.client("b1")
    for query in ({"after": cursor}, {"after": [str(first.pk + 1), cursor]}):
        r = c.get(reverse("accidents:list"), query)
        assert r.status_code == 200
        assert r.context["page"].is_first and [a.pk for a in r.context["page"].items] == [first.pk]


def test_ledger_repeated_and_conflicting_params(aw):
    mine = report(aw)
    c = aw.client("b1")
    r = c.get(reverse("accidents:list") + "?year=2025&year=abc&month=1&month=13&state=open&state=xyz")
    assert r.status_code == 200 and "筛选条件有误" in body(r) and not r.context["page"].items
    r = c.get(reverse("accidents:list"), {"state": ["open", "reported"], "kind": ["accident", "accident"]})
    assert r.status_code == 200 and [a.pk for a in r.context["page"].items] == [mine.pk]
    r = c.get(reverse("accidents:list"), {"region": SCRIPT})
    assert r.status_code == 200 and not r.context["page"].items and SCRIPT not in body(r)
    r = c.get(reverse("accidents:list"), {"enterprise": BEYOND_BIGINT})
    assert r.status_code == 200 and "筛选条件有误" in body(r)
    export = c.get(reverse("accidents:export"), {"enterprise": BEYOND_BIGINT})
    assert export.status_code == 302 and "筛选条件有误，无法导出。" in messages_of(export)


@pytest.mark.parametrize("value", ["²", "١", "１２", HUGE, BEYOND_BIGINT, "-1", "abc", SCRIPT, "\x00", ""])
def test_report_form_with_an_odd_enterprise(aw, value):
    r = aw.client("b1").get(reverse("accidents:new"), {"enterprise": value})
    assert r.status_code == 200 and SCRIPT not in body(r)
    assert r.context["form"].initial.get("enterprise") is None


def test_report_form_does_not_offer_an_enterprise_outside_the_scope(aw):
    html = body(aw.client("b1").get(reverse("accidents:new"), {"enterprise": aw.e3.pk}))
    assert aw.e3.name not in html and aw.e1.name in html


def test_case_page_ignores_odd_queries(aw):
    a = report(aw)
    c = aw.client("b1")
    for value in ODD_QUERY:
        r = c.get(reverse("accidents:detail", args=[a.pk]), {"step": value, "after": value, "year": value})
        assert r.status_code == 200 and SCRIPT not in body(r)


STATS_QUERIES = [
    {"year": "abc"}, {"year": "99999"}, {"year": HUGE}, {"year": "１２"}, {"year": "²"}, {"year": "-2025"},
    {"year": "NaN"}, {"year": "2025.0"}, {"year": "\x00"}, {"year": SCRIPT}, {"month": "13"}, {"month": "0"},
    {"month": "-1"}, {"month": "１"}, {"month": "NaN"}, {"by": "xyz"}, {"by": SCRIPT}, {"by": "\x00"},
    {"year": ["2025", "abc"]}, {"month": ["3", "13"]}, {"year": "1999", "month": "12"}, {"year": LONG},
]


@pytest.mark.parametrize("query", STATS_QUERIES, ids=lambda q: repr(q)[:40])
def test_statistics_with_odd_queries(aw, query):
    c = aw.client("b1")
    r = c.get(reverse("accidents:statistics"), query)
    assert r.status_code == 400 and 'data-testid="period-error"' in body(r) and SCRIPT not in body(r)
    assert CJK.search(r.context["error"])
    partial = c.get(reverse("accidents:statistics"), query, HTTP_HX_REQUEST="true")
    assert partial.status_code == 400 and "<html" not in body(partial)


@pytest.mark.parametrize("name", ["accidents:circular_pdf", "accidents:circular_xlsx"])
@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": HUGE}, {"year": "１２"}, {"month": "13"},
                                   {"month": ["3", "0"]}, {"year": "1999", "month": "1"}, {"year": "\x00"}],
                         ids=lambda q: repr(q)[:30])
def test_circular_with_odd_queries_redirects_with_the_reason(aw, name, query):
    c = aw.client("b1")
    r = c.get(reverse(name), query)
    assert r.status_code == 302 and r["Location"] == reverse("accidents:statistics")
    assert any(CJK.search(m) for m in messages_of(r))


def test_circular_of_a_month_to_come_is_refused_and_a_past_one_downloads(aw):
    c = aw.client("b1")
    r = c.get(reverse("accidents:circular_xlsx"), {"year": today().year + 1, "month": 1})
    assert r.status_code == 302 and any(CJK.search(m) for m in messages_of(r))
    r = c.get(reverse("accidents:circular_xlsx"), {"year": "2020", "month": "2", "by": SCRIPT, "junk": "x"})
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]


@pytest.mark.parametrize("value", ["abc", "99999", HUGE, "１２", "²", "NaN", "\x00", SCRIPT, "1999",
                                   str(today().year + 2)])
def test_targets_with_an_odd_year(aw, value):
    r = aw.client("leader").get(reverse("accidents:targets"), {"year": value})
    assert r.status_code == 400 and 'data-testid="year-error"' in body(r) and SCRIPT not in body(r)
    assert r.context["year"] == today().year


# --- ids out of range, unknown steps, methods ---------------------------------------------------------------------


def accident_urls(a, member_id=1, measure_id=1) -> list[tuple[str, str]]:
    """(method, url) of every page of one case."""
    urls = [("get", reverse("accidents:detail", args=[a.pk]))]
    urls += [("post", reverse(f"accidents:{name}", args=[a.pk]))
             for name in ("unit_learned", "transmit", "notice", "supplement", "finding")]
    urls += [("post", reverse("accidents:investigation_step", args=[a.pk, step]))
             for step in ("open", "member", "extend", "appraisal_start", "appraisal_end", "report", "submit", "reply",
                          "publish", "penalty", "measure", "listing", "lift", "close")]
    urls.append(("post", reverse("accidents:investigation_member_remove", args=[a.pk, member_id])))
    urls.append(("post", reverse("accidents:investigation_measure_complete", args=[a.pk, measure_id])))
    return urls


@pytest.mark.parametrize("pk", ["0", "99999", BEYOND_BIGINT, HUGE, "9" * 40])
def test_ids_out_of_range_are_404(aw, pk):
    a, _inv = opened(aw)
    c = aw.client("b1")
    before = snapshot()
    for method, url in accident_urls(Accident(pk=int(pk))):
        assert getattr(c, method)(url, {}).status_code == 404, url
    for url in (reverse("accidents:investigation_member_remove", args=[a.pk, int(pk)]),
                reverse("accidents:investigation_measure_complete", args=[a.pk, int(pk)])):
        assert c.post(url, {}).status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("step", ["nonsense", "measure1", "OPEN", "open_", "delete", "step", "measure-complete"])
def test_unknown_steps_are_404_and_write_nothing(aw, step):
    a, _inv = opened(aw)
    c = aw.client("b1")  # (a login writes its own audit event)
    before = snapshot()
    r = c.post(reverse("accidents:investigation_step", args=[a.pk, step]), {"open-team_name": "组"})
    assert r.status_code == 404 and snapshot() == before


def test_paths_that_are_no_step_are_404(aw):
    a = report(aw)
    c = aw.client("b1")
    for path in (f"/accidents/{a.pk}/nonsense/", f"/accidents/{a.pk}/investigation/", f"/accidents/{a.pk}/close/",
                 f"/accidents/{a.pk}/investigation/%E5%BC%80/", f"/accidents/-{a.pk}/", f"/accidents/{a.pk}abc/",
                 f"/accidents/{'１'}/"):
        assert c.post(path, {}).status_code == 404, path
        assert c.get(path).status_code == 404, path


def test_post_handlers_refuse_get(aw):
    a = report(aw)
    c = aw.client("b1")
    for method, url in accident_urls(a):
        if method == "post":
            assert c.get(url).status_code == 405, url
    assert c.get(reverse("accidents:target_set")).status_code == 405
    for name in ("accidents:statistics", "accidents:circular_pdf", "accidents:circular_xlsx", "accidents:targets"):
        assert c.post(reverse(name), {}).status_code == 405, name


def test_every_page_requires_login(aw):
    a = report(aw)
    anonymous = Client()
    urls = [("get", reverse(n)) for n in ("accidents:list", "accidents:export", "accidents:new",
                                          "accidents:statistics", "accidents:circular_pdf", "accidents:circular_xlsx",
                                          "accidents:targets")]
    urls += [("post", reverse("accidents:target_set")), *accident_urls(a)]
    before = snapshot()
    for method, url in urls:
        r = getattr(anonymous, method)(url, {})
        assert r.status_code == 302 and "login" in r["Location"], url
    assert snapshot() == before


# --- the reporting steps ------------------------------------------------------------------------------------------


@pytest.fixture
def fresh(aw):
    """An accident six hours ago, received by the county after 30 minutes, the unit's receipt not yet known."""
    occurred = minute_ago(hours=6)
    a = report(aw, occurred_at=occurred, unit_learned_at=None, county_received_at=occurred + 30 * MIN)
    return a, occurred


REPORTING_STEPS = {
    "unit_learned": ("unit-learned", lambda o: {"unit_learned_at": local(o + 5 * MIN)},
                     {"unit_learned_at": ("moment", True)}),
    "transmit": ("transmit", lambda o: {"step": "county_to_city", "sent_at": local(o + 60 * MIN),
                                        "received_at": local(o + 30 * MIN), "recipient": "嘉兴市应急管理局",
                                        "sender_name": "张三", "note": "电话报告"},
                 {"step": ("choice", True), "sent_at": ("moment", True), "received_at": ("moment", False),
                  "recipient": ("text:100", False), "sender_name": ("text:100", False), "note": ("text", False)}),
    "notice": ("notice", lambda o: {"level": "county", "party": "trade_union", "notified_at": local(o + 60 * MIN),
                                    "note": "电话通知"},
               {"level": ("choice", True), "party": ("choice", True), "notified_at": ("moment", True),
                "note": ("text:200", False)}),
    "supplement": ("supplement", lambda o: {"reported_at": local(o + 120 * MIN), "deaths": "1", "missing": "0",
                                            "serious_injuries": "0", "minor_injuries": "2", "direct_loss": "120",
                                            "direct_loss_unit": "wan_yuan", "note": "一名伤员经抢救无效死亡"},
                   {"reported_at": ("moment", False), "deaths": ("count", False), "missing": ("count", False),
                    "serious_injuries": ("count", False), "minor_injuries": ("count", False),
                    "direct_loss": ("loss", True), "direct_loss_unit": ("choice", True), "note": ("text", True)}),
    "finding": ("finding", lambda o: {"finding": "late", "note": "单位迟报"},
                {"finding": ("choice", True), "note": ("text", True)}),
}


@pytest.mark.parametrize("step", list(REPORTING_STEPS))
def test_reporting_steps_with_bad_values(aw, fresh, step):
    a, occurred = fresh
    path, base, spec = REPORTING_STEPS[step]
    fuzz_form(aw.client("b1"), f"/accidents/{a.pk}/{path}/", step, base(occurred), spec)


def report_form_base(aw, occurred) -> dict:
    return {
        "enterprise": str(aw.e1.pk), "kind": "accident", "accident_type": "04", "sector": "textile",
        "supplement_kind": "general", "occurred_at": local(occurred), "place": "二号车间", "deaths": "0",
        "missing": "0", "serious_injuries": "1", "minor_injuries": "0", "direct_loss": "35",
        "direct_loss_unit": "wan_yuan", "account": "叉车倒车时撞伤一名工人。", "measures_taken": "送医。",
        "reporter_name": "赵主任", "reporter_phone": "13900000000", "unit_learned_at": local(occurred + 5 * MIN),
        "source": "unit", "county_received_at": local(occurred + 30 * MIN),
    }


REPORT_SPEC = {
    "enterprise": ("choice", False), "kind": ("choice", True), "accident_type": ("choice", True),
    "sector": ("choice", True), "supplement_kind": ("choice", False), "occurred_at": ("moment", True),
    "place": ("text:200", True), "deaths": ("count", False), "missing": ("count", False),
    "serious_injuries": ("count", False), "minor_injuries": ("count", False), "direct_loss": ("loss", True),
    "direct_loss_unit": ("choice", True), "account": ("text", True), "measures_taken": ("text", False),
    "reporter_name": ("text:50", True), "reporter_phone": ("text:30", False), "unit_learned_at": ("moment", False),
    "source": ("choice", True), "county_received_at": ("moment", True),
}


def test_first_report_by_an_officer_with_bad_values(aw):
    occurred = minute_ago(hours=2)
    base = report_form_base(aw, occurred)
    spec = dict(REPORT_SPEC)
    spec["enterprise"] = ("choice", None)  # none: the unregistered-unit fields are then required
    fuzz_form(aw.client("b1"), reverse("accidents:new"), "", base, spec)


def test_first_report_by_an_enterprise_with_bad_values(aw):
    """The same form without the officer's fields: the unit is required, and one field of each kind."""
    occurred = minute_ago(hours=2)
    base = {k: v for k, v in report_form_base(aw, occurred).items() if k not in ("source", "county_received_at")}
    spec = {k: REPORT_SPEC[k] for k in ("occurred_at", "deaths", "direct_loss", "place")}
    spec["enterprise"] = ("choice", True)
    fuzz_form(aw.client("e1"), reverse("accidents:new"), "", base, spec)


@pytest.mark.parametrize(("key", "enterprise"), [("b1", "e3"), ("e1", "e2"), ("d1", "e1"), ("t1", "e2")])
def test_first_report_for_a_unit_outside_the_scope_is_refused(aw, key, enterprise):
    base = report_form_base(aw, minute_ago(hours=2))
    base["enterprise"] = str(getattr(aw, enterprise).pk)
    base["sector"] = "construction" if key == "d1" else "textile"
    r = check_post(aw.client(key), reverse("accidents:new"), base, expected=REFUSE, label=key)
    assert "选择一个有效的选项" in " ".join(errors_shown(body(r)))


def test_datetime_local_with_and_without_seconds_is_stored_as_given(aw, fresh):
    a, occurred = fresh
    c = aw.client("b1")
    r = c.post(f"/accidents/{a.pk}/transmit/", {"transmit-step": "county_to_city",
                                                "transmit-sent_at": local(occurred + 60 * MIN) + ":45"})
    assert r.status_code == 302
    row = a.transmissions.get()
    assert timezone.localtime(row.sent_at).replace(tzinfo=None) == (
        timezone.localtime(occurred + 60 * MIN).replace(tzinfo=None) + datetime.timedelta(seconds=45))
    r = c.post(f"/accidents/{a.pk}/notice/", {"notice-level": "county", "notice-party": "trade_union",
                                              "notice-notified_at": local(occurred + 61 * MIN)})
    assert r.status_code == 302 and a.notices.get().notified_at == occurred + 61 * MIN


def test_a_date_alone_is_not_taken_as_midnight(aw, fresh):
    """A typed date without a time would silently become 00:00 and move the reporting clock."""
    a, occurred = fresh
    r = check_post(aw.client("b1"), f"/accidents/{a.pk}/unit-learned/",
                   {"unit_learned-unit_learned_at": timezone.localtime(occurred).date().isoformat()}, expected=REFUSE)
    assert "单位负责人接到报告时间：" not in body(r)  # shown on the field itself
    assert "输入一个有效的日期/时间。" in errors_shown(body(r))


def test_full_width_digits_are_refused_as_the_api_refuses_them(aw, fresh):
    a, occurred = fresh
    data = prefixed("supplement", {**REPORTING_STEPS["supplement"][1](occurred), "deaths": "２"})
    r = check_post(aw.client("b1"), f"/accidents/{a.pk}/supplement/", data, expected=REFUSE)
    assert "输入整数。" in errors_shown(body(r))
    a.refresh_from_db()
    assert a.deaths == 1


# --- a step the case no longer allows -----------------------------------------------------------------------------


def closed_near_miss(aw) -> Accident:
    a = near_miss(aw)
    inv_services.close_accident(actor=aw.user["b1"], accident=a, evidence={}, note="已结案")
    return Accident.objects.get(pk=a.pk)


@pytest.mark.parametrize("valid", [True, False])
@pytest.mark.parametrize("path", ["unit-learned", "transmit", "notice", "supplement"])
def test_a_reporting_step_on_a_closed_case_redirects_with_the_reason(aw, path, valid):
    a = closed_near_miss(aw)
    step = path.replace("-", "_")
    data = REPORTING_STEPS[step][1](timezone.localtime(a.occurred_at).replace(second=0, microsecond=0))
    if not valid:
        data = {k: "abc" for k in data}
    c = aw.client("b1")
    with rolled_back():
        before = snapshot()
        r = c.post(f"/accidents/{a.pk}/{path}/", prefixed(step, data))
        assert r.status_code == 302 and r["Location"] == reverse("accidents:detail", args=[a.pk])
        assert any("事故当前状态为「已结案」" in m for m in messages_of(r))
        assert snapshot() == before


INV_STALE = [  # (step, data) posted to a case in 调查中 that the step does not apply to
    ("reply", {"replied_on": "abc"}), ("publish", {"published_on": "2026-02-30"}), ("penalty", {"target": "xyz"}),
    ("close", {"note": ""}), ("open", {"team_name": ""}),
]


@pytest.mark.parametrize(("step", "data"), INV_STALE, ids=[s for s, _d in INV_STALE])
def test_bad_input_to_an_investigation_step_the_state_does_not_allow(aw, step, data):
    a, _inv = opened(aw)
    c = aw.client("b1")
    with rolled_back():
        before = snapshot()
        r = c.post(reverse("accidents:investigation_step", args=[a.pk, step]), prefixed(step, data))
        assert r.status_code == 302 and r["Location"].startswith(reverse("accidents:detail", args=[a.pk]))
        assert any("事故当前状态为「调查中」" in m for m in messages_of(r)), messages_of(r)
        assert snapshot() == before


def test_bad_input_to_a_step_no_longer_offered_shows_its_errors_as_messages(aw):
    """Extended once already: the extension form is gone, but the answer to a bad POST still names the problem."""
    a, _inv = opened(aw)
    inv_services.extend_investigation(actor=aw.user["b1"], accident=a, days=10, reason="鉴定", approved_by="海宁市政府")
    c = aw.client("b1")
    with rolled_back():
        before = snapshot()
        r = c.post(reverse("accidents:investigation_step", args=[a.pk, "extend"]), {"extend-days": "abc"})
        assert r.status_code == 400 and 'data-testid="inv-step-extend"' not in body(r)
        assert "延长天数：输入整数。" in errors_shown(body(r))
        assert snapshot() == before


# --- the investigation steps --------------------------------------------------------------------------------------


def _inv_url(a, step):
    return reverse("accidents:investigation_step", args=[a.pk, step])


def _paused(aw):
    a, _inv = opened(aw)
    inv_services.start_appraisal(actor=aw.user["b1"], accident=a, reason="技术鉴定", started_on=today())
    return a


def _ready_to_submit(aw):
    a, _inv = opened(aw)
    inv_services.save_report(actor=aw.user["b1"], accident=a, parts=PARTS)
    return a


def _closable(aw):
    a, _inv = replied(aw)
    inv_services.record_penalty(actor=aw.user["b1"], accident=a, target="unit", person_name="企业1", measure="fine",
                                amount_yuan=500_000, document_number="海应急罚〔2026〕1号", decided_on=today())
    return Accident.objects.get(pk=a.pk)


def _listed(aw):
    a, _inv = submitted(aw)
    inv_services.list_investigation(actor=aw.user["city"], accident=a, document_number="嘉安督〔2026〕1号",
                                    deadline=today(), requirements="按期完成调查")
    return a


T = today().isoformat
INV_STEPS = {
    "open": ("b1", accident, lambda: {"team_name": "调查组", "formed_on": T(), "leader_name": "王组长",
                                      "leader_organisation": "海宁市应急管理局", "leader_position": "副局长"},
             {"team_name": ("text:200", True), "formed_on": ("date", None), "leader_name": ("text:50", None),
              "leader_organisation": ("text:100", None), "leader_position": ("text:100", False)}),
    "open_entrusted": ("b1", lambda aw: accident(aw, deaths=0, minor_injuries=0),
                       lambda: {"team_name": "调查组", "formed_on": T(), "entrusted_to_unit": "on"},
                       {"entrusted_to_unit": ("check", None), "formed_on": ("date", None)}),
    "member": ("b1", lambda aw: opened(aw)[0],
               lambda: {"role": "member", "name": "李四", "organisation": "海宁市公安局", "position": "科长"},
               {"role": ("choice", True), "name": ("text:50", True), "organisation": ("text:100", None),
                "position": ("text:100", False)}),
    "extend": ("b1", lambda aw: opened(aw)[0],
               lambda: {"days": "30", "reason": "技术鉴定", "approved_by": "海宁市政府"},
               {"days": ("int", True), "reason": ("text", True), "approved_by": ("text:100", True)}),
    "appraisal_start": ("b1", lambda aw: opened(aw)[0], lambda: {"reason": "设备鉴定", "started_on": T()},
                        {"reason": ("text:200", True), "started_on": ("date", None)}),
    "appraisal_end": ("b1", _paused, lambda: {"ended_on": T()}, {"ended_on": ("date", None)}),
    "report": ("b1", lambda aw: opened(aw)[0], lambda: dict(PARTS),
               {part: ("text", None) for part in PARTS}),
    "submit": ("b1", _ready_to_submit, lambda: {"submitted_on": T()}, {"submitted_on": ("date", None)}),
    "reply": ("b1", lambda aw: submitted(aw)[0],
              lambda: {"document": "海政复〔2026〕1号", "authority": "海宁市人民政府", "replied_on": T(),
                       "summary": "同意"},
              {"document": ("text:100", True), "authority": ("text:100", True), "replied_on": ("date", None),
               "summary": ("text", False)}),
    "publish": ("b1", lambda aw: replied(aw)[0], lambda: {"published_on": T(), "publication": "海宁市政府网站"},
                {"published_on": ("date", None), "publication": ("text:300", True)}),
    "penalty": ("b1", lambda aw: replied(aw)[0],
                lambda: {"target": "unit", "person_name": "企业1", "measure": "fine", "amount_yuan": "300000",
                         "document_number": "海应急罚〔2026〕1号", "decided_on": T(), "note": "依法处罚"},
                {"target": ("choice", True), "person_name": ("text:200", True), "measure": ("choice", True),
                 "amount_yuan": ("int", None), "document_number": ("text:100", False), "decided_on": ("date", False),
                 "note": ("text", False)}),
    "penalty_principal": ("b1", lambda aw: replied(aw)[0],
                          lambda: {"target": "principal", "person_name": "张三", "measure": "fine",
                                   "amount_yuan": "40000", "last_year_income_yuan": "100000"},
                          {"amount_yuan": ("int", None), "last_year_income_yuan": ("int", True)}),
    "measure": ("b1", lambda aw: replied(aw)[0],
                lambda: {"description": "加装联锁", "responsible": "企业1", "deadline": T(), "category": "management"},
                {"description": ("text", True), "responsible": ("text:100", True), "deadline": ("date", False),
                 "category": ("choice", None)}),
    "measure_hazard": ("b1", lambda aw: replied(aw)[0],
                       lambda: {"description": "加装联锁", "responsible": "企业1", "deadline": T(), "as_hazard": "on",
                                "category": "equipment"},
                       {"as_hazard": ("check", None), "category": ("choice", None)}),
    "listing": ("city", lambda aw: submitted(aw)[0],
                lambda: {"document_number": "嘉安督〔2026〕1号", "deadline": T(), "requirements": "按期完成"},
                {"document_number": ("text:100", True), "deadline": ("date", True), "requirements": ("text", False)}),
    "lift": ("city", _listed, lambda: {"lift_document": "嘉安摘〔2026〕1号"}, {"lift_document": ("text:100", True)}),
    "close": ("b1", _closable, lambda: dict(EVIDENCE, note="结案"),
              {**{code: ("text", True) for code in EVIDENCE}, "note": ("text", False)}),
    "close_near_miss": ("b1", near_miss, lambda: {"note": "结案"}, {"note": ("text", True)}),
}


@pytest.mark.parametrize("name", list(INV_STEPS))
def test_investigation_steps_with_bad_values(aw, name):
    key, make, base, spec = INV_STEPS[name]
    step = name.split("_")[0] if name not in ("appraisal_start", "appraisal_end") else name
    a = make(aw)
    fuzz_form(aw.client(key), _inv_url(a, step), step, base(), spec)


def test_measure_completion_with_bad_values(aw):
    a, _inv = replied(aw)
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="加装联锁", responsible="企业1",
                                 deadline=today(), as_hazard=False, category="management")
    url = reverse("accidents:investigation_measure_complete", args=[a.pk, m.pk])
    fuzz_form(aw.client("b1"), url, f"measure{m.pk}", {"done_on": T(), "note": "已落实"},
              {"done_on": ("date", None), "note": ("text:5000", True)})


# --- another accident's rows --------------------------------------------------------------------------------------


def test_removing_a_member_of_another_accident_is_404(aw):
    mine, _inv = opened(aw)
    other, other_inv = opened(aw)
    theirs = other_inv.members.get()
    c = aw.client("b1")
    before = snapshot()
    r = c.post(reverse("accidents:investigation_member_remove", args=[mine.pk, theirs.pk]))
    assert r.status_code == 404
    assert snapshot() == before and TeamMember.objects.filter(pk=theirs.pk).exists()
    # outside the scope: the other county's member, through a case of one's own
    far = report(aw, key="b2", enterprise=aw.e3)
    far_inv = inv_services.open_investigation(
        actor=aw.user["b2"], accident=far, team_name="组", formed_on=today(),
        members=[{"role": "leader", "name": "赵", "organisation": "平湖市应急管理局", "position": ""}],
    )
    far_member = far_inv.members.get()
    before = snapshot()
    assert c.post(reverse("accidents:investigation_member_remove", args=[mine.pk, far_member.pk])).status_code == 404
    assert c.post(reverse("accidents:investigation_member_remove", args=[far.pk, far_member.pk])).status_code == 404
    assert snapshot() == before and TeamMember.objects.filter(pk=far_member.pk).exists()
    # its own member, for contrast
    r = c.post(reverse("accidents:investigation_member_remove", args=[other.pk, theirs.pk]))
    assert r.status_code == 302 and not TeamMember.objects.filter(pk=theirs.pk).exists()


def test_completing_a_measure_of_another_accident_is_404(aw):
    mine, _ = replied(aw)
    other, _ = replied(aw)
    theirs = inv_services.add_measure(actor=aw.user["b1"], accident=other, description="整改", responsible="企业1",
                                      deadline=today(), as_hazard=False, category="management")
    c = aw.client("b1")
    data = {f"measure{theirs.pk}-done_on": T(), f"measure{theirs.pk}-note": "已落实"}
    before = snapshot()
    r = c.post(reverse("accidents:investigation_measure_complete", args=[mine.pk, theirs.pk]), data)
    assert r.status_code == 404 and snapshot() == before
    theirs.refresh_from_db()
    assert theirs.state == "open" and theirs.done_on is None
    r = c.post(reverse("accidents:investigation_measure_complete", args=[other.pk, theirs.pk]), data)
    assert r.status_code == 302
    assert CorrectiveMeasure.objects.get(pk=theirs.pk).state == "done"


# --- scope and rights ---------------------------------------------------------------------------------------------


@pytest.fixture
def case_with_rows(aw):
    """A replied case at e1 (textile, 硖石街道, 硖石一网格) with a member and a measure."""
    a, inv = replied(aw)
    m = inv_services.add_measure(actor=aw.user["b1"], accident=a, description="整改", responsible="企业1",
                                 deadline=today(), as_hazard=False, category="management")
    return a, inv.members.get(), m


@pytest.mark.parametrize("key", ["b2", "d1", "t2", "g2", "e2", "sys", "sec", "aud"])
def test_outside_the_scope_every_case_url_is_404(aw, case_with_rows, key):
    a, member, measure = case_with_rows
    c = aw.client(key)
    before = snapshot()
    for method, url in accident_urls(a, member.pk, measure.pk):
        assert getattr(c, method)(url, {"transmit-step": "county_to_city"}).status_code == 404, (key, url)
    assert snapshot() == before
    ledger = c.get(reverse("accidents:list"))
    assert ledger.status_code in (200, 403) and a.number not in body(ledger)


@pytest.mark.parametrize("key", ["t1", "g1", "x1", "e1", "e1m", "e1w"])
def test_in_scope_without_rights_the_investigation_posts_are_403(aw, case_with_rows, key):
    a, member, measure = case_with_rows
    c = aw.client(key)
    assert c.get(reverse("accidents:detail", args=[a.pk])).status_code == 200
    before = snapshot()
    for _method, url in accident_urls(a, member.pk, measure.pk):
        if "/investigation/" in url:
            assert c.post(url, {}).status_code == 403, (key, url)
    for path in ("transmit", "notice", "finding", "unit-learned"):
        assert c.post(f"/accidents/{a.pk}/{path}/", {}).status_code == 403, (key, path)
    assert snapshot() == before


@pytest.mark.parametrize("key", ["e1", "e1m", "e1w", "e2", "g1", "x1", "sys"])
def test_statistics_and_targets_are_403_for_those_outside_supervision(aw, key):
    c = aw.client(key)
    for name in ("accidents:statistics", "accidents:circular_pdf", "accidents:circular_xlsx", "accidents:targets"):
        for query in ({}, {"year": "abc", "month": "13"}, {"year": HUGE}):
            assert c.get(reverse(name), query).status_code == 403, (key, name, query)
    before = snapshot()
    r = c.post(reverse("accidents:target_set"), {"region": aw.county.code, "year": today().year, "max_deaths": "1"})
    assert r.status_code == 403 and snapshot() == before


@pytest.mark.parametrize("key", ["b1", "d1", "t1", "city"])
def test_only_leaders_set_targets(aw, key):
    c = aw.client(key)
    before = snapshot()
    r = c.post(reverse("accidents:target_set"), {"region": aw.county.code, "year": today().year, "max_deaths": "1"})
    assert r.status_code == 403 and snapshot() == before


def test_target_form_with_bad_values(aw):
    base = {"region": aw.county.code, "year": str(today().year), "sector": "", "max_accidents": "3",
            "max_deaths": "1", "note": "海安委〔2026〕1号"}
    spec = {"region": ("choice", True), "year": ("choice", True), "sector": ("choice", False),
            "max_accidents": ("int", None), "max_deaths": ("int", None), "note": ("text:200", False)}
    fuzz_form(aw.client("leader"), reverse("accidents:target_set"), "", base, spec)
    for region in (aw.county2.code, aw.t3.code, "330000", "33048100100"):  # another county, above, a village code
        check_post(aw.client("leader"), reverse("accidents:target_set"), {**base, "region": region},
                   expected=REFUSE, label=region)
    for year in (today().year - 2, today().year + 2):
        check_post(aw.client("leader"), reverse("accidents:target_set"), {**base, "year": str(year)},
                   expected=REFUSE, label=str(year))
