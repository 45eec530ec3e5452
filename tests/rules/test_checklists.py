"""Checklist templates — shape, mapping to major-hazard criteria, and citations against the statute text.

No database. The statute check parses the mirrored 安全生产法 and is skipped when the file is absent.
"""

import dataclasses
import re
from collections import Counter
from pathlib import Path

import pytest

from anjian.rules import checklists, major_hazard
from anjian.rules.checklists import (
    AUDIENCES,
    LAW,
    STATUSES,
    TEMPLATES,
    ChecklistItem,
    for_sectors,
    get,
    major_items,
)
from anjian.rules.major_hazard import GONGMAO_SECTORS
from anjian.rules.staffing import SECTOR_CODES

STATUTE = Path("/work/shared/domain/statutes/安全生产法(2021-06-10).md")

# code → (items, items mapped to a criterion, audience)
EXPECTED = {
    "gongmao_general": (28, 3, "authority"),
    "dust": (19, 10, "authority"),
    "ammonia": (12, 3, "authority"),
    "confined_space": (12, 5, "authority"),
    "hazchem_major": (20, 20, "authority"),
    "small_self": (20, 0, "enterprise"),
    "general": (25, 0, "authority"),
}

ALL_ITEMS = [(t, i) for t in TEMPLATES for i in t.items]


def _id(pair):
    return pair[1].code if isinstance(pair, tuple) else None


def criteria_of(code):
    return [i.criterion_code for i in get(code).items if i.criterion_code]


# --- shape ---------------------------------------------------------------------------------------


def test_template_codes_are_the_expected_ones_in_order():
    assert [t.code for t in TEMPLATES] == list(EXPECTED)


@pytest.mark.parametrize(("code", "count", "majors", "audience"), [(c, *v) for c, v in EXPECTED.items()])
def test_counts_and_audience(code, count, majors, audience):
    t = get(code)
    assert t is not None
    assert len(t.items) == count
    assert len(major_items(t)) == majors
    assert t.audience == audience
    assert 10 <= len(t.items) <= 30
    assert t.version == 1


def test_small_self_is_for_every_sector_and_short():
    t = get("small_self")
    assert t.sectors == ()
    assert 15 <= len(t.items) <= 20


@pytest.mark.parametrize("code", ["gongmao_general", "dust", "ammonia", "confined_space"])
def test_gongmao_templates_cover_gongmao_sectors(code):
    assert get(code).sectors == GONGMAO_SECTORS


def test_hazchem_template_sectors():
    assert get("hazchem_major").sectors == ("hazchem",)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.code)
def test_template_fields(template):
    assert template.title and template.theme and template.source_note
    assert template.audience in AUDIENCES
    assert set(template.sectors) <= set(SECTOR_CODES)
    assert re.search(r"[\u4e00-\u9fff]", template.title)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.code)
def test_item_codes_unique_ascii_and_prefixed(template):
    codes = [i.code for i in template.items]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert code.isascii()
        assert re.fullmatch(re.escape(template.code) + r"\.\d{2}", code)
    # numbered 01, 02, … in order, no gaps
    assert codes == [f"{template.code}.{n:02d}" for n in range(1, len(codes) + 1)]


def test_item_codes_unique_across_templates():
    codes = [i.code for _, i in ALL_ITEMS]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("pair", ALL_ITEMS, ids=_id)
def test_item_fields(pair):
    _, item = pair
    assert item.section and item.requirement and item.basis
    assert item.basis_status in STATUSES
    assert item.major == (item.criterion_code != "")


def test_major_is_derived_not_passed():
    item = ChecklistItem("x.01", "节", "要求", "依据", "UNVERIFIED", "gongmao_2023.11.1")
    assert item.major is True
    assert ChecklistItem("x.02", "节", "要求", "依据", "UNVERIFIED").major is False
    with pytest.raises(TypeError):
        ChecklistItem("x.03", "节", "要求", "依据", "UNVERIFIED", "", True)


# --- mapping to major-hazard criteria --------------------------------------------------------------


def test_all_20_hazchem_items_mapped_in_order():
    assert criteria_of("hazchem_major") == [f"hazchem_2017.{n}" for n in range(1, 21)]


def test_all_10_dust_items_mapped_in_order():
    assert criteria_of("dust") == [f"gongmao_2023.11.{n}" for n in range(1, 11)]
    # the criterion items come first, as items 01–10
    assert [i.code for i in major_items("dust")] == [f"dust.{n:02d}" for n in range(1, 11)]


def test_ammonia_criteria():
    assert criteria_of("ammonia") == ["gongmao_2023.12.1", "gongmao_2023.12.2", "gongmao_2023.3.2"]


def test_confined_space_criteria():
    # 第十三条第2项 lists three alternatives (审批 / 先通风、再检测、后作业 / 监护): one item each
    assert Counter(criteria_of("confined_space")) == Counter(
        {"gongmao_2023.13.1": 1, "gongmao_2023.13.2": 3, "gongmao_2023.3.1": 1}
    )
    texts = " ".join(i.requirement for i in get("confined_space").items if i.criterion_code == "gongmao_2023.13.2")
    for phrase in ("审批", "先通风、再检测、后作业", "监护"):
        assert phrase in texts


