"""Personnel certificates — validity, reviews, renewal, reminders, catalogues and numbers (no database).

Cases from regulations.md §4; VERIFIED-PRIMARY rows are checked against the statute mirror.
"""

import datetime
import re
from pathlib import Path

import pytest

from anjian.rules import certificates as c
from anjian.rules import equipment, id_card
from anjian.rules.certificates import (
    EQUIPMENT_OPERATOR,
    SAFETY_QUALIFICATION,
    SPECIAL_OPERATION,
    catalogue_item,
    certificate_dates,
    items_for_equipment,
    number_problem,
    reminders_due,
    status_on,
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
ID = "11010519491231002X"


# --- kinds --------------------------------------------------------------------------------------------------------


def test_kind_rules_from_the_text():
    so = c.kind_rule(SPECIAL_OPERATION)
    assert (so.validity_years, so.review_years, so.extended_review_years, so.apply_window_days) == (6, 3, 6, 60)
    assert so.label == "特种作业操作证" and "令第30号" in so.source
    assert all(a in so.source for a in ("第十九条", "第二十一条", "第二十二条"))
    sq = c.kind_rule(SAFETY_QUALIFICATION)
    assert (sq.validity_years, sq.review_years, sq.apply_window_days, sq.apply_window_kind) == (3, None, 30, "at_least")
    assert "令第44号" in sq.source and "第二十五条" in sq.source
    eo = c.kind_rule(EQUIPMENT_OPERATOR)
    assert (eo.validity_years, eo.review_years, eo.apply_window_months) == (4, None, 1)
    assert eo.apply_window_status == "UNVERIFIED" and "TSG Z6001-2019" in eo.source
    assert c.KINDS == (SPECIAL_OPERATION, SAFETY_QUALIFICATION, EQUIPMENT_OPERATOR)
    for r in c.KIND_RULES:
        assert r.status in c.STATUSES and r.source and r.note and isinstance(r.effective_from, datetime.date)
    with pytest.raises(ValueError):
        c.kind_rule("driving_licence")


def test_reminder_days_are_a_platform_setting():
    assert c.REMINDER_DAYS == (90, 60, 30, 7)
    assert c.REMINDER_RULE.status == "UNVERIFIED" and "平台设置" in c.REMINDER_RULE.title


# --- due dates ------------------------------------------------------------------------------------------------------


def test_special_operation_first_review_at_three_years():
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15))
    assert d.valid_until == D(2026, 3, 15)
    assert d.next_review_due == D(2023, 3, 15) and d.due == D(2023, 3, 15) and d.due_kind == "review"
    assert d.apply_from == D(2023, 1, 14)  # 60 days before (期满前60日内)
    assert d.apply_by == d.due
    assert d.review_dues == (D(2023, 3, 15),)
    assert d.due_kind_label == "复审"


@pytest.mark.parametrize(
    "review",
    [D(2023, 1, 14), D(2023, 3, 15), D(2023, 5, 1)],  # early within the window, on time, late: all count
)
def test_review_counts_for_its_due_date(review):
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), reviews=[review])
    assert d.next_review_due is None and d.due == D(2026, 3, 15) and d.due_kind == "renewal"
    assert d.apply_from == D(2026, 1, 14)


def test_extended_review_cycle_of_six_years():
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), extended_review=True)
    assert d.next_review_due is None and d.due == D(2026, 3, 15) and d.due_kind == "renewal"


def test_renewal_is_a_new_valid_until_and_reviews_count_from_the_issue_date():
    # Renewed (延期复审) on 2026-03-01 for another 6 years: reviews due at 3, 6 and 9 years from the issue date.
    d = certificate_dates(
        SPECIAL_OPERATION, issued_on=D(2020, 3, 15), valid_until=D(2032, 3, 15), reviews=[D(2023, 3, 1), D(2026, 3, 1)]
    )
    assert d.review_dues == (D(2023, 3, 15), D(2026, 3, 15), D(2029, 3, 15))
    assert d.next_review_due == D(2029, 3, 15) and d.due_kind == "review"
    e = certificate_dates(
        SPECIAL_OPERATION,
        issued_on=D(2020, 3, 15),
        valid_until=D(2032, 3, 15),
        reviews=[D(2023, 3, 1), D(2026, 3, 1)],
        extended_review=True,
    )
    assert e.review_dues == (D(2026, 3, 15),) and e.next_review_due is None and e.due == D(2032, 3, 15)


