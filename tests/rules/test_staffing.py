"""安全生产法 第二十四条 and provincial staffing rules — cases from the regulation text (no database)."""

import dataclasses
import datetime
import itertools

import pytest

from anjian.rules import staffing
from anjian.rules.staffing import (
    HENAN_2010,
    NATIONAL_RULE,
    SHANGHAI_2018,
    STAFFING_RULES,
    ZHEJIANG_2016,
    Band,
    Body,
    StaffingFacts,
    assess,
    assess_with,
    ceil_percent,
    is_high_risk_national,
    rule_for,
)

TODAY = datetime.date(2024, 6, 1)
BEIJING, ZHEJIANG, HENAN, SHANGHAI = "11", "33", "41", "31"  # Beijing has no row: national rule

HIGH = ("coal_mine",)
OTHER = ("machinery",)

NAT_1 = "《中华人民共和国安全生产法》第二十四条第一款"
NAT_2 = "《中华人民共和国安全生产法》第二十四条第二款"


def make(
    province=BEIJING,
    sectors=OTHER,
    employees=10,
    body=False,
    ft=0,
    pt=0,
    on=TODAY,
    **flags,
):
    return StaffingFacts(
        province_code=province,
        sectors=frozenset(sectors),
        employees=employees,
        has_safety_body=body,
        full_time=ft,
        part_time=pt,
        on=on,
        **flags,
    )


def requirement(v):
    return (v.high_risk, v.body_required, v.body_or_full_time, v.min_full_time, v.part_time_allowed)


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "percent", "expected"),
    [
        (300, 1, 3),
        (301, 1, 4),
        (399, 1, 4),
        (400, 1, 4),
        (1000, 1, 10),
        (1001, 1, 11),
        (1, 1, 1),  # at least one
        (50, 2, 1),
        (51, 2, 2),
        (100, 2, 2),
        (101, 2, 3),
        (150, 2, 3),
        (151, 2, 4),
        (5000, 2, 100),
        (5001, 2, 101),
        (300, 0, 0),
    ],
)
def test_ceil_percent_integer_rounding_up(employees, percent, expected):
    assert ceil_percent(employees, percent) == expected


# --- high-risk classification (第二十四条第一款) -----------------------------------------------------


@pytest.mark.parametrize(
    ("sectors", "flags", "expected"),
    [
        (("coal_mine",), {}, True),  # 矿山
        (("non_coal_mine",), {}, True),  # 矿山
        (("construction",), {}, True),  # 建筑施工
        (("transport",), {}, True),  # 运输
        (("hazchem",), {}, True),  # 危险物品生产、经营、储存、装卸
        (("fireworks",), {}, True),  # 危险物品 (烟花爆竹)
        (("metallurgy",), {"metal_smelting": True}, True),  # 金属冶炼
        (("nonferrous",), {"metal_smelting": True}, True),
        (("metallurgy",), {}, False),  # metallurgy without smelting
        (("machinery", "commerce"), {}, False),
        ((), {}, False),
        (("machinery", "transport"), {}, True),  # any listed sector suffices
        (
            ("machinery",),
            {"hazchem_use": True, "major_hazard_source": True},
            False,
        ),  # not in the national list
    ],
)
def test_is_high_risk_national(sectors, flags, expected):
    assert is_high_risk_national(make(sectors=sectors, **flags)) is expected


# --- national rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sectors", "employees", "expected", "basis"),
    [
        # (high_risk, body_required, body_or_full_time, min_full_time, part_time_allowed)
        (OTHER, 0, (False, False, False, 0, True), NAT_2),
        (OTHER, 1, (False, False, False, 0, True), NAT_2),
        (OTHER, 100, (False, False, False, 0, True), NAT_2),  # 「一百人以下」 includes 100
        (OTHER, 101, (False, False, True, 1, False), NAT_2),  # 「超过一百人」
        (OTHER, 5000, (False, False, True, 1, False), NAT_2),
        (HIGH, 0, (True, False, True, 1, False), NAT_1),  # no threshold for high-risk units
        (HIGH, 3, (True, False, True, 1, False), NAT_1),
        (HIGH, 100, (True, False, True, 1, False), NAT_1),
        (HIGH, 10000, (True, False, True, 1, False), NAT_1),
    ],
)
def test_national_bands(sectors, employees, expected, basis):
    v = assess(make(sectors=sectors, employees=employees))
    assert requirement(v) == expected
    assert v.basis == basis


