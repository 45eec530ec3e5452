"""重大事故隐患判定标准 catalogues — counts and selection against regulations.md §8 (no database)."""

import datetime
from collections import Counter

import pytest

from anjian.rules import major_hazard
from anjian.rules.major_hazard import (
    CATALOGUES,
    CRITERIA,
    GONGMAO_SECTORS,
    catalogue,
    criteria_for,
    get,
    in_force,
    is_selectable,
    label,
)
from anjian.rules.staffing import SECTOR_CODES

TODAY = datetime.date(2026, 3, 1)
GM_START = datetime.date(2023, 5, 15)
COAL_START = datetime.date(2024, 5, 1)
HAZCHEM_START = datetime.date(2017, 11, 13)

# regulations.md §8.2 table: article → (part, count).
GONGMAO_TABLE = {
    "第三条": ("管理类", 3),
    "第四条": ("冶金", 8),
    "第五条": ("有色", 13),
    "第六条": ("建材", 8),
    "第七条": ("机械", 7),
    "第八条": ("轻工", 7),
    "第九条": ("纺织", 2),
    "第十条": ("烟草", 2),
    "第十一条": ("专项类·粉尘爆炸", 10),
    "第十二条": ("专项类·液氨制冷", 2),
    "第十三条": ("专项类·有限空间", 2),
}
MANAGEMENT = 3
SPECIAL = 10 + 2 + 2


def of(catalogue_code, article=None):
    return [c for c in CRITERIA if c.catalogue == catalogue_code and (article is None or c.article == article)]


# --- table integrity -----------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "count"), [("gongmao_2023", 64), ("hazchem_2017", 20), ("coal_2024", 17)])
def test_catalogue_counts(code, count):
    assert len(of(code)) == count


@pytest.mark.parametrize(("article", "part", "count"), [(a, p, n) for a, (p, n) in GONGMAO_TABLE.items()])
def test_gongmao_article_counts(article, part, count):
    rows = of("gongmao_2023", article)
    assert len(rows) == count
    assert {r.part for r in rows} == {part}
    assert [r.item for r in rows] == list(range(1, count + 1))


def test_gongmao_total_is_sum_of_table():
    assert sum(n for _, n in GONGMAO_TABLE.values()) == 64
    assert Counter(c.article for c in of("gongmao_2023")) == {a: n for a, (_, n) in GONGMAO_TABLE.items()}


def test_codes_unique_and_ascii():
    codes = [c.code for c in CRITERIA]
    assert len(codes) == len(set(codes)) == 101
    assert all(code.isascii() and " " not in code for code in codes)
    assert len({c.code for c in CATALOGUES}) == len(CATALOGUES) == 3


@pytest.mark.parametrize("crit", CRITERIA, ids=lambda c: c.code)
def test_criterion_sectors_within_catalogue(crit):
    cat = catalogue(crit.catalogue)
    assert cat is not None
    assert crit.sectors
    assert set(crit.sectors) <= set(cat.sectors) <= set(SECTOR_CODES)
    assert crit.status in major_hazard.CRITERION_STATUSES
    assert crit.text


def test_catalogue_rows():
    for cat in CATALOGUES:
        assert cat.status in major_hazard.STATUSES
        assert cat.source and cat.title.startswith("《")
        assert cat.effective_to is None or cat.effective_to >= cat.effective_from
    assert catalogue("gongmao_2023").sectors == GONGMAO_SECTORS
    assert catalogue("gongmao_2023").effective_from == GM_START
    assert catalogue("hazchem_2017").sectors == ("hazchem",)
    assert catalogue("coal_2024").sectors == ("coal_mine",)
    # 第七十六条「本条例自2024年5月1日起施行」 read in the statute mirror.
    assert catalogue("coal_2024").effective_from == COAL_START
    assert catalogue("coal_2024").status == "VERIFIED-PRIMARY"
    assert catalogue("nope") is None


@pytest.mark.parametrize(
    ("code", "expected_code_pattern"),
    [("gongmao_2023", "gongmao_2023.{a}.{i}"), ("coal_2024", "coal_2024.36.{i}")],
)
def test_code_scheme(code, expected_code_pattern):
    numbers = {a: n for n, a in enumerate(GONGMAO_TABLE, start=3)}
    for c in of(code):
        a = numbers.get(c.article, 36)
        assert c.code == expected_code_pattern.format(a=a, i=c.item)


def test_hazchem_codes_have_no_article():
    assert [c.code for c in of("hazchem_2017")] == [f"hazchem_2017.{i}" for i in range(1, 21)]
    assert all(c.article == "" for c in of("hazchem_2017"))