def test_safety_qualification_three_years_apply_at_least_30_days_before():
    d = certificate_dates(SAFETY_QUALIFICATION, issued_on=D(2022, 6, 30))
    assert d.valid_until == D(2025, 6, 30) and d.next_review_due is None and d.due_kind == "renewal"
    assert d.apply_from == D(2025, 5, 31) and d.apply_by == D(2025, 5, 31)  # 届满30日前
    with pytest.raises(ValueError):
        certificate_dates(SAFETY_QUALIFICATION, issued_on=D(2022, 6, 30), extended_review=True)


def test_equipment_operator_four_years_one_month_lead():
    d = certificate_dates(EQUIPMENT_OPERATOR, issued_on=D(2021, 3, 31))
    assert d.valid_until == D(2025, 3, 31) and d.due == D(2025, 3, 31) and d.due_kind == "renewal"
    assert d.apply_from == D(2025, 2, 28)  # one month before, end-of-month clamped


def test_leap_day_issue():
    assert certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 2, 29)).valid_until == D(2026, 2, 28)
    assert certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 2, 29)).next_review_due == D(2023, 2, 28)
    assert certificate_dates(SAFETY_QUALIFICATION, issued_on=D(2020, 2, 29)).valid_until == D(2023, 2, 28)


def test_printed_valid_until_is_used():
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), valid_until=D(2026, 3, 14))
    assert d.valid_until == D(2026, 3, 14)


def test_bad_dates_refused():
    with pytest.raises(ValueError):
        certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), valid_until=D(2020, 3, 15))
    with pytest.raises(ValueError):
        certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), reviews=[D(2019, 1, 1)])
    with pytest.raises(ValueError):
        certificate_dates(SPECIAL_OPERATION, issued_on="2020-03-15")


# --- status -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviews", "on", "expected"),
    [
        ((), D(2023, 3, 15), "valid"),  # the due date itself
        ((), D(2023, 3, 16), "review_overdue"),
        ((D(2023, 4, 1),), D(2023, 3, 20), "review_overdue"),  # the review is dated after `on`
        ((D(2023, 4, 1),), D(2023, 4, 1), "valid"),
        ((D(2023, 3, 1),), D(2026, 3, 15), "valid"),
        ((D(2023, 3, 1),), D(2026, 3, 16), "expired"),
        ((), D(2026, 3, 16), "expired"),
    ],
)
def test_status_on(reviews, on, expected):
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15), reviews=reviews)
    assert status_on(d, on) == expected
    assert c.STATUS_LABELS[expected]


def test_status_on_with_reviews_recorded_later():
    d = certificate_dates(SPECIAL_OPERATION, issued_on=D(2020, 3, 15))
    assert status_on(d, D(2023, 6, 1)) == "review_overdue"
    assert status_on(d, D(2023, 6, 1), reviews=[D(2023, 5, 1)]) == "valid"
    assert c.STATUS_LABELS == {"valid": "有效", "review_overdue": "逾期未复审", "expired": "已过期"}


# --- reminders --------------------------------------------------------------------------------------------------

DUE = D(2025, 6, 30)


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (91, []),
        (90, [90]),
        (61, [90]),
        (60, [90, 60]),
        (30, [90, 60, 30]),
        (8, [90, 60, 30]),
        (7, [90, 60, 30, 7]),
        (0, [90, 60, 30, 7]),
        (-1, []),  # after the due date
    ],
)
def test_reminders_due(days_before, expected):
    assert reminders_due(DUE, DUE - datetime.timedelta(days=days_before)) == expected


def test_daily_scan_sends_each_reminder_once_on_its_day():
    sent: dict[int, datetime.date] = {}
    day = DUE - datetime.timedelta(days=120)
    while day <= DUE + datetime.timedelta(days=5):
        for offset in reminders_due(DUE, day):
            sent.setdefault(offset, day)
        day += datetime.timedelta(days=1)
    assert sent == {n: DUE - datetime.timedelta(days=n) for n in (90, 60, 30, 7)}


def test_scan_started_late_catches_up():
    assert reminders_due(DUE, DUE - datetime.timedelta(days=10)) == [90, 60, 30]


