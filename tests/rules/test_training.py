"""安全培训 — hours, three levels, relevel after a post change or a long absence, annual retraining (no database).

Cases come from the rules' text (regulations.md §2.3 and §3); VERIFIED-PRIMARY rows are checked against the mirror.
"""

import dataclasses
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from anjian.rules import training
from anjian.rules.training import (
    EMPLOYEE,
    HOURS_RULES,
    LEVELS,
    PRINCIPAL,
    REDO_LEVELS,
    SAFETY_MANAGER,
    TrainingFacts,
    annual_year_due,
    assess,
    hours_rule,
    is_high_risk,
    relevel_since,
)
from tests.rules.statute_mirror import (
    NUM,
    assert_cited_articles_exist,
    assert_quotes_in_mirror,
    citations,
    load_mirror,
    normalise,
)

D = datetime.date
H = Decimal
ON = D(2025, 6, 1)
ALL_LEVELS = {"company": [D(2023, 4, 20)], "workshop": [D(2023, 4, 22)], "team": [D(2023, 4, 25)]}


def facts(**kw):
    base = dict(
        person_kind=EMPLOYEE,
        sectors={"machinery"},
        metal_smelting=False,
        started_on=D(2023, 5, 1),
        on=ON,
        level_dates=ALL_LEVELS,
        initial_hours=H(24),
        annual_hours={2024: H(8)},
    )
    base.update(kw)
    return TrainingFacts(**base)


def codes(verdict):
    return [r.code for r in verdict.reasons]


# --- sectors and risk class -------------------------------------------------------------------------------------


def test_high_risk_sectors_and_person_kinds():
    assert training.HIGH_RISK_SECTORS == frozenset({"coal_mine", "non_coal_mine", "hazchem", "fireworks"})
    assert training.PERSON_KINDS == ("principal", "safety_manager", "employee")
    assert (PRINCIPAL, SAFETY_MANAGER, EMPLOYEE) == training.PERSON_KINDS


@pytest.mark.parametrize(
    ("sectors", "smelting", "expected"),
    [
        ({"coal_mine"}, False, True),
        ({"non_coal_mine"}, False, True),
        ({"hazchem"}, False, True),
        ({"fireworks"}, False, True),
        ({"metallurgy"}, False, False),  # 冶金 is not 冶炼 by itself
        ({"metallurgy"}, True, True),  # 金属冶炼 is the flag
        ({"machinery"}, True, True),
        ({"construction"}, False, False),  # construction is its own class for employees, not 第九条's list
        ({"transport", "commerce"}, False, False),
        (set(), False, False),
        ("hazchem", False, True),  # a single code is accepted
    ],
)
def test_is_high_risk(sectors, smelting, expected):
    assert is_high_risk(sectors, metal_smelting=smelting) is expected


def test_unknown_sector_refused():
    with pytest.raises(ValueError, match="unknown sector"):
        is_high_risk({"mining"}, metal_smelting=False)


# --- hours from the text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "sectors", "smelting", "on", "initial", "annual", "code"),
    [
        # 第九条第一款 / 第二款
        (PRINCIPAL, {"machinery"}, False, ON, 32, 12, "principal_general"),
        (SAFETY_MANAGER, {"commerce"}, False, ON, 32, 12, "safety_manager_general"),
        (PRINCIPAL, {"coal_mine"}, False, ON, 48, 16, "principal_high_risk"),
        (SAFETY_MANAGER, {"hazchem"}, False, ON, 48, 16, "safety_manager_high_risk"),
        (PRINCIPAL, {"metallurgy"}, True, ON, 48, 16, "principal_high_risk"),
        (PRINCIPAL, {"construction"}, False, ON, 32, 12, "principal_general"),  # 三类人员: general floor
        # 第十三条第一款 + 安委〔2012〕10号 (annual 8)
        (EMPLOYEE, {"machinery"}, False, ON, 24, 8, "employee_general"),
        (EMPLOYEE, {"machinery"}, False, D(2012, 11, 20), 24, None, "employee_general_2006"),
        (EMPLOYEE, {"machinery"}, False, D(2012, 11, 21), 24, 8, "employee_general"),
        # 第十三条第二款
        (EMPLOYEE, {"fireworks"}, False, ON, 72, 20, "employee_high_risk"),
        (EMPLOYEE, {"non_coal_mine"}, False, ON, 72, 20, "employee_high_risk"),
        (EMPLOYEE, {"machinery"}, True, ON, 72, 20, "employee_high_risk"),
        # 安委〔2012〕10号: construction 32 / 20; before it the general row
        (EMPLOYEE, {"construction"}, False, ON, 32, 20, "employee_construction"),
        (EMPLOYEE, {"construction"}, False, D(2010, 1, 1), 24, None, "employee_general_2006"),
        (EMPLOYEE, {"construction", "hazchem"}, False, ON, 72, 20, "employee_high_risk"),  # high risk wins
        # before the 规定: the earliest row of the class
        (EMPLOYEE, {"machinery"}, False, D(2001, 1, 1), 24, None, "employee_general_2006"),
    ],
)
def test_hours_rule_from_the_text(kind, sectors, smelting, on, initial, annual, code):
    r = hours_rule(kind, sectors=sectors, metal_smelting=smelting, on=on)
    assert r.code == code
    assert r.initial_hours == H(initial)
    assert r.annual_hours == (None if annual is None else H(annual))
    assert isinstance(r.initial_hours, Decimal)


