"""办案程序时限 — clocks, simple procedure, hearing rights, late surcharge; citations against the statute mirror.

No database. The citation checks parse the mirrored statutes and are skipped when a file is absent.
"""

import dataclasses
import datetime

import pytest

from anjian.rules import procedure, workdays
from anjian.rules.procedure import (
    CLOCKS,
    LARGE_FINE_THRESHOLDS,
    MEASURES,
    MIN_INSPECTORS,
    MIN_INSPECTORS_RULE,
    MIRRORED_LAWS,
    SIMPLE_PROCEDURE_LIMITS,
    clock,
    due,
    hearing_right,
    inspectors_sufficient,
    large_fine_thresholds,
    late_surcharge,
    simple_procedure_allowed,
)
from tests.rules.statute_mirror import assert_cited_articles_exist, assert_quotes_in_mirror, citations, cn, load_mirror

D = datetime.date
DT = datetime.datetime

REQUIRED_CODES = {
    "hearing_request",
    "hearing_notice",
    "decision_deadline",
    "decision_service",
    "fine_payment",
    "statement_period",
    "seizure_period",
    "seizure_extension",
    "power_cut_notice",
    "limitation",
    "limitation_extended",
    "review_application",
    "litigation",
}

# --- the table -------------------------------------------------------------------------------------------------


def test_codes_unique_ascii_and_required_present():
    codes = [c.code for c in CLOCKS]
    assert len(codes) == len(set(codes))
    assert all(c.isascii() for c in codes)
    assert REQUIRED_CODES <= set(codes)


@pytest.mark.parametrize(
    ("code", "amount", "unit", "anchor", "direction", "status"),
    [
        ("hearing_request", 5, "working_day", "notice_served", "after", "VERIFIED-PRIMARY"),
        ("hearing_notice", 7, "working_day", "hearing_date", "before", "VERIFIED-PRIMARY"),
        ("decision_deadline", 90, "calendar_day", "case_opened", "after", "VERIFIED-PRIMARY"),
        ("decision_service", 7, "working_day", "decision_announced", "after", "VERIFIED-PRIMARY"),
        ("fine_payment", 15, "calendar_day", "decision_received", "after", "VERIFIED-PRIMARY"),
        ("statement_period", 3, "working_day", "notice_served", "after", "UNVERIFIED"),
        ("seizure_period", 30, "calendar_day", "seizure_started", "after", "VERIFIED-PRIMARY"),
        ("seizure_extension", 30, "calendar_day", "seizure_period_ended", "after", "VERIFIED-PRIMARY"),
        ("power_cut_notice", 24, "hour", "power_cut", "before", "VERIFIED-PRIMARY"),
        ("limitation", 2, "year", "violation_ended", "after", "VERIFIED-PRIMARY"),
        ("limitation_extended", 5, "year", "violation_ended", "after", "VERIFIED-PRIMARY"),
        ("review_application", 60, "calendar_day", "decision_received", "after", "VERIFIED-SECONDARY"),
        ("litigation", 6, "month", "decision_received", "after", "VERIFIED-SECONDARY"),
    ],
)
def test_rows(code, amount, unit, anchor, direction, status):
    c = clock(code)
    assert (c.amount, c.unit, c.anchor, c.direction, c.status) == (amount, unit, anchor, direction, status)
    assert c.note and c.title and c.source


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("hearing_request", "第六十四条第（一）项、第八十五条"),
        ("hearing_notice", "第六十四条第（二）项"),
        ("decision_deadline", "第六十条"),
        ("decision_service", "第六十一条"),
        ("fine_payment", "第六十七条第三款"),
        ("seizure_period", "第二十五条"),
        ("power_cut_notice", "第七十条第二款"),
        ("limitation", "第三十六条"),
        ("litigation", "第四十六条"),
        ("review_application", "第二十条"),
    ],
)
def test_sources_name_the_article(code, article):
    assert article in clock(code).source


def test_unknown_clock():
    with pytest.raises(KeyError):
        clock("hearing")
    with pytest.raises(KeyError):
        due("nope", D(2024, 1, 1))


def test_statement_period_is_unverified_and_configurable():
    c = clock("statement_period")
    assert c.status == "UNVERIFIED" and c.configurable
    assert "未核实" in c.note and "amount" in c.note
    assert "安全生产违法行为行政处罚办法" in c.source


