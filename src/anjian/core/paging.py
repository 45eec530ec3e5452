"""Keyset paging for HTML lists: ``?after=<id>`` walks a list ordered by descending id."""

import re
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


_ID = re.compile(r"[0-9]{1,18}", re.ASCII)


def keyset_page(queryset, params, page_size: int = 50) -> KeysetPage:
    after = params.get("after")
    qs = queryset.order_by("-id")
    is_first = True
    if after and _ID.fullmatch(str(after)):  # ASCII digits that fit a bigint ("²".isdigit() is True)
        qs = qs.filter(id__lt=int(after))
        is_first = False
    items = list(qs[: page_size + 1])
    next_after = items[page_size - 1].id if len(items) > page_size else None
    return KeysetPage(items=items[:page_size], next_after=next_after, is_first=is_first)


def is_partial(request) -> bool:
    """An htmx request for a part of the page (not htmx restoring its history, which wants the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def ledger_response(request, flt, *, template: str, rows_template: str, context=None, page_context=None):
    """A filtered ledger, keyset-paged: the whole page, or only its rows for htmx. ``context`` goes to both;
    ``page_context`` (a callable) is computed for the whole page only. A filter with errors shows no rows."""
    from django.shortcuts import render
    from django.utils.cache import patch_vary_headers

    page = keyset_page(flt.qs, request.GET) if flt.is_valid() else keyset_page(flt.queryset.none(), {})
    ctx = {
        "filter": flt,
        "page": page,
        "next_query": page.next_query(request.GET) if page.next_after else "",
        "first_query": page.first_query(request.GET),
        **(context or {}),
    }
    partial = is_partial(request)
    if not partial and page_context is not None:
        ctx.update(page_context())
    response = render(request, rows_template if partial else template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response