@pytest.mark.parametrize(
    ("sectors", "employees", "body", "ft", "pt", "shortfalls"),
    [
        (OTHER, 100, False, 0, 1, ()),
        (OTHER, 100, False, 1, 0, ()),
        (OTHER, 100, False, 0, 0, ("未配备专职或者兼职的安全生产管理人员。",)),
        (OTHER, 0, False, 0, 0, ("未配备专职或者兼职的安全生产管理人员。",)),
        (OTHER, 0, False, 0, 1, ()),
        (OTHER, 101, True, 0, 0, ()),  # a body satisfies
        (OTHER, 101, False, 1, 0, ()),  # so does one full-time manager
        (OTHER, 101, False, 0, 3, ("未设置安全生产管理机构，也未配备专职安全生产管理人员。",)),
        (HIGH, 3, True, 0, 0, ()),
        (HIGH, 3, False, 1, 0, ()),
        (HIGH, 3, False, 0, 2, ("未设置安全生产管理机构，也未配备专职安全生产管理人员。",)),
    ],
)
def test_national_compliance(sectors, employees, body, ft, pt, shortfalls):
    v = assess(make(sectors=sectors, employees=employees, body=body, ft=ft, pt=pt))
    assert v.shortfalls == shortfalls
    assert v.compliant is (not shortfalls)


def test_national_requirement_sentences():
    v = assess(make(employees=101))
    assert (
        v.requirement
        == "本单位属其他生产经营单位，从业人员101人，应当设置安全生产管理机构或者配备专职安全生产管理人员。"
    )
    v = assess(make(employees=100))
    assert (
        v.requirement == "本单位属其他生产经营单位，从业人员100人，应当配备专职或者兼职的安全生产管理人员。"
    )
    v = assess(make(sectors=HIGH, employees=20))
    assert v.requirement.startswith("本单位属高危行业生产经营单位，从业人员20人，")


# --- Zhejiang (《浙江省安全生产条例》2016 第十一条) --------------------------------------------------


@pytest.mark.parametrize(
    ("sectors", "flags", "employees", "expected", "clause"),
    [
        (HIGH, {}, 0, (True, False, False, 1, False), "第一款第（四）项"),
        (HIGH, {}, 49, (True, False, False, 1, False), "第一款第（四）项"),  # 不足五十人: full-time
        (HIGH, {}, 50, (True, True, False, 2, False), "第一款第（三）项"),
        (HIGH, {}, 99, (True, True, False, 2, False), "第一款第（三）项"),
        (HIGH, {}, 100, (True, True, False, 3, False), "第一款第（二）项"),
        (HIGH, {}, 299, (True, True, False, 3, False), "第一款第（二）项"),
        (HIGH, {}, 300, (True, True, False, 3, False), "第一款第（一）项"),  # 1 % of 300 = 3
        (HIGH, {}, 301, (True, True, False, 4, False), "第一款第（一）项"),  # 1 % of 301 → 4
        (HIGH, {}, 1000, (True, True, False, 10, False), "第一款第（一）项"),
        (HIGH, {}, 1001, (True, True, False, 11, False), "第一款第（一）项"),
        # users of hazardous chemicals with a 重大危险源 are high-risk in Zhejiang
        (
            OTHER,
            {"hazchem_use": True, "major_hazard_source": True},
            60,
            (True, True, False, 2, False),
            "第一款第（三）项",
        ),
        (OTHER, {"hazchem_use": True}, 60, (False, False, False, 0, True), "第二款"),
        (OTHER, {"major_hazard_source": True}, 60, (False, False, False, 0, True), "第二款"),
        (OTHER, {}, 0, (False, False, False, 0, True), "第二款"),
        (OTHER, {}, 99, (False, False, False, 0, True), "第二款"),  # 不足一百人: full- or part-time
        (OTHER, {}, 100, (False, False, False, 1, False), "第二款"),  # 一百人以上不足三百人: full-time
        (OTHER, {}, 299, (False, False, False, 1, False), "第二款"),
        (OTHER, {}, 300, (False, True, False, 2, False), "第二款"),  # 三百人以上: body + 2
    ],
)
def test_zhejiang_bands(sectors, flags, employees, expected, clause):
    v = assess(make(province=ZHEJIANG, sectors=sectors, employees=employees, **flags))
    assert requirement(v) == expected
    assert v.basis.startswith(
        f"《浙江省安全生产条例》第十一条{clause}；《中华人民共和国安全生产法》第二十四条"
    )