def test_gongmao_general_maps_the_management_criteria():
    assert sorted(criteria_of("gongmao_general")) == ["gongmao_2023.3.1", "gongmao_2023.3.2", "gongmao_2023.3.3"]


@pytest.mark.parametrize("pair", [p for p in ALL_ITEMS if p[1].criterion_code], ids=_id)
def test_criterion_codes_resolve_and_fit_template_sectors(pair):
    template, item = pair
    crit = major_hazard.get(item.criterion_code)
    assert crit is not None
    if template.sectors:
        assert set(crit.sectors) & set(template.sectors)


def _expected_criterion_citation(crit):
    title = major_hazard.catalogue(crit.catalogue).title
    return title[: title.index("》") + 1] + f"{crit.article}第{crit.item}项"


@pytest.mark.parametrize("pair", [p for p in ALL_ITEMS if not p[1].basis.startswith(LAW)], ids=_id)
def test_criterion_citations_match_the_criterion(pair):
    """An item resting on a criterion cites exactly that criterion and carries its status."""
    _, item = pair
    crit = major_hazard.get(item.criterion_code)
    assert crit is not None, "every non-statute basis must be a mapped criterion"
    assert item.basis == _expected_criterion_citation(crit)
    assert item.basis_status == crit.status


@pytest.mark.parametrize(
    ("code", "basis"),
    [
        ("dust.07", "《工贸企业重大事故隐患判定标准》第十一条第7项"),
        ("ammonia.02", "《工贸企业重大事故隐患判定标准》第十二条第2项"),
        ("hazchem_major.15", "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》第15项"),
    ],
)
def test_criterion_citation_examples(code, basis):
    template = get(code.split(".")[0])
    assert {i.code: i.basis for i in template.items}[code] == basis


@pytest.mark.parametrize(
    ("criterion", "status"),
    [
        ("gongmao_2023.11.1", "UNVERIFIED"),  # 第十一条 numbering and wording unverified (§8.2)
        ("hazchem_2017.1", "VERIFIED-SECONDARY"),
        ("hazchem_2017.15", "UNVERIFIED"),
        ("hazchem_2017.19", "UNVERIFIED"),
        ("hazchem_2017.20", "UNVERIFIED"),
    ],
)
def test_criterion_basis_status(criterion, status):
    items = [i for _, i in ALL_ITEMS if i.criterion_code == criterion and not i.basis.startswith(LAW)]
    assert items and all(i.basis_status == status for i in items)


# --- statute citations ---------------------------------------------------------------------------

_DIGITS = {c: n for n, c in enumerate("零一二三四五六七八九")}
_CITATION = re.compile(
    re.escape(LAW)
    + r"(第[一二三四五六七八九十百零]+条)"  # article
    + r"(?:第([一二三四五六七八九十]+)款)?"  # optional paragraph
    + r"(?:第（([一二三四五六七八九十]+)）项)?"  # optional item
)


def _cn(text):
    """Small Chinese numerals (1–99) to int."""
    if "十" not in text:
        return _DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("十", 10), ("十一", 11), ("二十", 20), ("二十八", 28)])
def test_cn(text, value):
    assert _cn(text) == value


def _parse_statute(path):
    """{'第二十八条': [items in paragraph 1, items in paragraph 2, …]} from the mirrored statute."""
    articles: dict[str, list[int]] = {}
    current = None
    heading = re.compile(r"(第[一二三四五六七八九十百零]+条)\s")
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("<!--"):
            continue
        if line.startswith("#"):
            current = None
            continue
        m = heading.match(line)
        if m:
            current = m.group(1)
            assert current not in articles, f"article {current} twice"
            articles[current] = [0]
        elif current is None:
            continue
        elif line.startswith("（"):
            articles[current][-1] += 1
        else:
            articles[current].append(0)
    return articles


@pytest.fixture(scope="module")
def statute():
    if not STATUTE.exists():
        pytest.skip(f"statute mirror absent: {STATUTE}")
    return _parse_statute(STATUTE)


def test_statute_parse_sanity(statute):
    assert len(statute) == 119
    assert statute["第二十一条"] == [7]  # one paragraph, seven items
    assert len(statute["第二十八条"]) == 4
    assert len(statute["第三十六条"]) == 4


PRIMARY = [p for p in ALL_ITEMS if p[1].basis_status == "VERIFIED-PRIMARY"]