def test_hours_rows_cite_source_status_and_dates():
    for r in HOURS_RULES:
        assert r.status in training.STATUSES and r.source and r.note
        assert isinstance(r.effective_from, datetime.date)
        if r.annual_hours is not None and r.annual_source:
            assert r.annual_status in training.STATUSES
    by_code = {r.code: r for r in HOURS_RULES}
    assert "第九条第一款" in by_code["principal_general"].source
    assert "第九条第二款" in by_code["principal_high_risk"].source
    assert "第十三条第一款" in by_code["employee_general"].source
    assert "安委〔2012〕10号" in by_code["employee_general"].annual_source
    assert "第十三条第二款" in by_code["employee_high_risk"].source
    assert "安委〔2012〕10号" in by_code["employee_construction"].source
    # The 2012 document number is UNVERIFIED (values VERIFIED-SECONDARY): the notes say so.
    assert "未核实" in by_code["employee_general"].note and "UNVERIFIED" in by_code["employee_construction"].note


def test_levels():
    assert LEVELS == ("company", "workshop", "team")
    assert training.LEVEL_LABELS == {"company": "厂（矿）级", "workshop": "车间（工段、区、队）级", "team": "班组级"}
    assert REDO_LEVELS == ("workshop", "team")
    assert training.THREE_LEVEL_RULE.status == "VERIFIED-SECONDARY" and "第十二条" in training.THREE_LEVEL_RULE.source
    assert training.RELEVEL_RULE.status == "VERIFIED-SECONDARY" and "第十七条" in training.RELEVEL_RULE.source


def test_principal_within_six_months_rule():
    assert training.PRINCIPAL_TRAINING_WITHIN_MONTHS == 6
    r = training.PRINCIPAL_TRAINING_WITHIN_RULE
    assert r.status == "VERIFIED-SECONDARY" and "6个月" in r.title and "doorhorse" in r.source


def test_annual_year_convention_is_ours():
    r = training.ANNUAL_YEAR_RULE
    assert r.status == "UNVERIFIED" and "平台约定" in r.title
    assert training.INITIAL_DUE_RULE.status == "UNVERIFIED"


# --- relevel_since ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("post_changes", "absences", "expected"),
    [
        ((), (), None),
        ((D(2024, 6, 1),), (), D(2024, 6, 1)),
        ((D(2024, 6, 1), D(2025, 2, 1)), (), D(2025, 2, 1)),  # the latest post change
        ((D(2025, 7, 1),), (), None),  # a post change after `on` has not happened
        ((), ((D(2023, 3, 1), D(2024, 3, 1)),), D(2024, 3, 1)),  # exactly one year: 「以上」 includes it
        ((), ((D(2023, 3, 1), D(2024, 2, 29)),), None),  # one day short
        ((), ((D(2023, 3, 1), D(2025, 1, 10)),), D(2025, 1, 10)),
        ((), ((D(2020, 2, 29), D(2021, 2, 28)),), D(2021, 2, 28)),  # leap day + 1 year = 28 February
        ((), ((D(2020, 2, 29), D(2021, 2, 27)),), None),
        ((), ((D(2023, 3, 1), None),), None),  # still away on `on`
        ((), ((D(2023, 3, 1), D(2025, 7, 1)),), None),  # returns after `on`
        ((D(2024, 9, 1),), ((D(2023, 3, 1), D(2024, 3, 1)),), D(2024, 9, 1)),
        ((D(2023, 9, 1),), ((D(2023, 10, 1), D(2024, 12, 1)),), D(2024, 12, 1)),
        ((), ((D(2024, 1, 1), D(2024, 6, 1)), (D(2021, 1, 1), D(2023, 1, 1))), D(2023, 1, 1)),
    ],
)
def test_relevel_since(post_changes, absences, expected):
    assert relevel_since(post_changes=post_changes, absences=absences, on=ON) == expected