def test_zhejiang_hazchem_user_is_not_high_risk_nationally():
    f = make(province=BEIJING, employees=60, hazchem_use=True, major_hazard_source=True)
    assert assess(f).high_risk is False
    zj = assess(dataclasses.replace(f, province_code=ZHEJIANG))
    assert zj.high_risk is True
    assert zj.basis.endswith(NAT_2)  # nationally it is a 第二款 unit


@pytest.mark.parametrize(
    ("sectors", "employees", "body", "ft", "pt", "shortfalls"),
    [
        (HIGH, 300, True, 3, 0, ()),
        (HIGH, 301, True, 3, 0, ("专职安全生产管理人员不足4人（现有3人）。",)),
        (HIGH, 301, True, 4, 0, ()),
        (HIGH, 120, False, 3, 0, ("未设置安全生产管理机构。",)),
        (HIGH, 120, False, 1, 5, ("未设置安全生产管理机构。", "专职安全生产管理人员不足3人（现有1人）。")),
        (HIGH, 60, True, 2, 0, ()),
        (HIGH, 40, True, 0, 0, ("专职安全生产管理人员不足1人（现有0人）。",)),  # a body alone is not enough
        (HIGH, 40, False, 1, 0, ()),
        (OTHER, 150, True, 0, 0, ("专职安全生产管理人员不足1人（现有0人）。",)),
        (OTHER, 150, False, 1, 0, ()),
        (OTHER, 99, False, 0, 1, ()),
        (OTHER, 300, True, 1, 0, ("专职安全生产管理人员不足2人（现有1人）。",)),
        (OTHER, 300, True, 2, 0, ()),
    ],
)
def test_zhejiang_compliance(sectors, employees, body, ft, pt, shortfalls):
    v = assess(make(province=ZHEJIANG, sectors=sectors, employees=employees, body=body, ft=ft, pt=pt))
    assert v.shortfalls == shortfalls
    assert v.compliant is (not shortfalls)


def test_zhejiang_requirement_sentence_with_percentage():
    v = assess(make(province=ZHEJIANG, sectors=HIGH, employees=301))
    assert "应当设置安全生产管理机构，并配备不少于4名专职安全生产管理人员" in v.requirement
    assert "1%" in v.requirement


# --- Henan (《河南省安全生产条例》2010 第十四条) ---------------------------------------------------


