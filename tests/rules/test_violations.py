"""违法行为库 — fine ranges against the text of 安全生产法 2021 第六章 (no database)."""

import datetime

import pytest

from anjian.rules import violations
from anjian.rules.violations import (
    CRIME_REFERENCES,
    VIOLATIONS,
    accident_fine_range,
    all_violations,
    by_article,
    check_fine,
    check_income_fine,
    continuing_penalty,
    crime_reference,
    get,
    label,
)

D = datetime.date

# --- table integrity -----------------------------------------------------------------------------


def test_codes_unique_and_ascii():
    codes = [v.code for v in VIOLATIONS]
    assert len(codes) == len(set(codes))
    assert all(c.isascii() for c in codes)
    assert all_violations() == VIOLATIONS


@pytest.mark.parametrize(
    ("article", "count"),
    [
        ("第九十三条", 2),
        ("第九十四条", 2),
        ("第九十五条", 4),
        ("第九十六条", 2),
        ("第九十七条", 7),
        ("第九十八条", 4),
        ("第九十九条", 8),
        ("第一百零一条", 5),
        ("第一百零二条", 1),
        ("第一百零三条", 4),
        ("第一百零四条", 1),
        ("第一百零五条", 2),
        ("第一百零六条", 1),
        ("第一百一十条", 2),
        ("第一百一十二条", 1),
        ("第一百一十三条", 4),
        ("第一百一十四条", 4),
    ],
)
def test_rows_per_article(article, count):
    assert len(by_article(article)) == count


def test_all_rows_verified_primary_and_in_force():
    assert {v.status for v in VIOLATIONS} == {"VERIFIED-PRIMARY"}
    assert len(violations.in_force(D(2021, 9, 1))) == len(VIOLATIONS)
    assert violations.in_force(D(2021, 8, 31)) == ()


def test_get_unknown():
    with pytest.raises(KeyError):
        get("aqf2021.97.9")


def test_label_and_duty():
    v = get("aqf2021.97.3")
    assert label(v) == "第九十七条第（三）项 未按规定进行安全生产教育和培训或未如实告知有关安全生产事项"
    assert "第二十八条" in v.duty_articles
    assert get("aqf2021.97.7").duty_articles == ("第三十条",)


def test_malformed_table_raises(monkeypatch):
    bad = violations.Violation(
        code="aqf2021.97.1",
        title="x",
        duty_articles=(),
        penalty_article="第九十八条",
        clause="",
        text="x",
        immediate=violations.Stage(("x",)),
        source="x",
    )
    monkeypatch.setattr(violations, "VIOLATIONS", (bad,))
    monkeypatch.setattr(violations, "_BY_CODE", {})
    with pytest.raises(ValueError, match="does not match"):
        violations._check_tables()


# --- fine ranges (party, stage, boundaries) ---------------------------------------------------------

