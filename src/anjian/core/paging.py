"""Keyset paging for HTML lists: ``?after=<id>`` walks a list ordered by descending id."""

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass
class KeysetPage:
    items: list
    next_after: int | None
    is_first: bool

    def next_query(self, params) -> str:
        query = params.copy()
        query["after"] = str(self.next_after)
        query.pop("partial", None)
        return urlencode(query, doseq=True)

    def first_query(self, params) -> str:
        query = params.copy()
        query.pop("after", None)
        query.pop("partial", None)
        return urlencode(query, doseq=True)


def keyset_page(queryset, params, page_size: int = 50) -> KeysetPage:
    after = params.get("after")
    qs = queryset.order_by("-id")
    is_first = True
    if after and str(after).isdigit():
        qs = qs.filter(id__lt=int(after))
        is_first = False
    items = list(qs[: page_size + 1])
    next_after = items[page_size - 1].id if len(items) > page_size else None
    return KeysetPage(items=items[:page_size], next_after=next_after, is_first=is_first)
