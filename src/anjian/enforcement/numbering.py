"""Document numbers: the authority's short name and the gap-free serial per authority, type and year.

The short name (文号机关简称) is the authority's ``AuthorityProfile.short_name`` when set. Otherwise it is
derived, and the rule is:

* the region's name without its administrative suffix — the first of 特别行政区, 自治区, 自治州, 自治县,
  自治旗, 地区, 新区, 林区, 盟, 省, 市, 县, 区, 旗 that ends the name, stripped only if at least two
  characters remain (海宁市 → 海宁, 浙江省 → 浙江, 沙县 stays 沙县);
* for an authority that is not the emergency bureau (a department, a park), its own name follows, without
  the region's name in front and without a trailing 局/委员会/委/办公室/办/管委会 (海宁市住建局 → 海宁住建), so that
  two authorities of one county never print the same number;
* at most 10 characters, letters, digits and CJK only (``rules.doc_numbers.validate_authority``).
"""

import re

from django.db import IntegrityError, transaction

from anjian.core.choices import AuthorityKind
from anjian.enforcement.models import AuthorityProfile, DocumentCounter
from anjian.rules import doc_numbers

REGION_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "盟", "省", "市", "县", "区", "旗",
)
AUTHORITY_SUFFIXES = ("管理委员会", "管委会", "委员会", "办公室", "局", "委", "办")
_ALLOWED = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbfA-Za-z0-9]")


def region_short(name: str) -> str:
    for suffix in REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _authority_part(authority) -> str:
    name = authority.name
    region_name = authority.region.name
    for prefix in (region_name, region_short(region_name)):
        if prefix and name.startswith(prefix):
            name = name[len(prefix) :]
            break
    for suffix in AUTHORITY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return name


def derived_short(authority) -> str:
    short = region_short(authority.region.name)
    if authority.kind != AuthorityKind.EMERGENCY_BUREAU:
        short += _authority_part(authority)
    short = _ALLOWED.sub("", short)[:10]
    return short or "本局"


def authority_short(authority) -> str:
    profile = AuthorityProfile.objects.filter(authority=authority).only("short_name").first()
    if profile and profile.short_name:
        return profile.short_name
    return derived_short(authority)


def take_serial(authority, doc_type: str, year: int) -> int:
    """The next serial, taken from the locked counter row. Call inside the approval's transaction."""
    counter = DocumentCounter.objects.select_for_update().filter(authority=authority, doc_type=doc_type, year=year)
    row = counter.first()
    if row is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(authority=authority, doc_type=doc_type, year=year, last=0)
        except IntegrityError:
            pass  # another approval created it first; lock it below
        row = counter.get()
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def format_number(authority, doc_type: str, year: int, serial: int) -> str:
    return doc_numbers.format_number(authority_short(authority), doc_type, year, serial)