FINE_CASES = [
    # code, party, stage, amount, ok
    ("aqf2021.97.3", "unit", "immediate", 1, True),
    ("aqf2021.97.3", "unit", "immediate", 100_000, True),
    ("aqf2021.97.3", "unit", "immediate", 100_001, False),
    ("aqf2021.97.3", "unit", "immediate", 0, False),
    ("aqf2021.97.3", "person", "immediate", 20_000, False),  # persons only after the deadline
    ("aqf2021.97.3", "unit", "after_deadline", 99_999, False),
    ("aqf2021.97.3", "unit", "after_deadline", 100_000, True),
    ("aqf2021.97.3", "unit", "after_deadline", 200_000, True),
    ("aqf2021.97.3", "unit", "after_deadline", 200_001, False),
    ("aqf2021.97.3", "person", "after_deadline", 19_999, False),
    ("aqf2021.97.3", "person", "after_deadline", 20_000, True),
    ("aqf2021.97.3", "person", "after_deadline", 50_000, True),
    ("aqf2021.97.3", "person", "after_deadline", 50_001, False),
    ("aqf2021.101.2", "unit", "after_deadline", 200_000, True),
    ("aqf2021.94.k1", "person", "immediate", 19_999, False),
    ("aqf2021.94.k1", "person", "immediate", 20_000, True),
    ("aqf2021.94.k1", "person", "immediate", 50_000, True),
    ("aqf2021.94.k1", "person", "after_deadline", 50_000, True),
    ("aqf2021.94.k1", "person", "after_deadline", 100_001, False),
    ("aqf2021.94.k1", "unit", "immediate", 10_000, False),  # 第九十四条 fines the principal only
    ("aqf2021.96", "person", "immediate", 9_999, False),
    ("aqf2021.96", "person", "immediate", 30_000, True),
    ("aqf2021.98.1", "unit", "immediate", 99_999, False),
    ("aqf2021.98.1", "unit", "immediate", 100_000, True),
    ("aqf2021.98.1", "unit", "immediate", 500_000, True),
    ("aqf2021.98.1", "person", "immediate", 20_000, True),
    ("aqf2021.98.4", "unit", "after_deadline", 500_000, True),
    ("aqf2021.98.4", "unit", "after_deadline", 1_000_001, False),
    ("aqf2021.98.4", "person", "after_deadline", 100_000, True),
    ("aqf2021.99.4", "unit", "immediate", 50_000, True),
    ("aqf2021.99.4", "unit", "immediate", 50_001, False),
    ("aqf2021.99.8", "unit", "after_deadline", 49_999, False),
    ("aqf2021.99.8", "unit", "after_deadline", 200_000, True),
    ("aqf2021.99.8", "person", "after_deadline", 10_000, True),
    ("aqf2021.99.8", "person", "after_deadline", 20_001, False),
    ("aqf2021.102", "unit", "immediate", 50_000, True),
    ("aqf2021.102", "unit", "immediate", 50_001, False),
    ("aqf2021.102", "unit", "after_deadline", 50_000, False),  # refusal stage fines persons only
    ("aqf2021.102", "person", "after_deadline", 50_000, True),
    ("aqf2021.102", "person", "after_deadline", 100_000, True),
    ("aqf2021.102", "person", "after_deadline", 100_001, False),
    ("aqf2021.103.k2", "person", "immediate", 10_000, True),
    ("aqf2021.103.k2", "person", "immediate", 10_001, False),
    ("aqf2021.103.k3", "person", "immediate", 20_000, True),
    ("aqf2021.104", "unit", "immediate", 50_000, True),
    ("aqf2021.104", "unit", "after_deadline", 1, False),
    ("aqf2021.105.2", "person", "immediate", 10_000, True),
    ("aqf2021.106", "person", "immediate", 19_999, False),
    ("aqf2021.106", "person", "immediate", 100_000, True),
    ("aqf2021.108", "unit", "immediate", 20_000, False),  # only after refusal
    ("aqf2021.108", "unit", "after_deadline", 20_000, True),
    ("aqf2021.108", "unit", "after_deadline", 200_001, False),
    ("aqf2021.109", "unit", "immediate", 49_999, False),
    ("aqf2021.109", "unit", "immediate", 50_000, True),
    ("aqf2021.109", "unit", "after_deadline", 200_000, True),
    ("aqf2021.93.k1", "unit", "immediate", 1, False),  # no fine in 第九十三条第一款
    ("aqf2021.93.k2", "person", "immediate", 200_000, True),
    ("aqf2021.92.k1", "unit", "immediate", 29_999, False),
    ("aqf2021.92.k1", "unit", "immediate", 30_000, True),
    ("aqf2021.113.4", "unit", "immediate", 1, False),
]


@pytest.mark.parametrize(("code", "party", "stage", "amount", "ok"), FINE_CASES)
def test_check_fine(code, party, stage, amount, ok):
    verdict = check_fine(code, party, amount, stage=stage)
    assert verdict.ok is ok, verdict.message
    assert get(code).penalty_article in verdict.message


