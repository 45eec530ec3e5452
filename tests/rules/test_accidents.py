"""生产安全事故 — grading, chain, deadlines, fines, types; citations against the statute mirror (no database).

The citation checks parse the mirrored statutes and are skipped when a file is absent.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from anjian.rules import accidents, violations
from anjian.rules.accidents import (
    ACCIDENT_TYPES,
    CHAIN,
    FOUR_NOT_LET_GO,
    INVESTIGATORS,
    MIRRORED_LAWS,
    NOTIFICATIONS,
    NOTIFIED_LABELS,
    SUPPLEMENT_WINDOWS,
    THRESHOLDS,
    VIOLATION_GRADE,
    AccidentGrade,
    chain_step,
    classify,
    closure_blockers,
    investigating_level,
    investigation_deadline,
    minutes_late,
    principal_fine_percent,
    reply_deadline,
    report_levels,
    same_level_notified,
    supplement_deadline,
    transmission_deadline,
    unit_fine_range,
)
from tests.rules.statute_mirror import (
    NUM,
    assert_cited_articles_exist,
    assert_quotes_in_mirror,
    citations,
    cn,
    load_mirror,
    normalise,
)

D = datetime.date
DT = datetime.datetime
G = AccidentGrade
ORD, LRG, SER, ESP = G.ORDINARY, G.LARGE, G.SERIOUS, G.ESPECIALLY_SERIOUS


def grade(deaths=0, injuries=0, loss=0, **kw):
    return classify(deaths=deaths, serious_injuries=injuries, direct_loss_yuan=loss, **kw).grade


# --- grading (第三条) ----------------------------------------------------------------------------------------------


def test_grade_enum():
    assert [g.value for g in accidents.GRADES] == ["ordinary", "large", "serious", "especially_serious"]
    assert [g.label for g in accidents.GRADES] == ["一般事故", "较大事故", "重大事故", "特别重大事故"]
    assert isinstance(ORD, str) and G("large") is LRG and str(SER) == "serious"
    assert [g.rank for g in accidents.GRADES] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "expected"),
    [
        (0, 0, 0, ORD),
        (2, 0, 0, ORD),
        (3, 0, 0, LRG),  # 「以上」包括本数
        (9, 0, 0, LRG),
        (10, 0, 0, SER),
        (29, 0, 0, SER),  # 「以下」不包括本数
        (30, 0, 0, ESP),
        (0, 9, 0, ORD),
        (0, 10, 0, LRG),
        (0, 49, 0, LRG),
        (0, 50, 0, SER),
        (0, 99, 0, SER),
        (0, 100, 0, ESP),
        (0, 0, 9_999_999, ORD),
        (0, 0, 10_000_000, LRG),
        (0, 0, 49_999_999, LRG),
        (0, 0, 50_000_000, SER),
        (0, 0, 99_999_999, SER),
        (0, 0, 100_000_000, ESP),
        (0, 0, Decimal("9999999.99"), ORD),
        (0, 0, Decimal("10000000.00"), LRG),
        (29, 100, 0, ESP),  # by injuries
        (2, 9, 9_999_999, ORD),  # all just below 较大
        (2, 10, 0, LRG),
        (9, 0, 50_000_000, SER),  # the loss decides
    ],
)
def test_grade_from_the_text(deaths, injuries, loss, expected):
    assert grade(deaths, injuries, loss) is expected


def test_reasons_one_per_dimension_reaching_the_grade():
    g = classify(deaths=29, serious_injuries=100, direct_loss_yuan=0)
    assert g.grade is ESP and len(g.reasons) == 1
    assert "重伤（包括急性工业中毒）100人" in g.reasons[0]
    assert "100人以上重伤" in g.reasons[0]
    assert g.reasons[0].endswith("《生产安全事故报告和调查处理条例》第三条第一款第（一）项。")
    assert dict(g.dimension_grades) == {"deaths": SER, "serious_injuries": ESP, "direct_loss": ORD}

    g = classify(deaths=3, serious_injuries=10, direct_loss_yuan=10_000_000)
    assert g.grade is LRG and len(g.reasons) == 3
    assert all("第三条第一款第（三）项" in r for r in g.reasons)
    assert "直接经济损失1000万元" in g.reasons[2]

    g = classify(deaths=1, serious_injuries=0, direct_loss_yuan=12345)
    assert g.grade is ORD and len(g.reasons) == 3
    assert "属于一般事故标准（3人以下死亡）" in g.reasons[0] and "第（四）项" in g.reasons[0]
    assert "12345元" in g.reasons[2]


@pytest.mark.parametrize(
    ("deaths", "missing", "counted", "expected", "expected_not_counted"),
    [
        (2, 1, True, LRG, ORD),
        (8, 2, True, SER, LRG),
        (28, 2, True, ESP, SER),
        (0, 3, True, LRG, ORD),
    ],
)
def test_missing_persons(deaths, missing, counted, expected, expected_not_counted):
    g = classify(deaths=deaths, serious_injuries=0, direct_loss_yuan=0, missing=missing)
    assert g.grade is expected
    assert g.deaths_counted == deaths + missing and g.missing_counted == missing
    assert "下落不明" in g.reasons[0]
    n = classify(deaths=deaths, serious_injuries=0, direct_loss_yuan=0, missing=missing, missing_count_as_deaths=False)
    assert n.grade is expected_not_counted
    assert n.deaths_counted == deaths and n.missing_counted == 0 and n.missing == missing


def test_missing_setting_is_ours_not_the_statute():
    r = accidents.MISSING_AS_DEATHS_RULE
    assert r.status == "UNVERIFIED"
    assert "平台" in r.title and "约定" in r.note and "第十二条" in r.note


def test_grading_keeps_inputs_and_is_frozen():
    g = classify(deaths=1, serious_injuries=2, direct_loss_yuan=Decimal("3.5"), missing=0)
    assert (g.deaths, g.serious_injuries, g.direct_loss_yuan, g.missing, g.missing_count_as_deaths) == (
        1,
        2,
        Decimal("3.5"),
        0,
        True,
    )
    assert g.label == "一般事故"
    with pytest.raises(AttributeError):
        g.grade = ESP


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deaths": -1},
        {"deaths": 1.0},
        {"deaths": True},
        {"deaths": "3"},
        {"serious_injuries": -5},
        {"serious_injuries": False},
        {"missing": -1},
        {"missing": 0.5},
        {"direct_loss_yuan": -1},
        {"direct_loss_yuan": Decimal("-0.01")},
        {"direct_loss_yuan": Decimal("NaN")},
        {"direct_loss_yuan": Decimal("Infinity")},
        {"direct_loss_yuan": 1e7},
        {"direct_loss_yuan": float("inf")},
        {"direct_loss_yuan": True},
        {"direct_loss_yuan": "10000000"},
        {"missing_count_as_deaths": 1},
    ],
)
def test_bad_grading_input(kwargs):
    args = {"deaths": 0, "serious_injuries": 0, "direct_loss_yuan": 0} | kwargs
    with pytest.raises(ValueError):
        classify(**args)


def test_classify_is_keyword_only():
    with pytest.raises(TypeError):
        classify(1, 2, 3)


def test_threshold_table():
    assert [t.grade for t in THRESHOLDS] == [ESP, SER, LRG, ORD]
    assert [(t.deaths_min, t.injuries_min, t.loss_min_yuan) for t in THRESHOLDS] == [
        (30, 100, 100_000_000),
        (10, 50, 50_000_000),
        (3, 10, 10_000_000),
        (0, 0, 0),
    ]
    assert all(t.status == "VERIFIED-PRIMARY" for t in THRESHOLDS)
    assert all("“以上”包括本数" in t.note for t in THRESHOLDS)


# --- reporting chain -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("g", "levels"),
    [
        (ORD, ("county", "city")),
        (LRG, ("county", "city", "province")),
        (SER, ("county", "city", "province", "state_council")),
        (ESP, ("county", "city", "province", "state_council")),
        ("large", ("county", "city", "province")),
    ],
)
def test_report_levels(g, levels):
    assert report_levels(g) == levels


def test_chain_rows():
    rows = {s.code: s for s in CHAIN}
    assert rows["site_to_unit"].immediate and rows["site_to_unit"].grades == frozenset(accidents.GRADES)
    assert rows["unit_to_county"].deadline == datetime.timedelta(hours=1)
    assert "第九条第一款" in rows["unit_to_county"].source
    for code in ("county_to_city", "city_to_province", "province_to_state_council"):
        assert rows[code].deadline_minutes == 120 and "第十一条" in rows[code].source
    assert rows["site_to_county_urgent"].optional and "第九条第二款" in rows["site_to_county_urgent"].source
    assert rows["to_state_council_government"].grades == frozenset({SER, ESP})
    assert "第十条第二款" in rows["to_state_council_government"].source
    assert rows["unit_to_county"].text.endswith("接到报告后1小时内")
    assert rows["site_to_unit"].text.endswith("立即")
    assert [s.code for s in accidents.steps_for(ORD)] == ["site_to_unit", "unit_to_county", "county_to_city"]
    assert "site_to_county_urgent" in [s.code for s in accidents.steps_for(ORD, include_optional=True)]


@pytest.mark.parametrize(
    ("received", "code", "due"),
    [
        (DT(2024, 3, 1, 23, 30), "unit_to_county", DT(2024, 3, 2, 0, 30)),  # across midnight
        (DT(2024, 2, 28, 22, 15), "county_to_city", DT(2024, 2, 29, 0, 15)),  # leap day
        (DT(2023, 12, 31, 23, 0), "city_to_province", DT(2024, 1, 1, 1, 0)),  # across the year
        (DT(2024, 5, 6, 9, 0), "province_to_state_council", DT(2024, 5, 6, 11, 0)),
    ],
)
def test_transmission_deadline(received, code, due):
    assert transmission_deadline(received, step=code) == due
    assert transmission_deadline(received, step=chain_step(code)) == due


def test_transmission_deadline_keeps_timezone():
    tz = datetime.timezone(datetime.timedelta(hours=8))
    due = transmission_deadline(DT(2024, 3, 1, 23, 30, tzinfo=tz), step="unit_to_county")
    assert due == DT(2024, 3, 2, 0, 30, tzinfo=tz) and due.tzinfo is tz


def test_transmission_deadline_bad_input():
    with pytest.raises(ValueError, match="立即"):
        transmission_deadline(DT(2024, 1, 1), step="site_to_unit")
    with pytest.raises(ValueError):
        transmission_deadline(D(2024, 1, 1), step="unit_to_county")
    with pytest.raises(KeyError):
        transmission_deadline(DT(2024, 1, 1), step="unit_to_city")


@pytest.mark.parametrize(
    ("due", "done", "late"),
    [
        (DT(2024, 3, 2, 0, 30), DT(2024, 3, 2, 0, 30), 0),
        (DT(2024, 3, 2, 0, 30), DT(2024, 3, 1, 23, 59), 0),
        (DT(2024, 3, 2, 0, 30), DT(2024, 3, 2, 0, 30, 1), 1),  # a part minute counts
        (DT(2024, 3, 1, 23, 30), DT(2024, 3, 2, 1, 15), 105),  # across midnight
        (DT(2024, 3, 1, 12, 0), DT(2024, 3, 3, 12, 0), 2880),
    ],
)
def test_minutes_late(due, done, late):
    assert minutes_late(due, done) == late


def test_minutes_late_bad_input():
    tz = datetime.UTC
    with pytest.raises(ValueError):
        minutes_late(DT(2024, 1, 1, tzinfo=tz), DT(2024, 1, 1))
    with pytest.raises(ValueError):
        minutes_late(D(2024, 1, 1), DT(2024, 1, 1))


def test_same_level_notified():
    codes = same_level_notified(ORD)
    assert codes == ("public_security", "labour", "trade_union", "procuratorate", "government")
    assert same_level_notified(ESP) == codes
    assert [NOTIFIED_LABELS[c] for c in codes] == ["公安机关", "劳动保障行政部门", "工会", "人民检察院", "本级人民政府"]
    gov = [n for n in NOTIFICATIONS if n.code == "government"][0]
    assert gov.source.endswith("第十条第二款")


@pytest.mark.parametrize("fn", [report_levels, same_level_notified, investigating_level, principal_fine_percent])
def test_unknown_grade(fn):
    with pytest.raises(ValueError, match="未知的事故等级"):
        fn("general")  # violations' code, not ours


# --- supplementary reports (第十三条) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred", "kind", "last"),
    [
        (DT(2024, 1, 10, 14, 0), "general", D(2024, 2, 9)),
        (DT(2024, 2, 1, 0, 5), "general", D(2024, 3, 2)),  # leap year
        (DT(2024, 12, 20, 23, 50), "road_traffic", D(2024, 12, 27)),
        (DT(2024, 12, 28, 8, 0), "fire", D(2025, 1, 4)),
        (D(2024, 1, 10), "general", D(2024, 2, 9)),
    ],
)
def test_supplement_deadline(occurred, kind, last):
    due = supplement_deadline(occurred, kind=kind)
    assert due.date() == last and due.time() == datetime.time.max


def test_supplement_window():
    t0 = DT(2024, 1, 10, 14, 0)
    assert accidents.in_supplement_window(t0, DT(2024, 2, 9, 23, 0))
    assert not accidents.in_supplement_window(t0, DT(2024, 2, 10, 0, 0))
    assert accidents.in_supplement_window(t0, DT(2024, 1, 17, 12, 0), kind="fire")
    assert not accidents.in_supplement_window(t0, DT(2024, 1, 18, 0, 1), kind="road_traffic")
    assert {w.kind: w.days for w in SUPPLEMENT_WINDOWS} == {"general": 30, "road_traffic": 7, "fire": 7}


def test_supplement_bad_input():
    with pytest.raises(ValueError):
        supplement_deadline(DT(2024, 1, 1), kind="railway")
    with pytest.raises(ValueError):
        supplement_deadline("2024-01-01")


# --- investigation and reply ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("g", "level"), [(ESP, "state_council"), (SER, "province"), (LRG, "city"), (ORD, "county"), ("ordinary", "county")]
)
def test_investigating_level(g, level):
    assert investigating_level(g) == level


def test_investigator_notes():
    assert all("第二十条" in i.source and "上级人民政府认为必要时" in i.note for i in INVESTIGATORS)
    assert "委托事故发生单位" in accidents.investigator(ORD).note
    assert accidents.INVESTIGATION_LEVEL_LABELS["state_council"] == "国务院或者国务院授权有关部门"


@pytest.mark.parametrize(
    ("occurred", "kw", "due"),
    [
        (D(2024, 1, 1), {}, D(2024, 3, 1)),
        (D(2023, 1, 1), {}, D(2023, 3, 2)),
        (D(2024, 1, 1), {"extended_days": 60}, D(2024, 4, 30)),
        (D(2024, 1, 1), {"paused_days": 10}, D(2024, 3, 11)),
        (D(2024, 1, 1), {"extended_days": 30, "paused_days": 5}, D(2024, 4, 5)),
        (DT(2024, 1, 1, 23, 59), {}, D(2024, 3, 1)),
    ],
)
def test_investigation_deadline(occurred, kw, due):
    assert investigation_deadline(occurred, **kw) == due


@pytest.mark.parametrize(
    "kw",
    [{"extended_days": 61}, {"extended_days": -1}, {"paused_days": -1}, {"paused_days": 1.5}, {"extended_days": True}],
)
def test_investigation_deadline_bad_input(kw):
    with pytest.raises(ValueError):
        investigation_deadline(D(2024, 1, 1), **kw)


def test_investigation_deadline_bad_date():
    with pytest.raises(ValueError):
        investigation_deadline("2024-01-01")


def test_appraisal_pause_is_article_27():
    assert accidents.APPRAISAL_PAUSE_RULE.source.endswith("第二十七条")


@pytest.mark.parametrize(
    ("g", "received", "ext", "due"),
    [
        (ORD, D(2024, 3, 1), 0, D(2024, 3, 16)),
        (LRG, D(2024, 3, 1), 0, D(2024, 3, 16)),
        (SER, D(2024, 12, 20), 0, D(2025, 1, 4)),
        (ESP, D(2024, 3, 1), 0, D(2024, 3, 31)),
        (ESP, D(2024, 3, 1), 30, D(2024, 4, 30)),
    ],
)
def test_reply_deadline(g, received, ext, due):
    assert reply_deadline(g, received, extended_days=ext) == due


@pytest.mark.parametrize(("g", "ext"), [(SER, 1), (LRG, 5), (ORD, 30), (ESP, 31), (ESP, -1)])
def test_reply_deadline_bad_extension(g, ext):
    with pytest.raises(ValueError):
        reply_deadline(g, D(2024, 3, 1), extended_days=ext)


# --- fines (delegated to violations) -------------------------------------------------------------------------------


@pytest.mark.parametrize("g", list(accidents.GRADES))
@pytest.mark.parametrize("aggravated", [False, True])
def test_unit_fine_range_delegates(g, aggravated):
    code = VIOLATION_GRADE[g]
    assert unit_fine_range(g, aggravated=aggravated) == violations.accident_fine_range(code, aggravated=aggravated)
    assert violations.ACCIDENT_GRADES[code] == g.label


@pytest.mark.parametrize("g", list(accidents.GRADES))
def test_principal_fine_delegates(g):
    assert principal_fine_percent(g) == violations.PRINCIPAL_ACCIDENT_PERCENT[VIOLATION_GRADE[g]]


def test_fine_mapping():
    assert VIOLATION_GRADE == {ORD: "general", LRG: "larger", SER: "major", ESP: "especially_major"}
    assert unit_fine_range(ORD) == violations.UNIT_ACCIDENT_FINES["general"]
    with pytest.raises(ValueError):
        unit_fine_range(ORD, aggravated="yes")


def test_fine_amounts_not_restated():
    source = Path(accidents.__file__).read_text(encoding="utf-8")
    for amount in ("300_000", "1_000_000", "20_000_000", "300000"):
        assert amount not in source


# --- types, 四不放过, near misses -----------------------------------------------------------------------------------


def test_accident_types():
    assert len(ACCIDENT_TYPES) == 20
    assert ACCIDENT_TYPES["01"] == "物体打击" and ACCIDENT_TYPES["09"] == "高处坠落"
    assert ACCIDENT_TYPES["19"] == "中毒和窒息" and ACCIDENT_TYPES["20"] == "其它伤害"
    assert list(ACCIDENT_TYPES.values()) == [
        "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落", "坍塌",
        "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其它爆炸",
        "中毒和窒息", "其它伤害",
    ]  # fmt: skip
    assert accidents.ACCIDENT_TYPES_RULE.status == "VERIFIED-SECONDARY"


@pytest.mark.parametrize(
    ("evidence", "blockers"),
    [
        ({}, ("cause_found", "responsible_handled", "measures_done", "people_educated")),
        (
            {"cause_found": "调查报告", "responsible_handled": "处分决定", "measures_done": "复查意见书",
             "people_educated": "培训记录"},
            (),
        ),
        ({"cause_found": "调查报告", "measures_done": "   "},
         ("responsible_handled", "measures_done", "people_educated")),
        ({"people_educated": "", "cause_found": "x", "responsible_handled": "y"}, ("measures_done", "people_educated")),
    ],
)  # fmt: skip
def test_closure_blockers(evidence, blockers):
    assert closure_blockers(evidence) == blockers


@pytest.mark.parametrize("evidence", [{"cause": "x"}, {"cause_found": 1}, ["cause_found"], "cause_found"])
def test_closure_blockers_bad_input(evidence):
    with pytest.raises(ValueError):
        closure_blockers(evidence)


def test_four_not_let_go():
    assert list(FOUR_NOT_LET_GO) == ["cause_found", "responsible_handled", "measures_done", "people_educated"]
    assert FOUR_NOT_LET_GO["cause_found"] == "事故原因未查清不放过"
    assert accidents.FOUR_NOT_LET_GO_RULE.status == "VERIFIED-SECONDARY"
    assert "原则" in accidents.FOUR_NOT_LET_GO_RULE.note


def test_large_near_miss():
    assert accidents.LARGE_NEAR_MISS.status == "UNVERIFIED"
    assert "涉险10人以上" in accidents.LARGE_NEAR_MISS.note
    assert len(accidents.LARGE_NEAR_MISS_ITEMS) == 6


# --- self-check ----------------------------------------------------------------------------------------------------


def test_self_check_catches_a_broken_threshold(monkeypatch):
    import dataclasses

    bad = dataclasses.replace(THRESHOLDS[1], deaths_min=40)
    monkeypatch.setattr(accidents, "THRESHOLDS", (THRESHOLDS[0], bad, *THRESHOLDS[2:]))
    with pytest.raises(ValueError, match="递减"):
        accidents._check_tables()


def test_self_check_catches_a_broken_chain(monkeypatch):
    rows = tuple(s for s in CHAIN if s.code != "county_to_city")
    monkeypatch.setattr(accidents, "CHAIN", rows)
    with pytest.raises(ValueError):
        accidents._check_tables()


def test_self_check_catches_unsourced_primary(monkeypatch):
    import dataclasses

    bad = dataclasses.replace(accidents.REPLY_RULE, source="《某某规定》第三条")
    monkeypatch.setattr(accidents, "REPLY_RULE", bad)
    with pytest.raises(ValueError, match="VERIFIED-PRIMARY"):
        accidents._check_tables()


# --- citations against the statute mirror --------------------------------------------------------------------------

_NUM = NUM
_normalise = normalise


@pytest.fixture(scope="module")
def mirror():
    return load_mirror(MIRRORED_LAWS)


def test_mirror_parse_sanity(mirror):
    tiaoli = mirror[accidents.LAW_TIAOLI][0]
    assert len(tiaoli) == 46
    assert tiaoli["第三条"] == [4, 0, 0]  # four grades, then the 补充性规定 and 「以上」「以下」 paragraphs
    assert tiaoli["第十条"] == [3, 0, 0]
    assert tiaoli["第十九条"] == [0, 0, 0]
    assert len(mirror[accidents.LAW_AQSC][0]) == 119


def _citations(source):
    return citations(source, MIRRORED_LAWS)


def _rows():
    rows = [(f"threshold.{t.grade.value}", t.source, t.note, t.status) for t in THRESHOLDS]
    rows += [(s.code, s.source, s.note, s.status) for s in CHAIN]
    rows += [(f"notify.{n.code}", n.source, n.note, n.status) for n in NOTIFICATIONS]
    rows += [(f"supplement.{w.kind}", w.source, w.note, w.status) for w in SUPPLEMENT_WINDOWS]
    rows += [(f"investigator.{i.grade.value}", i.source, i.note, i.status) for i in INVESTIGATORS]
    rules = (
        accidents.INVESTIGATION_RULE,
        accidents.APPRAISAL_PAUSE_RULE,
        accidents.REPLY_RULE,
        accidents.UNIT_FINE_RULE,
        accidents.PRINCIPAL_FINE_RULE,
        accidents.MISSING_AS_DEATHS_RULE,
        accidents.ACCIDENT_TYPES_RULE,
        accidents.FOUR_NOT_LET_GO_RULE,
        accidents.LARGE_NEAR_MISS,
    )
    rows += [(r.code, r.source, r.note, r.status) for r in rules]
    return rows


PRIMARY = [r for r in _rows() if r[3] == "VERIFIED-PRIMARY"]


def test_statuses():
    by_code = {r[0]: r[3] for r in _rows()}
    assert {s for s in by_code.values()} <= set(accidents.STATUSES)
    assert len(PRIMARY) >= 25
    assert by_code["missing_as_deaths"] == "UNVERIFIED" and by_code["large_near_miss"] == "UNVERIFIED"
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


def _article_texts(path):
    """{'第三条': normalised text of the article} from a mirrored statute."""
    out: dict[str, str] = {}
    current = None
    heading = re.compile(rf"(第{_NUM}条)\s")
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            current = None
            continue
        m = heading.match(line)
        if m:
            current = m.group(1)
            out[current] = ""
        if current:
            out[current] += _normalise(line)
    return out


ARTICLE_TEXTS = {law: _article_texts(path) for law, path in MIRRORED_LAWS.items() if Path(path).exists()}


@pytest.mark.parametrize("row", PRIMARY, ids=lambda r: r[0])
def test_primary_quotes_come_from_a_cited_article(row, mirror):
    """Stricter than the whole-law check: each quote is in the text of one of the articles the source cites."""
    code, source, note, _ = row
    cited = [ARTICLE_TEXTS[law][article] for law, article, _, _ in _citations(source)]
    for quote in re.findall("「(.+?)」", note):
        q = _normalise(quote)
        assert any(q in text for text in cited), f"{code}: 「{quote}」 is not in any cited article of {source}"


def test_threshold_texts_are_the_statute_words(mirror):
    text = mirror[accidents.LAW_TIAOLI][1]
    for t in THRESHOLDS:
        for words in (t.deaths_text, t.injuries_text, t.loss_text):
            assert _normalise(words) in text


def test_citations_pin_the_articles_the_brief_got_wrong(mirror):
    """The brief and regulations.md cite some neighbours; the mirror decides."""
    text = mirror[accidents.LAW_TIAOLI][1]
    # 「以上」「以下」 is 第三条第三款 (not 第二款).
    assert "第三条第三款" in THRESHOLDS[0].source
    # 2 hours per level is 第十一条, the same-level government 第十条第二款, the appraisal pause 第二十七条.
    assert (
        "第十一条安全生产监督管理部门和负有安全生产监督管理职责的有关部门逐级上报事故情况，每级上报的时间不得超过2小时"
        in text
    )
    assert "第二十七条" in text and "技术鉴定所需时间不计入事故调查期限。第二十八条" in text
    assert "本条例自2007年6月1日起施行" in text
    assert accidents.TIAOLI_FROM == D(2007, 6, 1)


def test_citation_parser(mirror):
    refs = _citations(f"{accidents.LAW_TIAOLI}第十条第一款第（三）项、第十一条；{accidents.LAW_AQSC}第八十三条第二款")
    assert refs == [
        (accidents.LAW_TIAOLI, "第十条", "一", "三"),
        (accidents.LAW_TIAOLI, "第十一条", None, None),
        (accidents.LAW_AQSC, "第八十三条", "二", None),
    ]
    articles = mirror[accidents.LAW_TIAOLI][0]
    assert articles["第十条"][0] < cn("四")  # a wrong item would be caught
    assert "第四十七条" not in articles  # and a wrong article


# --- control targets and the one-vote veto (statistics) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "percent", "reached", "status"),
    [
        (0, 5, Decimal("0.0"), (), "ok"),
        (3, 5, Decimal("60.0"), (), "ok"),
        (79, 100, Decimal("79.0"), (), "ok"),
        (4, 5, Decimal("80.0"), (80,), "warning"),
        (80, 100, Decimal("80.0"), (80,), "warning"),
        (2, 3, Decimal("66.6"), (), "ok"),  # rounded down, never up into a threshold
        (5, 6, Decimal("83.3"), (80,), "warning"),
        (99, 100, Decimal("99.0"), (80,), "warning"),
        (5, 5, Decimal("100.0"), (80, 100), "reached"),
        (6, 5, Decimal("120.0"), (80, 100), "exceeded"),
        (1, 1, Decimal("100.0"), (80, 100), "reached"),
        (0, 0, Decimal("0"), (), "ok"),  # a target of 0 met
        (1, 0, None, (80, 100), "exceeded"),  # a target of 0 and one accident: past 100%
        (7, 0, None, (80, 100), "exceeded"),
    ],
)
def test_target_thresholds(value, limit, percent, reached, status):
    assert accidents.target_percent(value, limit) == percent
    assert accidents.target_thresholds_reached(value, limit) == reached
    assert accidents.target_status(value, limit) == status
    assert status in accidents.TARGET_STATUSES and accidents.TARGET_STATUS_LABELS[status]


def test_eighty_percent_is_an_integer_comparison():
    # 4/5 is exactly 80%: no float rounding decides a warning.
    assert accidents.target_thresholds_reached(8, 10) == (80,)
    assert accidents.target_thresholds_reached(7, 9) == ()  # 77.7…%
    assert accidents.target_thresholds_reached(1_000_000 - 1, 1_250_000) == ()  # just under 80%
    assert accidents.target_thresholds_reached(1_000_000, 1_250_000) == (80,)


@pytest.mark.parametrize(("value", "limit"), [(-1, 5), (1, -5), (True, 5), (1.0, 5), ("1", 5), (None, 5), (1, None)])
@pytest.mark.parametrize("fn", ["target_percent", "target_thresholds_reached", "target_status"])
def test_target_bad_input(fn, value, limit):
    with pytest.raises(ValueError):
        getattr(accidents, fn)(value, limit)


def test_target_warning_rule_is_a_setting():
    assert accidents.TARGET_WARNING_PERCENTS == (80, 100)
    rule = accidents.TARGET_WARNING_RULE
    assert rule.status == "UNVERIFIED" and "本平台设置" in rule.source and "issue 5" in rule.source
    assert "各省" in rule.source and "指标为0" in rule.note


@pytest.mark.parametrize(
    ("grade", "veto"),
    [("ordinary", False), ("large", True), ("serious", True), ("especially_serious", True)],
)
def test_one_vote_veto_grades(grade, veto):
    assert accidents.vetoes(grade) is veto
    assert accidents.vetoes(AccidentGrade(grade)) is veto


def test_veto_rule_says_its_source_is_not_in_the_mirror():
    rule = accidents.VETO_GRADES_RULE
    assert rule.status == "UNVERIFIED"
    assert "地方党政领导干部安全生产责任制规定" in rule.source and "不在" in rule.source and "未核实" in rule.source
    assert "regulations.md" in rule.source
    assert accidents.ONE_VOTE_VETO_GRADES == {AccidentGrade.LARGE, AccidentGrade.SERIOUS,
                                              AccidentGrade.ESPECIALLY_SERIOUS}
    with pytest.raises(ValueError):
        accidents.vetoes("near_miss")


def test_veto_grades_are_grades_of_the_model():
    from anjian.accidents.choices import AccidentGradeChoice

    assert {g.value for g in accidents.ONE_VOTE_VETO_GRADES} == {"large", "serious", "especially_serious"}
    assert {g.value for g in accidents.ONE_VOTE_VETO_GRADES} <= set(AccidentGradeChoice.values)


def test_veto_rule_cites_nothing_from_the_mirror(mirror):
    # UNVERIFIED rows quote nothing as statute text; the one article named (安全生产法第九条) exists and says what the
    # note says it says.
    text = mirror[accidents.LAW_AQSC][1]
    assert "国务院和县级以上地方各级人民政府应当加强对安全生产工作的领导" in text
    assert "一票否决" not in text and "一票否决" not in mirror[accidents.LAW_TIAOLI][1]


@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("TARGET_WARNING_PERCENTS", (100, 80), "递增"),
        ("TARGET_WARNING_PERCENTS", (80, 90), "递增"),
        ("TARGET_WARNING_PERCENTS", (80.0, 100), "整数"),
        ("ONE_VOTE_VETO_GRADES", frozenset({AccidentGrade.ORDINARY, AccidentGrade.LARGE}), "较大"),
        ("ONE_VOTE_VETO_GRADES", frozenset({AccidentGrade.SERIOUS}), "较大"),
    ],
)
def test_self_check_catches_broken_target_rules(monkeypatch, name, value, match):
    monkeypatch.setattr(accidents, name, value)
    with pytest.raises(ValueError, match=match):
        accidents._check_target_rules()


def test_self_check_catches_an_unsourced_target_rule(monkeypatch):
    import dataclasses

    monkeypatch.setattr(accidents, "VETO_GRADES_RULE", dataclasses.replace(accidents.VETO_GRADES_RULE, source=""))
    with pytest.raises(ValueError, match="来源"):
        accidents._check_target_rules()


# --- 较大涉险事故的上报终点 (NEAR_MISS_REPORT_RULE, a setting) -----------------------------------------------------


def test_near_miss_report_levels_run_from_the_county_up_to_the_setting():
    assert accidents.near_miss_report_levels() == ("county", "city", "province")
    assert accidents.near_miss_report_levels("city") == ("county", "city")
    assert accidents.near_miss_report_levels("state_council") == ("county", "city", "province", "state_council")
    with pytest.raises(ValueError):
        accidents.near_miss_report_levels("county")
    assert accidents.NEAR_MISS_REPORT_RULE.status == accidents.UNVERIFIED
    assert "ANJIAN_NEAR_MISS_REPORT_TO" in accidents.NEAR_MISS_REPORT_RULE.note