# --- numbers ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "holder", "code"),
    [
        (SPECIAL_OPERATION, ID, ID, None),  # ID number as certificate number, the holder's
        (SPECIAL_OPERATION, ID.lower(), ID, None),
        (SPECIAL_OPERATION, "１１０１０５１９４９１２３１００２Ｘ", ID, None),
        (SPECIAL_OPERATION, ID, "110105194912310021", "not_holder_id"),
        (EQUIPMENT_OPERATOR, ID, "110105194912310021", "not_holder_id"),
        (EQUIPMENT_OPERATOR, ID, None, None),  # holder's ID unknown: cannot compare
        (SAFETY_QUALIFICATION, ID, "110105194912310021", None),  # no ID-number practice for this kind
        (SPECIAL_OPERATION, "11010519491231003X", ID, None),  # fails the GB 11643 check: an ordinary number
        (SPECIAL_OPERATION, "T110105194912", ID, None),
        (SAFETY_QUALIFICATION, "JS-2024-000123", None, None),
        (SAFETY_QUALIFICATION, " js-2024-000123 ", None, None),
        (SAFETY_QUALIFICATION, "ＪＳ－２０２４－０００１２３", None, None),
        (SAFETY_QUALIFICATION, "", None, "empty"),
        (SAFETY_QUALIFICATION, "   ", None, "empty"),
        (SAFETY_QUALIFICATION, "A1234", None, "length"),
        (SAFETY_QUALIFICATION, "A12345", None, None),  # 6: the minimum
        (SAFETY_QUALIFICATION, "A" * 30, None, None),
        (SAFETY_QUALIFICATION, "A" * 31, None, "length"),
        (SAFETY_QUALIFICATION, "JS 2024 0001", None, "characters"),
        (SAFETY_QUALIFICATION, "苏安2024-0001", None, "characters"),
        (SAFETY_QUALIFICATION, "JS_2024_0001", None, "characters"),
    ],
)
def test_number_problem(kind, number, holder, code):
    p = number_problem(kind, number, holder_id_number=holder)
    assert (p.code if p else None) == code
    if p:
        assert p.message and re.search("[\u4e00-\u9fff]", p.message)


def test_normalise_number():
    assert c.normalise_number("\u3000ｊｓ－２０２４\u3000") == "JS-2024"
    assert c.normalise_number(None) == ""
    assert c.ID_NUMBER_AS_CERTIFICATE_RULE.status == "UNVERIFIED"


def test_holder_id_is_normalised_before_comparing():
    assert number_problem(SPECIAL_OPERATION, ID, holder_id_number="110105 19491231 002x") is None
    assert id_card.validate(ID).ok


# --- 《特种作业目录》 ----------------------------------------------------------------------------------------------


def test_categories():
    names = [cat.name for cat in c.SPECIAL_OPERATION_CATEGORIES]
    assert names == [
        "电工作业",
        "焊接与热切割作业",
        "高处作业",
        "制冷与空调作业",
        "煤矿安全作业",
        "金属非金属矿山安全作业",
        "石油天然气安全作业",
        "冶金（有色）生产安全作业",
        "危险化学品安全作业",
        "烟花爆竹安全作业",
        "其他",
    ]
    assert {cat.status for cat in c.SPECIAL_OPERATION_CATEGORIES} == {"VERIFIED-SECONDARY"}


@pytest.mark.parametrize(
    ("category", "count"),
    [("1", 3), ("2", 3), ("3", 2), ("4", 2), ("5", 10), ("7", 1), ("8", 1), ("9", 16)],
)
def test_category_item_counts(category, count):
    assert len(c.catalogue_items(category)) == count


def test_metal_mine_items_at_least_five():
    assert len(c.catalogue_items("6")) >= 5
    assert len(c.catalogue_items("10")) >= 1


def test_hazchem_items():
    assert [i.item for i in c.catalogue_items("9")] == [
        "光气及光气化工艺作业",
        "氯碱电解工艺作业",
        "氯化工艺作业",
        "硝化工艺作业",
        "合成氨工艺作业",
        "裂解（裂化）工艺作业",
        "氟化工艺作业",
        "加氢工艺作业",
        "重氮化工艺作业",
        "氧化工艺作业",
        "过氧化工艺作业",
        "胺基化工艺作业",
        "磺化工艺作业",
        "聚合工艺作业",
        "烷基化工艺作业",
        "化工自动化控制仪表作业",
    ]


@pytest.mark.parametrize(
    ("code", "category", "item", "status"),
    [
        ("1.1", "电工作业", "高压电工作业", "VERIFIED-SECONDARY"),
        ("1.2", "电工作业", "低压电工作业", "VERIFIED-SECONDARY"),
        ("1.3", "电工作业", "防爆电气作业", "VERIFIED-SECONDARY"),
        ("2.1", "焊接与热切割作业", "熔化焊接与热切割作业", "VERIFIED-SECONDARY"),
        ("3.2", "高处作业", "高处安装、维护、拆除作业", "VERIFIED-SECONDARY"),
        ("4.1", "制冷与空调作业", "制冷与空调设备运行操作作业", "UNVERIFIED"),
        ("7.1", "石油天然气安全作业", "司钻作业", "VERIFIED-SECONDARY"),
        ("8.1", "冶金（有色）生产安全作业", "煤气作业", "VERIFIED-SECONDARY"),
        ("9.1", "危险化学品安全作业", "光气及光气化工艺作业", "UNVERIFIED"),
        ("9.16", "危险化学品安全作业", "化工自动化控制仪表作业", "VERIFIED-SECONDARY"),
    ],
)
def test_catalogue_item(code, category, item, status):
    i = catalogue_item(code)
    assert (i.category, i.item, i.status) == (category, item, status)
    assert i.code.split(".")[0] == i.category_code