def test_message_names_range_and_article():
    v = check_fine("aqf2021.97.3", "unit", 100_001)
    assert v.message == (
        "对生产经营单位罚款100001元不符合《中华人民共和国安全生产法》第九十七条第（三）项：应为10万元以下。"
    )
    v = check_fine("aqf2021.97.3", "person", 30_000, stage="after_deadline")
    assert v.ok and "逾期未改正" in v.message and "2万元以上5万元以下" in v.message


@pytest.mark.parametrize(
    ("code", "at_once"),
    [
        ("aqf2021.97.1", True),
        ("aqf2021.99.1", True),
        ("aqf2021.102", True),
        ("aqf2021.108", False),
        ("aqf2021.93.k1", False),
        ("aqf2021.103.k1", True),
        ("aqf2021.113.1", False),
    ],
)
def test_fine_at_once(code, at_once):
    assert get(code).fine_at_once is at_once


@pytest.mark.parametrize(
    ("gains", "amount", "ok"),
    [
        (None, 150_000, False),  # gains must be given
        (0, 99_999, False),
        (0, 100_000, True),
        (99_999, 200_000, True),
        (99_999, 200_001, False),
        (100_000, 199_999, False),
        (100_000, 200_000, True),
        (100_000, 500_000, True),
        (100_000, 500_001, False),
    ],
)
def test_gains_based_fine(gains, amount, ok):
    assert check_fine("aqf2021.103.k1", "unit", amount, illegal_gains=gains).ok is ok


@pytest.mark.parametrize("kwargs", [{"party": "company"}, {"stage": "later"}, {"amount": 1.5}, {"amount": True}])
def test_check_fine_bad_arguments(kwargs):
    args = {"party": "unit", "amount": 1000, "stage": "immediate"} | kwargs
    with pytest.raises(ValueError):
        check_fine("aqf2021.97.1", args["party"], args["amount"], stage=args["stage"])


# --- 第一百一十四条: accident fines on the unit ------------------------------------------------------

ACCIDENT_CASES = [
    ("general", "aqf2021.114.1", 300_000, 1_000_000),
    ("larger", "aqf2021.114.2", 1_000_000, 2_000_000),
    ("major", "aqf2021.114.3", 2_000_000, 10_000_000),
    ("especially_major", "aqf2021.114.4", 10_000_000, 20_000_000),
]


@pytest.mark.parametrize(("grade", "code", "lo", "hi"), ACCIDENT_CASES)
def test_accident_fines(grade, code, lo, hi):
    assert accident_fine_range(grade) == (lo, hi)
    assert get(code).accident_grade == grade
    assert check_fine(code, "unit", lo).ok
    assert check_fine(code, "unit", hi).ok
    assert not check_fine(code, "unit", lo - 1).ok
    assert not check_fine(code, "unit", hi + 1).ok


@pytest.mark.parametrize(("grade", "code", "lo", "hi"), ACCIDENT_CASES)
def test_accident_fines_aggravated(grade, code, lo, hi):
    assert accident_fine_range(grade, aggravated=True) == (2 * lo, 5 * hi)
    assert check_fine(code, "unit", 5 * hi, aggravated=True).ok
    assert not check_fine(code, "unit", 2 * lo - 1, aggravated=True).ok
    assert not check_fine(code, "unit", 5 * hi + 1, aggravated=True).ok


def test_general_accident_floor_is_30_wan_not_20():
    # 第一百一十四条第一款第（一）项: 「处三十万元以上一百万元以下的罚款」.
    assert not check_fine("aqf2021.114.1", "unit", 200_000).ok


def test_aggravated_only_for_114():
    with pytest.raises(ValueError):
        check_fine("aqf2021.97.1", "unit", 1000, aggravated=True)
    with pytest.raises(ValueError):
        accident_fine_range("minor")


# --- percentages of income (第九十五条, 第九十六条, 第一百一十条) ---------------------------------------


