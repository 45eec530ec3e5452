"""Enforcement document numbering: round trips and bad inputs."""

import pytest

from anjian.rules.doc_numbers import (
    CONVENTION_NOTE,
    DOC_TYPES,
    DocType,
    ParsedNumber,
    check_types,
    doc_type,
    format_number,
    parse_number,
)

TYPES = [
    ("inspection_record", "现场检查记录", "检记"),
    ("rectification_order", "责令限期整改指令书", "责改"),
    ("review_opinion", "整改复查意见书", "复查"),
    ("onsite_measures", "现场处理措施决定书", "现决"),
    ("coercive_measures", "强制措施决定书", "强制"),
    ("penalty_notice", "行政处罚告知书", "罚告"),
    ("penalty_decision", "行政处罚决定书", "罚决"),
    ("referral", "移送书", "移送"),
]


def test_table():
    assert [(t.code, t.name, t.abbr) for t in DOC_TYPES] == TYPES
    assert all(t.note == CONVENTION_NOTE for t in DOC_TYPES)


@pytest.mark.parametrize(("code", "name", "abbr"), TYPES)
@pytest.mark.parametrize(
    ("authority", "year", "n"), [("青山", 2025, 1), ("ABC区", 2024, 12), ("一二三四五六七八九十", 1900, 9999)]
)
def test_round_trip(code, name, abbr, authority, year, n):
    text = format_number(authority, code, year, n)
    assert text == f"（{authority}）应急{abbr}〔{year}〕{n}号"
    assert parse_number(text) == ParsedNumber(authority, code, year, n)
    assert format_number(authority, name, year, n) == text
    assert format_number(authority, abbr, year, n) == text


def test_example():
    assert format_number("青山", "penalty_decision", 2025, 12) == "（青山）应急罚决〔2025〕12号"


@pytest.mark.parametrize(
    ("authority", "kind", "year", "n"),
    [
        ("", "referral", 2025, 1),
        ("一二三四五六七八九十一", "referral", 2025, 1),
        ("青（山", "referral", 2025, 1),
        ("青〔山", "referral", 2025, 1),
        ("青 山", "referral", 2025, 1),
        ("青山", "letter", 2025, 1),
        ("青山", "referral", 25, 1),
        ("青山", "referral", "2025", 1),
        ("青山", "referral", 2025, 0),
        ("青山", "referral", 2025, -3),
        ("青山", "referral", 2025, 1.0),
        ("青山", "referral", 2025, True),
    ],
)
def test_format_bad_inputs(authority, kind, year, n):
    with pytest.raises(ValueError):
        format_number(authority, kind, year, n)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "form"),
        ("(青山)应急罚决〔2025〕12号", "form"),
        ("（青山）应急罚决[2025]12号", "form"),
        ("（青山）罚决〔2025〕12号", "form"),
        ("（青山）应急罚决〔2025〕12", "form"),
        ("（）应急罚决〔2025〕12号", "authority_short"),
        ("（青山）应急罚款〔2025〕12号", "abbreviation"),
        ("（青山）应急罚决〔25〕12号", "year"),
        ("（青山）应急罚决〔２０２５〕12号", "year"),
        ("（青山）应急罚决〔2025〕0号", "serial"),
        ("（青山）应急罚决〔2025〕012号", "serial"),
        ("（青山）应急罚决〔2025〕号", "serial"),
        ("（青山）应急罚决〔2025〕1２号", "serial"),
        ("（青山）应急罚决〔0999〕1号", "year"),
    ],
)
def test_parse_bad_inputs(text, match):
    with pytest.raises(ValueError, match=match):
        parse_number(text)


def test_parse_non_string():
    with pytest.raises(ValueError):
        parse_number(None)


def test_custom_table():
    local = (DocType("penalty_decision", "行政处罚决定书", "罚"),)
    assert format_number("青山", "penalty_decision", 2025, 3, types=local) == "（青山）应急罚〔2025〕3号"
    assert parse_number("（青山）应急罚〔2025〕3号", types=local).doc_type == "penalty_decision"
    with pytest.raises(ValueError):
        parse_number("（青山）应急罚决〔2025〕3号", types=local)


@pytest.mark.parametrize(
    "types",
    [
        (),
        (DocType("a", "甲", "罚"), DocType("b", "乙", "罚")),
        (DocType("a", "甲", "罚"), DocType("a", "乙", "告")),
        (DocType("A", "甲", "罚"),),
        (DocType("a", "甲", "F"),),
        (DocType("a", "", "罚"),),
    ],
)
def test_bad_tables(types):
    with pytest.raises(ValueError):
        check_types(types)


def test_doc_type_lookup():
    assert doc_type("移送书").code == "referral"
    with pytest.raises(ValueError):
        doc_type("unknown")