def test_notes_carry_the_reservations():
    assert "法律、法规、规章另有规定的，从其规定" in clock("decision_deadline").note
    assert "负责人批准" in clock("seizure_extension").note
    assert "紧急情形" in clock("power_cut_notice").note
    assert "涉及公民生命健康安全、金融安全且有危害后果的" in clock("limitation_extended").note


def test_effective_dates():
    assert clock("hearing_request").effective_from == D(2021, 7, 15)
    assert clock("seizure_period").effective_from == D(2012, 1, 1)
    assert clock("review_application").effective_from == D(2024, 1, 1)
    assert clock("hearing_request").in_force(D(2021, 7, 15))
    assert not clock("hearing_request").in_force(D(2021, 7, 14))
    assert clock("hearing_request") not in procedure.in_force(D(2021, 1, 1))
    assert set(procedure.in_force(D(2024, 6, 1))) == set(CLOCKS)


def test_text():
    assert clock("hearing_request").text == "当事人要求听证：自行政处罚告知书送达之日起5个工作日内"
    assert clock("hearing_notice").text == "通知听证时间、地点：举行听证之日前至少7个工作日"
    assert clock("litigation").period_text() == "6个月"


@pytest.mark.parametrize(
    "change",
    [
        {"code": "hearing_notice"},  # duplicate
        {"amount": 0},
        {"unit": "week"},
        {"anchor": "someday"},
        {"status": "VERIFIED"},
        {"amount": 15},  # 行政处罚法: a working-day period must be 二、三、五、七日
        {"source": "《某某规定》第三条"},  # PRIMARY must cite a mirrored law
        {"effective_to": D(2020, 1, 1)},
    ],
)
def test_malformed_table_raises(change):
    bad = dataclasses.replace(clock("hearing_request"), **change)
    with pytest.raises(ValueError):
        procedure._check_clocks((clock("hearing_notice"), bad))


def test_seizure_row_must_follow_article_69():
    bad = dataclasses.replace(clock("seizure_period"), unit="working_day")
    with pytest.raises(ValueError):
        procedure._check_clocks((bad,))


# --- due dates ----------------------------------------------------------------------------------------------------

DUE_CASES = [
    # code, anchor, expected
    ("hearing_request", D(2024, 9, 27), D(2024, 10, 10)),  # Friday before National Day; Sunday 9-29 is a workday
    ("hearing_request", D(2026, 2, 27), D(2026, 3, 5)),  # across the 调休 Saturday 2026-02-28
    ("hearing_request", D(2024, 3, 15), D(2024, 3, 22)),  # ordinary week
    ("hearing_notice", D(2024, 10, 10), D(2024, 9, 25)),
    ("hearing_notice", D(2026, 3, 5), D(2026, 2, 25)),
    ("statement_period", D(2024, 9, 27), D(2024, 10, 8)),
    ("decision_deadline", D(2024, 11, 15), D(2025, 2, 13)),  # across month and year ends
    ("decision_deadline", D(2023, 12, 1), D(2024, 2, 29)),  # leap day
    ("decision_service", D(2025, 9, 30), D(2025, 10, 16)),  # National Day 2025 + Saturday make-up 10-11
    ("fine_payment", D(2024, 1, 20), D(2024, 2, 4)),
    ("fine_payment", D(2025, 1, 20), D(2025, 2, 4)),  # calendar days: ends inside the Spring Festival
    ("seizure_period", D(2024, 1, 31), D(2024, 3, 1)),
    ("seizure_extension", D(2024, 3, 1), D(2024, 3, 31)),
    ("limitation", D(2024, 2, 29), D(2026, 2, 28)),  # clamped
    ("limitation", D(2022, 8, 1), D(2024, 8, 1)),
    ("limitation_extended", D(2024, 2, 29), D(2029, 2, 28)),
    ("limitation_extended", D(2021, 8, 1), D(2026, 8, 1)),
    ("review_application", D(2024, 3, 1), D(2024, 4, 30)),
    ("litigation", D(2024, 8, 31), D(2025, 2, 28)),
    ("litigation", D(2023, 8, 31), D(2024, 2, 29)),
    ("litigation", D(2024, 3, 31), D(2024, 9, 30)),
    ("litigation", D(2024, 7, 15), D(2025, 1, 15)),
    ("evidence_preservation", D(2024, 9, 27), D(2024, 10, 12)),
    ("court_enforcement", D(2024, 11, 30), D(2025, 2, 28)),
]


