"""执法文书编号 — numbering of enforcement documents in the official style.

Format: ``（{authority_short}）应急{abbr}〔{year}〕{n}号``, e.g. ``（青山）应急罚决〔2025〕12号``:
full-width parentheses around the authority's short name, 「应急」, the document-type abbreviation, the year in
六角括号 〔〕, the serial number without leading zeros, 「号」.

The eight document types are those listed in the issue. **The abbreviations are our convention,
configurable; local bureaus use their own** (no national rule fixes them) — every row says so in ``note``.
Pass another table to :func:`format_number` / :func:`parse_number` (``types=``) to use a bureau's own
abbreviations; :func:`check_types` validates such a table (unique codes, names and abbreviations).

Validation: ``authority_short`` is 1–10 characters, each a CJK ideograph or an ASCII letter or digit (so no
brackets, spaces or punctuation); ``year`` a four-digit year (1900–9999); ``n`` an int ≥ 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "DocType",
    "DOC_TYPES",
    "ParsedNumber",
    "check_types",
    "doc_type",
    "validate_authority",
    "format_number",
    "parse_number",
]

CONVENTION_NOTE = "our convention, configurable; local bureaus use their own（本局约定，可配置；各地文书简称不一）"


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    abbr: str
    note: str = CONVENTION_NOTE


DOC_TYPES: tuple[DocType, ...] = (
    DocType("inspection_record", "现场检查记录", "检记"),
    DocType("rectification_order", "责令限期整改指令书", "责改"),
    DocType("review_opinion", "整改复查意见书", "复查"),
    DocType("onsite_measures", "现场处理措施决定书", "现决"),
    DocType("coercive_measures", "强制措施决定书", "强制"),
    DocType("penalty_notice", "行政处罚告知书", "罚告"),
    DocType("penalty_decision", "行政处罚决定书", "罚决"),
    DocType("referral", "移送书", "移送"),
)

_CJK = "\u4e00-\u9fff\u3400-\u4dbf"
_AUTHORITY_RE = re.compile(rf"^[{_CJK}A-Za-z0-9]{{1,10}}$")
_ABBR_RE = re.compile(rf"^[{_CJK}]{{1,4}}$")
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
YEAR_MIN, YEAR_MAX = 1900, 9999


@dataclass(frozen=True)
class ParsedNumber:
    authority_short: str
    doc_type: str  # DocType.code
    year: int
    n: int


def check_types(types: Iterable[DocType]) -> tuple[DocType, ...]:
    types = tuple(types)
    if not types:
        raise ValueError("document type table is empty")
    for attr in ("code", "name", "abbr"):
        values = [getattr(t, attr) for t in types]
        if len(set(values)) != len(values):
            raise ValueError(f"duplicate document type {attr}s in {values}")
    for t in types:
        if not _CODE_RE.match(t.code):
            raise ValueError(f"document type code must be lower-case ASCII, got {t.code!r}")
        if not _ABBR_RE.match(t.abbr):
            raise ValueError(f"{t.code}: abbreviation must be 1–4 CJK characters, got {t.abbr!r}")
        if not t.name:
            raise ValueError(f"{t.code}: empty name")
    return types


check_types(DOC_TYPES)


def doc_type(key: str, types: Iterable[DocType] = DOC_TYPES) -> DocType:
    """The row whose code, Chinese name or abbreviation is ``key``; ValueError if none."""
    for t in types:
        if key in (t.code, t.name, t.abbr):
            return t
    raise ValueError(f"unknown document type {key!r}; expected one of {[t.code for t in types]}")


def validate_authority(authority_short: str) -> str:
    if not isinstance(authority_short, str) or not _AUTHORITY_RE.match(authority_short):
        raise ValueError(
            "authority_short must be 1–10 CJK or ASCII letters/digits, without brackets, spaces or punctuation;"
            f" got {authority_short!r}"
        )
    return authority_short


def _validate_year_n(year: int, n: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"year must be an int from {YEAR_MIN} to {YEAR_MAX}, got {year!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"serial number n must be an int >= 1, got {n!r}")


def format_number(
    authority_short: str, doc_type_key: str, year: int, n: int, *, types: Iterable[DocType] = DOC_TYPES
) -> str:
    """``format_number("青山", "penalty_decision", 2025, 12)`` → ``"（青山）应急罚决〔2025〕12号"``.

    ``doc_type_key`` is a type's code, Chinese name or abbreviation.
    """
    types = check_types(types)
    validate_authority(authority_short)
    t = doc_type(doc_type_key, types)
    _validate_year_n(year, n)
    return f"（{authority_short}）应急{t.abbr}〔{year}〕{n}号"


_NUMBER_RE = re.compile(r"^（(?P<auth>[^（）]*)）应急(?P<abbr>[^〔〕]*)〔(?P<year>[^〔〕]*)〕(?P<n>[^号]*)号$")


def parse_number(text: str, *, types: Iterable[DocType] = DOC_TYPES) -> ParsedNumber:
    """Inverse of :func:`format_number`; ValueError naming the faulty part for anything else."""
    types = check_types(types)
    if not isinstance(text, str):
        raise ValueError(f"document number must be a string, got {text!r}")
    m = _NUMBER_RE.match(text.strip())
    if not m:
        raise ValueError(f"not a document number of the form （机关简称）应急<文书简称>〔年份〕序号号: {text!r}")
    authority = validate_authority(m["auth"])
    by_abbr = {t.abbr: t for t in types}
    if m["abbr"] not in by_abbr:
        raise ValueError(f"unknown document abbreviation {m['abbr']!r} in {text!r}; expected one of {sorted(by_abbr)}")
    if not re.fullmatch(r"[0-9]{4}", m["year"]):
        raise ValueError(f"year must be four ASCII digits, got {m['year']!r} in {text!r}")
    if not re.fullmatch(r"[1-9][0-9]*", m["n"]):
        raise ValueError(f"serial number must be ASCII digits without leading zeros and >= 1, got {m['n']!r}")
    year, n = int(m["year"]), int(m["n"])
    _validate_year_n(year, n)
    return ParsedNumber(authority, by_abbr[m["abbr"]].code, year, n)