@pytest.mark.parametrize(
    ("sectors", "employees", "expected"),
    [
        (HIGH, 0, (True, False, False, 1, False)),
        (HIGH, 49, (True, False, False, 1, False)),  # <50: full-time
        (HIGH, 50, (True, False, True, 1, False)),  # ≥50: independent body OR ≥2 %
        (HIGH, 51, (True, False, True, 2, False)),  # 2 % of 51 = 1.02 → 2
        (HIGH, 100, (True, False, True, 2, False)),
        (HIGH, 101, (True, False, True, 3, False)),
        (HIGH, 150, (True, False, True, 3, False)),
        (HIGH, 151, (True, False, True, 4, False)),
        (OTHER, 100, (False, False, False, 0, True)),  # ≤100: full- or part-time
        (OTHER, 101, (False, False, True, 2, False)),  # >100: body or full-time, at least 2 full-time
    ],
)
def test_henan_bands(sectors, employees, expected):
    v = assess(make(province=HENAN, sectors=sectors, employees=employees))
    assert requirement(v) == expected
    assert v.basis.startswith("《河南省安全生产条例》第十四条；")


@pytest.mark.parametrize(
    ("sectors", "employees", "body", "ft", "pt", "shortfalls"),
    [
        (HIGH, 151, True, 0, 0, ()),  # the independent body satisfies
        (HIGH, 151, False, 4, 0, ()),
        (
            HIGH,
            151,
            False,
            3,
            0,
            ("未设置相对独立的安全生产管理机构，且专职安全生产管理人员不足4人（现有3人）。",),
        ),
        (HIGH, 49, True, 0, 0, ("专职安全生产管理人员不足1人（现有0人）。",)),
        (HIGH, 49, False, 1, 0, ()),
        (OTHER, 101, False, 2, 0, ()),
        (OTHER, 101, True, 2, 0, ()),
        (OTHER, 101, True, 1, 0, ("专职安全生产管理人员不足2人（现有1人）。",)),  # strict reading
        (OTHER, 101, False, 1, 0, ("未设置安全生产管理机构，且专职安全生产管理人员不足2人（现有1人）。",)),
        (OTHER, 100, False, 0, 1, ()),
    ],
)
def test_henan_compliance(sectors, employees, body, ft, pt, shortfalls):
    v = assess(make(province=HENAN, sectors=sectors, employees=employees, body=body, ft=ft, pt=pt))
    assert v.shortfalls == shortfalls
    assert v.compliant is (not shortfalls)


def test_henan_verdict_carries_the_supersession_caveat():
    v = assess(make(province=HENAN, employees=150))
    assert any("UNVERIFIED" in n and "2019" in n for n in v.notes)


# --- Shanghai (《上海市安全生产条例》2018 第二十条) --------------------------------------------------


@pytest.mark.parametrize(
    ("sectors", "employees", "expected"),
    [
        (HIGH, 1, (True, False, False, 1, False)),
        (HIGH, 299, (True, False, False, 1, False)),
        (HIGH, 300, (True, False, False, 3, False)),  # in both 「以下」 and 「以上」: stricter band
        (HIGH, 999, (True, False, False, 3, False)),
        (HIGH, 1000, (True, False, False, 8, False)),
        (HIGH, 4999, (True, False, False, 8, False)),
        (HIGH, 5000, (True, False, False, 15, False)),
        (OTHER, 100, (False, False, False, 0, True)),  # national rule below 300
        (OTHER, 101, (False, False, True, 1, False)),
        (OTHER, 299, (False, False, True, 1, False)),
        (OTHER, 300, (False, False, False, 1, False)),
        (OTHER, 999, (False, False, False, 1, False)),
        (OTHER, 1000, (False, False, False, 2, False)),
        (OTHER, 4999, (False, False, False, 2, False)),
        (OTHER, 5000, (False, False, False, 5, False)),
    ],
)
def test_shanghai_bands(sectors, employees, expected):
    v = assess(make(province=SHANGHAI, sectors=sectors, employees=employees))
    assert requirement(v) == expected


def test_shanghai_basis_and_notes():
    below = assess(make(province=SHANGHAI, employees=150))
    assert below.basis.startswith(NAT_2)  # the Shanghai article is silent here
    above = assess(make(province=SHANGHAI, employees=1000))
    assert above.basis == f"《上海市安全生产条例》第二十条；{NAT_2}"
    for v in (below, above):
        assert any("较大危险行业" in n and "其他生产经营单位" in n for n in v.notes)
    high = assess(make(province=SHANGHAI, sectors=HIGH, employees=300))
    assert not any("较大危险行业" in n for n in high.notes)
    assert any("300" in n for n in high.notes)  # the boundary interpretation is shown