@pytest.mark.parametrize(("code", "anchor", "expected"), DUE_CASES)
def test_due(code, anchor, expected):
    assert due(code, anchor) == expected


def test_due_accepts_datetime_for_day_clocks():
    assert due("hearing_request", DT(2024, 9, 27, 16, 30)) == D(2024, 10, 10)


def test_power_cut_notice_in_hours():
    assert due("power_cut_notice", DT(2024, 5, 10, 9, 0)) == DT(2024, 5, 9, 9, 0)
    assert due("power_cut_notice", DT(2024, 10, 1, 0, 0)) == DT(2024, 9, 30, 0, 0)  # hours ignore holidays
    with pytest.raises(ValueError, match="datetime"):
        due("power_cut_notice", D(2024, 5, 10))


def test_due_uses_the_given_calendar():
    local = workdays.DEFAULT.with_changes(off_days=[D(2024, 10, 8)])
    assert due("hearing_request", D(2024, 9, 27), calendar=local) == D(2024, 10, 11)


def test_amount_override_for_configurable_rows():
    assert due("statement_period", D(2024, 9, 27), amount=5) == D(2024, 10, 10)
    assert due("decision_deadline", D(2024, 11, 15), amount=120) == D(2025, 3, 15)
    assert due("limitation", D(2024, 2, 29), amount=3) == D(2027, 2, 28)


@pytest.mark.parametrize("code", ["hearing_request", "hearing_notice", "decision_service", "fine_payment"])
def test_amount_override_refused_for_statutory_fixed_periods(code):
    with pytest.raises(ValueError, match="不能改写"):
        due(code, D(2024, 1, 2), amount=10)


@pytest.mark.parametrize(
    ("anchor", "amount"),
    [("2024-01-01", None), (None, None), (D(2024, 1, 1), 0), (D(2024, 1, 1), -3), (D(2024, 1, 1), 2.5)],
)
def test_due_bad_input(anchor, amount):
    with pytest.raises(ValueError):
        due("statement_period", anchor, amount=amount)


def test_due_out_of_range():
    with pytest.raises(ValueError):
        due("limitation_extended", D(9998, 1, 1))
    with pytest.raises(ValueError):
        due("decision_deadline", D(9999, 12, 1))


# --- constants -----------------------------------------------------------------------------------------------------


def test_min_inspectors():
    assert MIN_INSPECTORS == 2 == MIN_INSPECTORS_RULE.value
    assert "第四十二条" in MIN_INSPECTORS_RULE.source
    assert MIN_INSPECTORS_RULE.status == "VERIFIED-PRIMARY"
    assert inspectors_sufficient(2) and inspectors_sufficient(3)
    assert not inspectors_sufficient(1)
    for bad in (-1, 1.0, True, "2"):
        with pytest.raises(ValueError):
            inspectors_sufficient(bad)


# --- simple procedure (第五十一条) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "amount", "ok"),
    [
        ("person", 0, True),  # warning only
        ("person", 200, True),  # 「以下」 includes the number
        ("person", 201, False),
        ("unit", 3000, True),
        ("unit", 3001, False),
        ("unit", 200, True),
    ],
)
def test_simple_procedure_allowed(party, amount, ok):
    assert simple_procedure_allowed(party, amount) is ok


@pytest.mark.parametrize(("party", "amount"), [("company", 100), ("person", -1), ("unit", 99.5), ("unit", True)])
def test_simple_procedure_bad_input(party, amount):
    with pytest.raises(ValueError):
        simple_procedure_allowed(party, amount)


def test_simple_procedure_limits_table():
    assert {(r.party, r.amount) for r in SIMPLE_PROCEDURE_LIMITS} == {("person", 200), ("unit", 3000)}
    assert all(r.status == "VERIFIED-PRIMARY" and "第五十一条" in r.source for r in SIMPLE_PROCEDURE_LIMITS)
    with pytest.raises(ValueError):
        simple_procedure_allowed("unit", 100, limits=SIMPLE_PROCEDURE_LIMITS[:1])