def test_relevel_absence_ending_before_it_began_is_refused():
    with pytest.raises(ValueError):
        relevel_since(post_changes=(), absences=((D(2024, 3, 1), D(2024, 2, 1)),), on=ON)


# --- annual_year_due ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("started_on", "on", "expected"),
    [
        (D(2020, 5, 1), D(2025, 6, 1), 2024),
        (D(2023, 12, 31), D(2025, 1, 1), 2024),  # worked the whole of 2024
        (D(2024, 1, 1), D(2025, 6, 1), None),  # started on 1 January 2024: not *before* it
        (D(2024, 1, 2), D(2025, 6, 1), None),
        (D(2024, 1, 1), D(2026, 1, 1), 2025),
        (D(2025, 3, 1), D(2025, 6, 1), None),
    ],
)
def test_annual_year_due(started_on, on, expected):
    assert annual_year_due(started_on=started_on, on=on) == expected


# --- assess ---------------------------------------------------------------------------------------------------


def test_complete_employee_passes():
    v = assess(facts())
    assert v.ok and v.reasons == () and v.notes == ()
    assert v.rule.code == "employee_general" and v.relevel_since is None and v.annual_year == 2024


@pytest.mark.parametrize(
    ("hours", "ok"),
    [(H(24), True), (H("24.0"), True), (H(25), True), (H("23.5"), False), (H(0), False)],
)
def test_initial_hours_boundary(hours, ok):
    v = assess(facts(initial_hours=hours))
    assert v.ok is ok
    if not ok:
        assert codes(v) == ["initial_hours_short"]


def test_initial_hours_message():
    v = assess(facts(initial_hours=H(18)))
    assert v.reasons[0].message == "岗前培训 18 学时，不足 24 学时"
    v = assess(facts(initial_hours=H("23.5")))
    assert v.reasons[0].message == "岗前培训 23.5 学时，不足 24 学时"
    assert "第十三条第一款" in v.reasons[0].basis


def test_high_risk_employee_needs_72_and_20():
    v = assess(facts(sectors={"hazchem"}, initial_hours=H(71), annual_hours={2024: H(19)}))
    assert [r.message for r in v.reasons] == ["岗前培训 71 学时，不足 72 学时", "2024 年度再培训 19 学时，不足 20 学时"]
    assert assess(facts(sectors={"hazchem"}, initial_hours=H(72), annual_hours={2024: H(20)})).ok


def test_construction_employee_needs_32_and_20():
    v = assess(facts(sectors={"construction"}, initial_hours=H(24), annual_hours={2024: H(8)}))
    assert codes(v) == ["initial_hours_short", "annual_hours_short"]
    assert v.reasons[0].message == "岗前培训 24 学时，不足 32 学时"


@pytest.mark.parametrize(
    ("level_dates", "message"),
    [
        ({"company": [D(2023, 4, 20)], "team": [D(2023, 4, 25)]}, "缺少车间级安全培训"),
        ({"company": [D(2023, 4, 20)]}, "缺少车间级、班组级安全培训"),
        ({}, "缺少厂（矿）级、车间级、班组级安全培训"),
        ({"company": [], "workshop": [D(2023, 4, 22)], "team": [D(2023, 4, 25)]}, "缺少厂（矿）级安全培训"),
        # a session dated after `on` has not happened yet
        ({"company": [D(2023, 4, 20)], "workshop": [D(2025, 7, 1)], "team": [D(2023, 4, 25)]}, "缺少车间级安全培训"),
    ],
)
def test_missing_level(level_dates, message):
    v = assess(facts(level_dates=level_dates))
    assert codes(v) == ["missing_level"] and v.reasons[0].message == message
    assert "第十二条" in v.reasons[0].basis