@pytest.mark.parametrize(
    ("sectors", "employees", "body", "ft", "shortfalls"),
    [
        (HIGH, 1000, True, 7, ("专职安全生产管理人员不足8人（现有7人）。",)),
        (HIGH, 1000, False, 8, ()),
        (HIGH, 5000, True, 15, ()),
        (HIGH, 20, True, 0, ("专职安全生产管理人员不足1人（现有0人）。",)),
        (OTHER, 300, True, 0, ("专职安全生产管理人员不足1人（现有0人）。",)),  # a body alone is not enough
        (OTHER, 1000, False, 2, ()),
        (OTHER, 5000, False, 4, ("专职安全生产管理人员不足5人（现有4人）。",)),
        (OTHER, 200, True, 0, ()),  # national 第二十四条第二款: body suffices
    ],
)
def test_shanghai_compliance(sectors, employees, body, ft, shortfalls):
    v = assess(make(province=SHANGHAI, sectors=sectors, employees=employees, body=body, ft=ft))
    assert v.shortfalls == shortfalls
    assert v.compliant is (not shortfalls)


# --- row selection by province and date -----------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "on", "expected"),
    [
        (BEIJING, TODAY, NATIONAL_RULE),
        ("44", TODAY, NATIONAL_RULE),
        (ZHEJIANG, TODAY, ZHEJIANG_2016),
        (ZHEJIANG, datetime.date(2016, 8, 1), ZHEJIANG_2016),
        (ZHEJIANG, datetime.date(2016, 7, 31), NATIONAL_RULE),  # before the provincial row
        (HENAN, TODAY, HENAN_2010),
        (HENAN, datetime.date(2010, 7, 30), HENAN_2010),
        (HENAN, datetime.date(2010, 7, 29), NATIONAL_RULE),
        (SHANGHAI, TODAY, SHANGHAI_2018),
        (SHANGHAI, datetime.date(2018, 5, 24), SHANGHAI_2018),
        (SHANGHAI, datetime.date(2018, 5, 23), NATIONAL_RULE),
        ("330102", TODAY, ZHEJIANG_2016),  # a county code selects its province
        ("310115001", TODAY, SHANGHAI_2018),
        (BEIJING, datetime.date(2000, 1, 1), NATIONAL_RULE),  # no older national row: fallback
    ],
)
def test_rule_for(province, on, expected):
    assert rule_for(province, on) is expected


def test_provincial_rule_not_yet_in_force_falls_back_to_national():
    # Zhejiang high-risk, 300 staff, a body and 1 full-time manager: fine nationally, short in Zhejiang.
    f = make(province=ZHEJIANG, sectors=HIGH, employees=300, body=True, ft=1)
    before = assess(dataclasses.replace(f, on=datetime.date(2016, 7, 31)))
    assert before.compliant and before.basis == NAT_1
    after = assess(f)
    assert not after.compliant
    assert after.shortfalls == ("专职安全生产管理人员不足3人（现有1人）。",)


def test_date_before_national_commencement_is_noted():
    v = assess(make(on=datetime.date(2021, 8, 31)))
    assert any("2021-09-01" in n and "UNVERIFIED" in n for n in v.notes)
    assert not any("2021-09-01" in n for n in assess(make(on=datetime.date(2021, 9, 1))).notes)


def test_datetime_is_accepted_as_date():
    f = make(province=ZHEJIANG, on=datetime.datetime(2016, 8, 1, 9, 30))
    assert f.on == datetime.date(2016, 8, 1)
    assert rule_for(ZHEJIANG, datetime.datetime(2016, 8, 1, 0, 0)) is ZHEJIANG_2016