# --- hearing rights (第六十三条) -------------------------------------------------------------------------------------

HEARING_CASES = [
    # kwargs, required, reason count
    ({"unit_fine": 50_000}, True, 1),
    ({"unit_fine": 49_999}, False, 0),
    ({"unit_fine": 0}, False, 0),
    ({"person_fines": [20_000]}, True, 1),
    ({"person_fines": [19_999]}, False, 0),
    ({"person_fines": [19_999, 20_000, 30_000]}, True, 2),
    ({"unit_fine": 10_000, "measures": ["suspend"]}, True, 1),
    ({"measures": ["close"]}, True, 1),
    ({"measures": ["revoke_licence"]}, True, 1),
    ({"measures": ["restrict_practice"]}, True, 1),
    ({"measures": ["confiscate_large"]}, True, 1),
    ({"measures": ["warning"]}, False, 0),
    ({"measures": ["confiscate", "suspend_licence"]}, False, 0),
    ({"measures": ["suspend", "suspend"]}, True, 1),
    ({"unit_fine": 100_000, "person_fines": (50_000,), "measures": ("suspend", "warning")}, True, 3),
]


@pytest.mark.parametrize(("kwargs", "required", "count"), HEARING_CASES)
def test_hearing_right(kwargs, required, count):
    verdict = hearing_right(**kwargs)
    assert verdict.required is required
    assert len(verdict.reasons) == count
    assert all("第六十三条" in r for r in verdict.reasons)


def test_hearing_reasons_text():
    verdict = hearing_right(unit_fine=50_000, measures=["suspend"])
    assert verdict.reasons[0] == (
        "拟对生产经营单位罚款50000元，达到较大数额罚款标准（50000元以上）——《中华人民共和国行政处罚法》第六十三条第（一）项"
    )
    assert verdict.reasons[1].endswith("第六十三条第（四）项")


def test_hearing_caveats_flag_unverified_thresholds():
    assert hearing_right(unit_fine=50_000).caveats
    assert "未经核实" in hearing_right(person_fines=[100]).caveats[0]
    assert hearing_right(measures=["close"]).caveats == ()  # no fine: thresholds not used


def test_large_fine_thresholds_table():
    assert {(r.party, r.amount) for r in LARGE_FINE_THRESHOLDS} == {("person", 20_000), ("unit", 50_000)}
    for r in LARGE_FINE_THRESHOLDS:
        assert r.status == "UNVERIFIED"
        assert "安全生产违法行为行政处罚办法" in r.source
        assert "「以上」包括本数" in r.note


def test_configured_thresholds():
    province = large_fine_thresholds(person=10_000, unit=30_000, source="某省规定")
    assert hearing_right(unit_fine=30_000, thresholds=province).required
    assert not hearing_right(unit_fine=29_999, thresholds=province).required
    assert hearing_right(person_fines=[10_000], thresholds=province).required
    confirmed = large_fine_thresholds(person=10_000, unit=30_000, source="某省规定", status="VERIFIED-SECONDARY")
    assert hearing_right(unit_fine=30_000, thresholds=confirmed).caveats == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"unit_fine": -1},
        {"unit_fine": 1.5},
        {"unit_fine": True},
        {"person_fines": 20_000},  # not a sequence
        {"person_fines": [20_000, "x"]},
        {"measures": "suspend"},  # a bare string
        {"measures": ["suspend", "jail"]},
        {"thresholds": LARGE_FINE_THRESHOLDS[:1]},
        {"thresholds": LARGE_FINE_THRESHOLDS + LARGE_FINE_THRESHOLDS[:1]},
    ],
)
def test_hearing_right_bad_input(kwargs):
    with pytest.raises(ValueError):
        hearing_right(**kwargs)


def test_large_fine_thresholds_bad_input():
    with pytest.raises(ValueError):
        large_fine_thresholds(person=10_000, unit=30_000, source="")
    with pytest.raises(ValueError):
        large_fine_thresholds(person=0, unit=30_000, source="x")
    with pytest.raises(ValueError):
        large_fine_thresholds(person=1, unit=3, source="x", status="OK")


def test_measures_table():
    codes = {m.code for m in MEASURES}
    assert {"suspend", "close", "revoke_licence", "restrict_practice", "confiscate_large"} <= codes
    assert all(m.item for m in MEASURES if m.hearing)
    assert not any(m.item for m in MEASURES if not m.hearing)