def test_three_levels_can_be_switched_off():
    assert assess(facts(level_dates={}, three_levels=False)).ok


def test_relevel_required_after_post_change():
    v = assess(facts(post_changes=(D(2024, 6, 1),)))
    assert codes(v) == ["relevel_required"] and v.relevel_since == D(2024, 6, 1)
    assert "车间级、班组级" in v.reasons[0].message and "调整岗位" in v.reasons[0].message
    assert "第十七条" in v.reasons[0].basis
    # Redone from the post-change date (the same day counts): passes. The company level is not redone.
    redone = {**ALL_LEVELS, "workshop": [D(2023, 4, 22), D(2024, 6, 1)], "team": [D(2024, 6, 3)]}
    assert assess(facts(post_changes=(D(2024, 6, 1),), level_dates=redone)).ok
    # Only the team level redone: the workshop level is named.
    half = {**ALL_LEVELS, "team": [D(2024, 6, 3)]}
    v = assess(facts(post_changes=(D(2024, 6, 1),), level_dates=half))
    assert (
        codes(v) == ["relevel_required"] and "车间级" in v.reasons[0].message and "班组级" not in v.reasons[0].message
    )


def test_relevel_after_exactly_one_year_away():
    away = ((D(2023, 9, 1), D(2024, 9, 1)),)
    v = assess(facts(absences=away))
    assert codes(v) == ["relevel_required"] and v.relevel_since == D(2024, 9, 1)
    assert "离岗一年以上" in v.reasons[0].message
    short = ((D(2023, 9, 2), D(2024, 9, 1)),)
    assert assess(facts(absences=short)).ok


def test_missing_and_stale_levels_together():
    v = assess(
        facts(level_dates={"company": [D(2023, 4, 20)], "team": [D(2023, 4, 25)]}, post_changes=(D(2024, 6, 1),))
    )
    assert codes(v) == ["missing_level", "relevel_required"]
    assert v.reasons[0].message == "缺少车间级安全培训" and "班组级" in v.reasons[1].message


def test_annual_hours_message_and_boundary():
    v = assess(facts(on=D(2026, 2, 1), annual_hours={2025: H(4)}))
    assert codes(v) == ["annual_hours_short"]
    assert v.reasons[0].message == "2025 年度再培训 4 学时，不足 8 学时"
    assert assess(facts(on=D(2026, 2, 1), annual_hours={2025: H(8)})).ok
    assert not assess(facts(on=D(2026, 2, 1), annual_hours={2025: H("7.5"), 2024: H(100)})).ok


def test_annual_not_owed_in_the_first_year():
    # Started 2023-05-01: on 2024-03-01 the year checked would be 2023, which the person did not work in full.
    v = assess(facts(on=D(2024, 3, 1), annual_hours={}))
    assert v.ok and v.annual_year is None


def test_annual_not_set_before_2012_for_ordinary_employees():
    levels = {lv: [D(2009, 2, 20)] for lv in LEVELS}
    v = assess(facts(started_on=D(2009, 3, 1), on=D(2012, 6, 1), level_dates=levels, annual_hours={}))
    assert v.ok and v.annual_year == 2011 and v.annual_rule.annual_hours is None


def test_principal_needs_hours_not_levels():
    v = assess(facts(person_kind=PRINCIPAL, level_dates={}, initial_hours=H(32), annual_hours={2024: H(12)}))
    assert v.ok and v.rule.code == "principal_general" and v.relevel_since is None
    v = assess(facts(person_kind=SAFETY_MANAGER, level_dates={}, initial_hours=H(20), annual_hours={2024: H(11)}))
    assert [r.message for r in v.reasons] == [
        "初次安全培训 20 学时，不足 32 学时",
        "2024 年度再培训 11 学时，不足 12 学时",
    ]


def test_high_risk_principal_48_and_16():
    v = assess(facts(person_kind=PRINCIPAL, sectors={"coal_mine"}, initial_hours=H(47), annual_hours={2024: H(16)}))
    assert [r.message for r in v.reasons] == ["初次安全培训 47 学时，不足 48 学时"]