# --- input validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"employees": -1},
        {"ft": -1},
        {"pt": -2},
        {"employees": 1.5},
        {"sectors": ("mining",)},
        {"province": "3"},
        {"province": "ab"},
        {"province": "3301"},
        {"province": ""},
        {"on": "2024-01-01"},
    ],
)
def test_invalid_facts_raise(kwargs):
    with pytest.raises(ValueError):
        make(**kwargs)


def test_zero_employees_is_allowed():
    v = assess(make(employees=0, pt=1))
    assert v.compliant


def test_sectors_may_be_any_iterable():
    f = StaffingFacts("33", {"coal_mine"}, 10, False, 1, 0, TODAY)
    assert f.sectors == frozenset({"coal_mine"})


@pytest.mark.parametrize("bad", ["3", "x1", "1234"])
def test_rule_for_rejects_bad_province(bad):
    with pytest.raises(ValueError):
        rule_for(bad, TODAY)


# --- the table itself ------------------------------------------------------------------------------

STATUSES = {"VERIFIED-PRIMARY", "VERIFIED-SECONDARY", "UNVERIFIED"}


@pytest.mark.parametrize("rule", STAFFING_RULES, ids=lambda r: r.key)
def test_rows_cite_source_status_and_dates(rule):
    assert rule.title.startswith("《") and rule.article.startswith("第")
    assert rule.source
    assert rule.status in STATUSES
    assert rule.effective_from_status.split()[0] in STATUSES
    assert rule.effective_to is None or rule.effective_to >= rule.effective_from
    assert (rule.province_code is None) == (rule is NATIONAL_RULE)


def test_national_row_matches_the_brief():
    assert NATIONAL_RULE.effective_from == datetime.date(2021, 9, 1)
    assert NATIONAL_RULE.effective_from_status == "UNVERIFIED"
    assert NATIONAL_RULE.status == "VERIFIED-PRIMARY"


def test_table_check_rejects_gaps():
    gap = dataclasses.replace(
        NATIONAL_RULE,
        key="bad",
        other_bands=(Band(0, 99, Body.NONE, part_time_ok=True), Band(101, None, Body.EITHER, full_time=1)),
    )
    with pytest.raises(ValueError):
        staffing._check_table((gap,))


EMPLOYEES = (0, 1, 49, 50, 51, 99, 100, 101, 150, 151, 299, 300, 301, 999, 1000, 1001, 4999, 5000, 12000)
PROFILES = (
    {"sectors": HIGH},
    {"sectors": OTHER, "metal_smelting": True},
    {"sectors": OTHER, "hazchem_use": True, "major_hazard_source": True},
    {"sectors": OTHER},
)


@pytest.mark.parametrize("rule", [r for r in STAFFING_RULES if r.province_code], ids=lambda r: r.key)
def test_provincial_rows_never_relax_the_national_rule(rule):
    for employees, profile, body, ft, pt in itertools.product(
        EMPLOYEES, PROFILES, (False, True), (0, 1, 2, 3, 4, 8, 10, 15, 120, 240), (0, 1)
    ):
        f = make(province=rule.province_code, employees=employees, body=body, ft=ft, pt=pt, **profile)
        if assess_with(rule, f).compliant:
            assert assess_with(NATIONAL_RULE, f).compliant, (rule.key, f)


def test_national_rule_still_applies_where_a_provincial_band_is_laxer():
    # Henan: a hazchem user with a 重大危险源 and 60 staff is high-risk; its independent body satisfies
    # Henan 第十四条, but nationally it is a 第二款 unit of ≤100 staff that needs a safety manager.
    f = make(province=HENAN, employees=60, body=True, hazchem_use=True, major_hazard_source=True)
    v = assess(f)
    assert v.high_risk and v.body_or_full_time
    assert not v.compliant
    assert v.shortfalls == ("未配备专职或者兼职的安全生产管理人员。",)
    assert any(NAT_2 in n for n in v.notes)
    assert assess(dataclasses.replace(f, part_time=1)).compliant