# --- late surcharge (第七十二条第（一）项) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fine", "days", "surcharge"),
    [
        (10_000, 0, 0),
        (10_000, 1, 300),
        (10_000, 33, 9_900),
        (10_000, 34, 10_000),  # 102 % capped at the fine
        (10_000, 1_000, 10_000),
        (1_001, 1, 30),  # 30.03 → 30 (whole 元, rounded down)
        (33, 1, 0),  # 0.99 → 0
        (34, 1, 1),
        (0, 10, 0),
    ],
)
def test_late_surcharge(fine, days, surcharge):
    assert late_surcharge(fine, days) == surcharge


@pytest.mark.parametrize(("fine", "days"), [(-1, 1), (100, -1), (100.0, 1), (100, 1.5), (True, 1), ("100", 1)])
def test_late_surcharge_bad_input(fine, days):
    with pytest.raises(ValueError):
        late_surcharge(fine, days)


def test_late_surcharge_rule_documents_rounding():
    assert procedure.LATE_SURCHARGE_PERCENT == 3
    assert "向下取整" in procedure.LATE_SURCHARGE_RULE.note
    assert "rounded **down**" in late_surcharge.__doc__


# --- citations against the statute mirror ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十一", 11), ("二十八", 28), ("八十五", 85), ("一百一十九", 119)]
)
def test_cn(text, value):
    assert cn(text) == value


@pytest.fixture(scope="module")
def mirror():
    return load_mirror(MIRRORED_LAWS)


def test_mirror_parse_sanity(mirror):
    xzcf = mirror[procedure.LAW_XZCF][0]
    assert len(xzcf) == 86
    assert xzcf["第六十四条"] == [8]  # one paragraph, eight items
    assert xzcf["第六十三条"] == [6, 0]  # six items, then 「当事人不承担行政机关组织听证的费用。」
    assert len(mirror[procedure.LAW_XZQZ][0]) == 71
    assert len(mirror[procedure.LAW_AQSC][0]) == 119
    assert len(mirror[procedure.LAW_AQSC][0]["第七十条"]) == 2


def _citations(source):
    return citations(source, MIRRORED_LAWS)


def _primary_rows():
    rows = [(c.code, c.source, c.note, c.status) for c in CLOCKS]
    rows += [(r.code, r.source, r.note, r.status) for r in (MIN_INSPECTORS_RULE, procedure.LATE_SURCHARGE_RULE)]
    rows += [(r.code, r.source, r.note, r.status) for r in SIMPLE_PROCEDURE_LIMITS + LARGE_FINE_THRESHOLDS]
    return [r for r in rows if r[3] == "VERIFIED-PRIMARY"]


PRIMARY = _primary_rows()


def test_primary_rows_are_the_statute_rows():
    assert len(PRIMARY) >= 15
    for code, source, _, _ in PRIMARY:
        assert _citations(source), f"{code}: VERIFIED-PRIMARY but cites no mirrored article: {source}"


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_citations_exist_in_mirror(row, mirror):
    code, source, _, _ = row
    assert_cited_articles_exist(code, source, mirror, MIRRORED_LAWS)


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_notes_quote_the_mirror_verbatim(row, mirror):
    code, source, note, _ = row
    assert_quotes_in_mirror(code, source, note, mirror, MIRRORED_LAWS)


def test_effective_dates_match_mirror(mirror):
    assert "本法自2021年7月15日起施行。" in mirror[procedure.LAW_XZCF][1]
    assert "本法自2012年1月1日起施行。" in mirror[procedure.LAW_XZQZ][1]


def test_citation_parser(mirror):
    refs = _citations(f"{procedure.LAW_XZCF}第六十四条第（一）项、第八十五条；{procedure.LAW_XZQZ}第十八条第（二）项")
    assert refs == [
        (procedure.LAW_XZCF, "第六十四条", None, "一"),
        (procedure.LAW_XZCF, "第八十五条", None, None),
        (procedure.LAW_XZQZ, "第十八条", None, "二"),
    ]
    articles = mirror[procedure.LAW_XZCF][0]
    assert sum(articles["第六十四条"]) < cn("九")  # a wrong item would be caught
    assert "第八十七条" not in articles  # and a wrong article