# --- statuses and texts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("gongmao_2023.3.1", "VERIFIED-SECONDARY"),
        ("gongmao_2023.4.4", "VERIFIED-SECONDARY"),
        ("gongmao_2023.4.5", "AWAITING-TEXT"),
        ("gongmao_2023.5.13", "AWAITING-TEXT"),
        ("gongmao_2023.10.2", "AWAITING-TEXT"),
        ("gongmao_2023.11.1", "UNVERIFIED"),
        ("gongmao_2023.12.2", "UNVERIFIED"),
        ("gongmao_2023.13.2", "UNVERIFIED"),
        ("hazchem_2017.1", "VERIFIED-SECONDARY"),
        ("hazchem_2017.14", "VERIFIED-SECONDARY"),
        ("hazchem_2017.15", "UNVERIFIED"),
        ("hazchem_2017.16", "VERIFIED-SECONDARY"),
        ("hazchem_2017.18", "VERIFIED-SECONDARY"),
        ("hazchem_2017.19", "UNVERIFIED"),
        ("hazchem_2017.20", "UNVERIFIED"),
        ("coal_2024.36.1", "VERIFIED-PRIMARY"),
        ("coal_2024.36.17", "VERIFIED-PRIMARY"),
    ],
)
def test_status(code, status):
    assert get(code).status == status


def test_awaiting_text_items():
    awaiting = [c for c in CRITERIA if c.status == "AWAITING-TEXT"]
    # 第四条 5–8 and all of 第五条–第十条 (13+8+7+7+2+2).
    assert len(awaiting) == 4 + 39
    for c in awaiting:
        assert c.catalogue == "gongmao_2023"
        assert c.text == f"{c.article}第{c.item}项（条文待录入）"
    given = [c for c in of("gongmao_2023") if c.status != "AWAITING-TEXT"]
    assert {(c.article, c.item) for c in given} == (
        {("第三条", i) for i in (1, 2, 3)}
        | {("第四条", i) for i in (1, 2, 3, 4)}
        | {("第十一条", i) for i in range(1, 11)}
        | {("第十二条", i) for i in (1, 2)}
        | {("第十三条", i) for i in (1, 2)}
    )


def test_unverified_numbering_noted():
    for c in of("gongmao_2023"):
        flagged = "第五条–第十三条" in c.note
        assert flagged == (c.article not in ("第三条", "第四条")), c.code


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("gongmao_2023.3.1", "未对承包单位、承租单位的安全生产工作统一协调、管理"),
        ("gongmao_2023.3.2", "特种作业人员未按照规定经专门的安全作业培训"),
        ("gongmao_2023.12.2", "超过9人"),
        ("gongmao_2023.13.2", "先通风、再检测、后作业"),
        ("hazchem_2017.7", "万向管道充装系统"),
        ("coal_2024.36.2", "瓦斯超限作业的"),
        ("coal_2024.36.12", "露天煤矿边坡角大于设计最大值"),
        ("coal_2024.36.17", "有其他重大事故隐患的"),
    ],
)
def test_texts(code, fragment):
    assert fragment in get(code).text


def test_coal_texts_match_statute_mirror():
    path = "/work/shared/domain/statutes/煤矿安全生产条例(2024-01-24).md"
    try:
        with open(path, encoding="utf-8") as fh:
            statute = fh.read()
    except OSError:
        pytest.skip("statute mirror not available")
    article = statute[statute.index("第三十六条") : statute.index("第三十七条")]
    for c in of("coal_2024"):
        assert c.text in article, c.code
    assert "本条例自2024年5月1日起施行" in statute


# --- dates and selection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "on", "expected"),
    [
        ("gongmao_2023", GM_START - datetime.timedelta(days=1), False),
        ("gongmao_2023", GM_START, True),
        ("coal_2024", COAL_START - datetime.timedelta(days=1), False),
        ("coal_2024", COAL_START, True),
        ("hazchem_2017", HAZCHEM_START - datetime.timedelta(days=1), False),
        ("hazchem_2017", HAZCHEM_START, True),
        ("hazchem_2017", TODAY, True),
    ],
)
def test_in_force(code, on, expected):
    assert in_force(code, on) is expected
    assert in_force(catalogue(code), on) is expected


def test_in_force_unknown_code():
    with pytest.raises(ValueError):
        in_force("nope", TODAY)


def parts(rows):
    return [p for i, p in enumerate(r.part for r in rows) if i == 0 or rows[i - 1].part != p]


@pytest.mark.parametrize(
    ("sectors", "expected_parts", "count"),
    [
        (("machinery",), ["管理类", "机械", "专项类·粉尘爆炸", "专项类·液氨制冷", "专项类·有限空间"], 3 + 7 + 14),
        (("commerce",), ["管理类", "专项类·粉尘爆炸", "专项类·液氨制冷", "专项类·有限空间"], 3 + 14),
        (("metallurgy",), ["管理类", "冶金", "专项类·粉尘爆炸", "专项类·液氨制冷", "专项类·有限空间"], 3 + 8 + 14),
        (("hazchem",), ["化工和危险化学品"], 20),
        (("coal_mine",), ["煤矿"], 17),
        (("other",), [], 0),
        (("fireworks", "construction", "transport", "non_coal_mine"), [], 0),
        ((), [], 0),
    ],
)
def test_criteria_for(sectors, expected_parts, count):
    rows = criteria_for(sectors, TODAY)
    assert len(rows) == count
    assert parts(rows) == expected_parts