@pytest.mark.parametrize(
    ("code", "grade", "pct"),
    [
        ("aqf2021.95.1", "general", 40),
        ("aqf2021.95.2", "larger", 60),
        ("aqf2021.95.3", "major", 80),
        ("aqf2021.95.4", "especially_major", 100),
    ],
)
def test_principal_accident_percent(code, grade, pct):
    assert violations.PRINCIPAL_ACCIDENT_PERCENT[grade] == pct
    assert get(code).accident_grade == grade
    income = 200_000
    assert check_income_fine(code, income * pct // 100, income).ok
    assert not check_income_fine(code, income * pct // 100 + 1, income).ok
    assert not check_income_fine(code, income * pct // 100 - 1, income).ok


@pytest.mark.parametrize(
    ("code", "income", "lo", "hi"),
    [
        ("aqf2021.96.accident", 100_000, 20_000, 50_000),
        ("aqf2021.110.k1", 100_000, 60_000, 100_000),
        ("aqf2021.110.k2", 100_000, 60_000, 100_000),
        ("aqf2021.95.1", 12_345, 4_938, 4_938),
        ("aqf2021.95.2", 12_345, 7_407, 7_407),
        ("aqf2021.95.3", 12_343, 9_874, 9_875),  # 9874.4: either whole 元
    ],
)
def test_income_fine_range(code, income, lo, hi):
    assert violations.income_fine_range(code, income) == (lo, hi)
    assert check_income_fine(code, lo, income).ok
    assert check_income_fine(code, hi, income).ok


def test_income_fine_via_check_fine_is_redirected():
    v = check_fine("aqf2021.95.1", "person", 40_000)
    assert not v.ok and "check_income_fine" in v.message
    with pytest.raises(ValueError):
        violations.income_fine_range("aqf2021.97.1", 100_000)


# --- 第一百一十二条: 按日连续处罚 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "order", "until", "start", "days", "total"),
    [
        (50_000, D(2024, 1, 10), D(2024, 1, 10), D(2024, 1, 11), 0, 0),  # the order day itself is not counted
        (50_000, D(2024, 1, 10), D(2024, 1, 11), D(2024, 1, 11), 1, 50_000),
        (50_000, D(2024, 1, 10), D(2024, 1, 20), D(2024, 1, 11), 10, 500_000),
        (10_000, D(2024, 2, 28), D(2024, 3, 1), D(2024, 2, 29), 2, 20_000),  # leap day counted
        (10_000, D(2023, 12, 31), D(2024, 1, 1), D(2024, 1, 1), 1, 10_000),
        (10_000, D(2024, 1, 10), D(2024, 1, 1), D(2024, 1, 11), 0, 0),
    ],
)
def test_continuing_penalty(amount, order, until, start, days, total):
    p = continuing_penalty(amount, order, until)
    assert (p.start, p.days, p.per_day, p.total) == (start, days, amount, total)


@pytest.mark.parametrize("amount", [0, -1, 1.0, True])
def test_continuing_penalty_requires_prior_fine(amount):
    with pytest.raises(ValueError):
        continuing_penalty(amount, D(2024, 1, 1), D(2024, 1, 5))


def test_112_row_redirects():
    assert "continuing_penalty" in check_fine("aqf2021.112", "unit", 1000).message


# --- 刑法 第一百三十四条之一 ----------------------------------------------------------------------------


def test_crime_references():
    assert [c.item for c in CRIME_REFERENCES] == ["第（一）项", "第（二）项", "第（三）项"]
    assert {c.crime for c in CRIME_REFERENCES} == {"危险作业罪"}
    assert crime_reference("xf.134-1.2").text.startswith("因存在重大事故隐患被依法责令停产停业")
    assert "aqf2021.99.4" in crime_reference("xf.134-1.1").related_violations
    assert all(c.effective_from == D(2021, 3, 1) for c in CRIME_REFERENCES)
    assert CRIME_REFERENCES[0].penalty == "处一年以下有期徒刑、拘役或者管制"