def test_non_high_risk_principal_has_six_months():
    start = D(2025, 1, 31)
    within = assess(
        facts(person_kind=PRINCIPAL, started_on=start, on=D(2025, 7, 31), initial_hours=H(0), annual_hours={})
    )
    assert within.ok and within.initial_due == D(2025, 7, 31)  # add_months(2025-01-31, 6)
    assert [n.code for n in within.notes] == ["initial_pending"] and "2025-07-31" in within.notes[0].message
    late = assess(facts(person_kind=PRINCIPAL, started_on=start, on=D(2025, 8, 1), initial_hours=H(0), annual_hours={}))
    assert codes(late) == ["initial_hours_short"]
    # High-risk principals: no allowance documented — due before taking office (UNVERIFIED decision).
    hr = assess(
        facts(
            person_kind=PRINCIPAL, sectors={"hazchem"}, started_on=start, on=start, initial_hours=H(0), annual_hours={}
        )
    )
    assert codes(hr) == ["initial_hours_short"]


def test_employee_not_yet_started_gets_a_note():
    v = assess(facts(started_on=D(2025, 6, 10), on=ON, initial_hours=H(8), annual_hours={}))
    assert v.ok and [n.code for n in v.notes] == ["initial_pending"]
    v = assess(facts(started_on=ON, on=ON, initial_hours=H(8), annual_hours={}))
    assert codes(v) == ["initial_hours_short"]


def test_reason_codes_are_the_published_ones():
    assert training.REASON_CODES == ("missing_level", "relevel_required", "initial_hours_short", "annual_hours_short")


def test_facts_validation():
    with pytest.raises(ValueError):
        facts(initial_hours=23.5)  # floats refused: use Decimal
    with pytest.raises(ValueError):
        facts(initial_hours=H(-1))
    with pytest.raises(ValueError):
        facts(level_dates={"plant": [D(2023, 1, 1)]})
    with pytest.raises(ValueError):
        facts(person_kind="worker")
    with pytest.raises(ValueError):
        facts(annual_hours={"2024": H(8)})
    assert facts(initial_hours=None).initial_hours == 0  # Sum() of nothing
    assert facts(initial_hours=24).initial_hours == H(24)
    f = facts(level_dates={"company": [datetime.datetime(2023, 4, 20, 9, 30)]})
    assert f.level_dates["company"] == (D(2023, 4, 20),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.on = ON


def test_format_hours():
    assert training.format_hours(H("24.0")) == "24"
    assert training.format_hours(H("23.50")) == "23.5"
    assert training.format_hours(H(100)) == "100"
    assert training.format_hours(H(0)) == "0"


def test_public_names():
    for name in training.__all__:
        assert hasattr(training, name), name


# --- citations against the statute mirror -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mirror():
    return load_mirror(training.MIRRORED_LAWS)


def _rows():
    rows = [(r.code, r.source, r.note, r.status) for r in training.RULES]
    rows += [(r.code, r.source, r.note, r.status) for r in HOURS_RULES]
    return rows


PRIMARY = [r for r in _rows() if r[3] == "VERIFIED-PRIMARY"]


def test_statuses():
    assert {r[3] for r in _rows()} <= set(training.STATUSES)
    assert {r[0] for r in PRIMARY} == {"training_required", "dispatched_workers", "training_record"}
    for code, source, _, _ in PRIMARY:
        assert citations(source, training.MIRRORED_LAWS), code


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_citations_exist(row, mirror):
    assert_cited_articles_exist(row[0], row[1], mirror, training.MIRRORED_LAWS)


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_in_mirror(row, mirror):
    assert_quotes_in_mirror(row[0], row[1], row[2], mirror, training.MIRRORED_LAWS)


def _article_text(path: str, article: str) -> str:
    text, current = "", None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        m = re.match(rf"(第{NUM}条)\s", line)
        if line.startswith("#"):
            current = None
        elif m:
            current = m.group(1)
        if current == article:
            text += normalise(line)
    return text


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_come_from_the_cited_article(row, mirror):
    code, source, note, _ = row
    for law, article, _, _ in citations(source, training.MIRRORED_LAWS):
        text = _article_text(training.MIRRORED_LAWS[law], article)
        for quote in re.findall("「(.+?)」", note):
            assert normalise(quote) in text, f"{code}: 「{quote}」 not in {law}{article}"


def test_training_record_fields_are_the_statute_four(mirror):
    text = mirror[training.LAW_AQSC][1]
    assert "如实记录安全生产教育和培训的时间、内容、参加人员以及考核结果等情况" in text
    assert "第二十八条第四款" in training.TRAINING_RECORD_RULE.source