def test_criteria_for_several_sectors_in_catalogue_order():
    rows = criteria_for(["coal_mine", "textile", "hazchem", "tobacco"], TODAY)
    assert len(rows) == (MANAGEMENT + 2 + 2 + SPECIAL) + 20 + 17
    assert [r.catalogue for r in rows] == sorted(
        (r.catalogue for r in rows), key=["gongmao_2023", "hazchem_2017", "coal_2024"].index
    )
    assert parts(rows)[:4] == ["管理类", "纺织", "烟草", "专项类·粉尘爆炸"]
    # article then item order inside the 工贸 catalogue: no duplicates of 管理类 for two sectors.
    gm = [r.code for r in rows if r.catalogue == "gongmao_2023"]
    assert len(gm) == len(set(gm))
    assert gm == [c.code for c in CRITERIA if c.code in set(gm)]


@pytest.mark.parametrize(
    ("sectors", "on", "count"),
    [
        (("machinery",), GM_START - datetime.timedelta(days=1), 0),  # no 工贸 2023 before 2023-05-15
        (("machinery",), GM_START, 24),
        (("commerce",), datetime.date(2020, 1, 1), 0),
        (("coal_mine",), COAL_START - datetime.timedelta(days=1), 0),
        (("coal_mine",), COAL_START, 17),
        (("hazchem",), datetime.date(2017, 11, 12), 0),
        (("hazchem",), datetime.date(2020, 1, 1), 20),
        (("hazchem", "machinery"), datetime.date(2023, 1, 1), 20),
    ],
)
def test_criteria_for_by_date(sectors, on, count):
    assert len(criteria_for(sectors, on)) == count


def test_criteria_for_accepts_datetime_and_rejects_unknown_sector():
    assert len(criteria_for(["hazchem"], datetime.datetime(2026, 1, 1, 12, 0))) == 20
    assert len(criteria_for("hazchem", TODAY)) == 20  # a bare code is one sector
    with pytest.raises(ValueError, match="unknown sector"):
        criteria_for(["chemicals"], TODAY)
    with pytest.raises(ValueError):
        criteria_for(["hazchem"], "2026-01-01")


@pytest.mark.parametrize(
    ("code", "sectors", "on", "expected"),
    [
        ("gongmao_2023.7.1", ("machinery",), TODAY, True),
        ("gongmao_2023.7.1", ("commerce",), TODAY, False),
        ("gongmao_2023.3.1", ("commerce",), TODAY, True),
        ("gongmao_2023.11.3", ("commerce",), TODAY, True),
        ("gongmao_2023.3.1", ("machinery",), GM_START - datetime.timedelta(days=1), False),
        ("gongmao_2023.4.8", ("metallurgy", "other"), TODAY, True),  # AWAITING-TEXT stays selectable
        ("hazchem_2017.20", ("hazchem",), TODAY, True),
        ("hazchem_2017.20", ("coal_mine",), TODAY, False),
        ("coal_2024.36.12", ("coal_mine",), TODAY, True),
        ("coal_2024.36.12", ("coal_mine",), datetime.date(2024, 4, 30), False),
        ("coal_2024.36.18", ("coal_mine",), TODAY, False),
        ("nope", ("coal_mine",), TODAY, False),
    ],
)
def test_is_selectable(code, sectors, on, expected):
    assert is_selectable(code, sectors, on) is expected


def test_selectable_agrees_with_criteria_for():
    for sector in SECTOR_CODES:
        for on in (datetime.date(2023, 1, 1), TODAY):
            listed = {c.code for c in criteria_for([sector], on)}
            assert listed == {c.code for c in CRITERIA if is_selectable(c.code, [sector], on)}


# --- get / label ---------------------------------------------------------------------------------


def test_get():
    crit = get("gongmao_2023.3.1")
    assert (crit.catalogue, crit.part, crit.article, crit.item) == ("gongmao_2023", "管理类", "第三条", 1)
    assert crit.sectors == GONGMAO_SECTORS
    assert get("gongmao_2023.4.1").sectors == ("metallurgy",)
    assert get("gongmao_2023.9.1").sectors == ("textile",)
    assert get("gongmao_2023.14.1") is None
    assert get("") is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "gongmao_2023.3.1",
            "〔工贸2023〕第三条第1项：未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的",
        ),
        ("gongmao_2023.5.2", "〔工贸2023〕第五条第2项：第五条第2项（条文待录入）"),
        ("hazchem_2017.2", "〔化工2017〕第2项：特种作业人员未持证上岗。"),
        ("coal_2024.36.2", "〔煤矿2024〕第三十六条第2项：瓦斯超限作业的"),
    ],
)
def test_label(code, expected):
    assert label(get(code)) == expected


def test_criteria_are_frozen():
    with pytest.raises(AttributeError):
        CRITERIA[0].text = "x"