@pytest.mark.parametrize("pair", PRIMARY, ids=_id)
def test_primary_citations_exist_in_statute(pair, statute):
    _, item = pair
    m = _CITATION.fullmatch(item.basis)
    assert m, f"{item.code}: {item.basis!r} is not 《中华人民共和国安全生产法》第…条[第…款][第（…）项]"
    article, paragraph, point = m.groups()
    assert article in statute, f"{item.code}: {article} is not an article heading in {STATUTE.name}"
    paragraphs = statute[article]
    if paragraph:
        assert _cn(paragraph) <= len(paragraphs), f"{item.code}: {article} has {len(paragraphs)} 款"
    if point:
        items_here = paragraphs[_cn(paragraph) - 1] if paragraph else sum(paragraphs)
        assert _cn(point) <= items_here, f"{item.code}: {article} has no 第（{point}）项"


def test_primary_is_only_used_for_the_statute():
    assert PRIMARY
    for _, item in PRIMARY:
        assert item.basis.startswith(LAW)
    for _, item in ALL_ITEMS:
        if item.basis.startswith(LAW):
            assert item.basis_status == "VERIFIED-PRIMARY"


@pytest.mark.parametrize(
    "article",
    [
        "第二十一条",  # principal's duties
        "第二十二条",  # responsibility system
        "第二十四条",  # safety body / staff
        "第二十八条",  # training and records
        "第三十条",  # special operations
        "第三十五条",  # warning signs
        "第四十一条",  # hazard investigation
        "第四十五条",  # protective articles
        "第四十九条",  # contractors / tenants
        "第八十一条",  # emergency plan and drills
    ],
)
def test_gongmao_general_cites(article):
    cited = {_CITATION.fullmatch(i.basis).group(1) for i in get("gongmao_general").items}
    assert article in cited


# --- lookups -------------------------------------------------------------------------------------

GONGMAO_AUTHORITY = ["gongmao_general", "dust", "ammonia", "confined_space"]


@pytest.mark.parametrize(
    ("sectors", "audience", "expected"),
    [
        (["machinery"], None, [*GONGMAO_AUTHORITY, "small_self", "general"]),
        (["commerce"], "authority", [*GONGMAO_AUTHORITY, "general"]),
        (["commerce"], "enterprise", ["small_self"]),
        (["hazchem"], None, ["hazchem_major", "small_self", "general"]),
        ("hazchem", "authority", ["hazchem_major", "general"]),  # a bare code
        (["hazchem", "light_industry"], "authority", [*GONGMAO_AUTHORITY, "hazchem_major", "general"]),
        (["coal_mine"], None, ["small_self", "general"]),
        (["coal_mine"], "authority", ["general"]),
        ([], None, ["small_self", "general"]),
        (frozenset({"other"}), "enterprise", ["small_self"]),
    ],
)
def test_for_sectors(sectors, audience, expected):
    assert [t.code for t in for_sectors(sectors, audience)] == expected


def test_for_sectors_every_sector_gets_the_self_check():
    for sector in SECTOR_CODES:
        assert "small_self" in [t.code for t in for_sectors([sector])]


@pytest.mark.parametrize(("sectors", "audience"), [(["nope"], None), (["hazchem"], "public"), ("mine", None)])
def test_for_sectors_rejects_unknown(sectors, audience):
    with pytest.raises(ValueError):
        for_sectors(sectors, audience)


def test_get():
    assert get("dust") is checklists.DUST
    assert get("nope") is None


def test_major_items_by_code_and_object():
    assert major_items("hazchem_major") == major_items(checklists.HAZCHEM_MAJOR) == list(checklists.HAZCHEM_MAJOR.items)
    assert major_items("small_self") == []
    with pytest.raises(ValueError):
        major_items("nope")


# --- the load-time self-check --------------------------------------------------------------------


def _with_items(template, items):
    return dataclasses.replace(template, items=tuple(items))


def _broken_cases():
    t = checklists.DUST
    first = t.items[0]
    return {
        "duplicate template": (t, t),
        "no items": (_with_items(t, []),),
        "duplicate item code": (_with_items(t, [first, first]),),
        "unknown criterion": (_with_items(t, [dataclasses.replace(first, criterion_code="gongmao_2023.99.1")]),),
        "criterion outside sectors": (_with_items(t, [dataclasses.replace(first, criterion_code="coal_2024.36.1")]),),
        "bad status": (_with_items(t, [dataclasses.replace(first, basis_status="VERIFIED")]),),
        "primary not statute": (_with_items(t, [dataclasses.replace(first, basis_status="VERIFIED-PRIMARY")]),),
        "non-ascii item code": (_with_items(t, [dataclasses.replace(first, code="dust.〇1")]),),
        "foreign prefix": (_with_items(t, [dataclasses.replace(first, code="ammonia.01")]),),
        "bad audience": (dataclasses.replace(t, audience="public"),),
        "unknown sector": (dataclasses.replace(t, sectors=("mars",)),),
        "bad version": (dataclasses.replace(t, version=0),),
    }


@pytest.mark.parametrize("case", list(_broken_cases()))
def test_self_check_rejects(case):
    with pytest.raises(ValueError):
        checklists._check_templates(_broken_cases()[case])


def test_self_check_accepts_shipped_templates():
    checklists._check_templates(TEMPLATES)