def test_catalogue_unknown_and_rows():
    assert catalogue_item("12.1") is None and catalogue_item(None) is None
    assert catalogue_item(" 1.1 ").item == "高压电工作业"
    codes = [i.code for i in c.SPECIAL_OPERATION_CATALOGUE]
    assert len(codes) == len(set(codes))
    for i in c.SPECIAL_OPERATION_CATALOGUE:
        assert i.status in c.STATUSES and i.source
        if i.status == "UNVERIFIED":
            assert "未核实" in i.source


# --- TSG Z6001-2019 items -----------------------------------------------------------------------------------------


def test_equipment_kinds_match_the_equipment_module():
    assert c.EQUIPMENT_KINDS == equipment.KINDS


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("boiler", ("A", "G1", "G2", "G3", "F")),
        ("pressure_vessel", ("A", "R1", "R2", "R3", "F")),
        ("gas_cylinder", ("A", "P")),
        ("pressure_pipeline", ("A", "F")),
        ("elevator", ("A", "T")),
        ("lifting", ("A", "Q1", "Q2")),
        ("in_plant_vehicle", ("A", "N1", "N2")),
        ("ropeway", ("A", "S1", "S2")),
        ("amusement", ("A", "Y1", "Y2")),
    ],
)
def test_items_for_equipment(kind, codes):
    assert items_for_equipment(kind) == codes


def test_equipment_items():
    names = {i.code: i.name for i in c.EQUIPMENT_OPERATOR_ITEMS}
    assert names["A"] == "特种设备安全管理"
    assert names["G1"] == "工业锅炉司炉" and names["G2"] == "电站锅炉司炉" and names["G3"] == "锅炉水处理"
    assert names["R1"] == "快开门式压力容器操作" and names["R2"] == "移动式压力容器充装"
    assert names["P"] == "气瓶充装" and names["T"] == "电梯修理"
    assert names["Q1"] == "起重机指挥" and names["Q2"] == "起重机司机"
    assert names["N1"] == "叉车司机" and names["N2"] == "观光车和观光列车司机"
    for i in c.EQUIPMENT_OPERATOR_ITEMS:
        assert i.status in c.STATUSES and "TSG Z6001-2019" in i.source
    assert c.equipment_operator_item("q2").name == "起重机司机"
    with pytest.raises(ValueError):
        items_for_equipment("crane")


def test_public_names():
    for name in c.__all__:
        assert hasattr(c, name), name


# --- citations against the statute mirror -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mirror():
    return load_mirror(c.MIRRORED_LAWS)


PRIMARY = [(r.code, r.source, r.note) for r in c.RULES if r.status == "VERIFIED-PRIMARY"]


def test_statuses():
    assert {r.status for r in c.RULES} <= set(c.STATUSES)
    assert {p[0] for p in PRIMARY} == {"special_operation_required", "safety_qualification_required"}
    for code, source, _ in PRIMARY:
        assert citations(source, c.MIRRORED_LAWS), code


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_citations_exist(row, mirror):
    assert_cited_articles_exist(row[0], row[1], mirror, c.MIRRORED_LAWS)


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_in_mirror(row, mirror):
    assert_quotes_in_mirror(row[0], row[1], row[2], mirror, c.MIRRORED_LAWS)


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
    code, source, note = row
    for law, article, _, _ in citations(source, c.MIRRORED_LAWS):
        text = _article_text(c.MIRRORED_LAWS[law], article)
        for quote in re.findall("「(.+?)」", note):
            assert normalise(quote) in text, f"{code}: 「{quote}」 not in {law}{article}"


@pytest.mark.parametrize(
    "kind, codes",
    [
        ("boiler", ("G1", "G2", "G3")),
        ("lifting", ("Q1", "Q2")),
        ("in_plant_vehicle", ("N1", "N2")),
        ("pressure_pipeline", ("A",)),  # no operating item of its own: the safety-management item stands in
    ],
)
def test_operator_items_leave_out_management_and_valve_items(kind, codes):
    from anjian.rules.certificates import NON_OPERATING_ITEMS, operator_items_for_equipment

    assert operator_items_for_equipment(kind) == codes
    if kind != "pressure_pipeline":
        assert not NON_OPERATING_ITEMS & set(operator_items_for_equipment(kind))
