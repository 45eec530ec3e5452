import traceback
import pytest
from django.urls import reverse
from tests.accidents.test_investigation import accident, opened, replied, submitted, today
from anjian.accidents import investigation as inv_services

pytestmark = pytest.mark.django_db

BAD = ["", "abc", "NaN", "Infinity", "-Infinity", "１２", "²", "-1", "-5", str(10**20), "1e5", "1.5", "2026-02-30",
       "0001-01-01T00:00", "9999-12-31T23:59", "2026-03-01T10:00:59", "2026-03-01T10", "2026-03-01", "x" * 6000,
       "<script>alert(1)</script>", "\x00", "0", " 12 ", "99999-01-01"]

GETS = ["year", "month", "by", "after", "cursor", "page", "enterprise", "region", "q", "kind", "state", "grade",
        "occurred_from", "occurred_to", "late", "sector", "partial"]


def hit(results, label, fn):
    try:
        r = fn()
        if r.status_code >= 500:
            results.append((label, r.status_code))
        return r
    except Exception as exc:  # noqa
        results.append((label, repr(exc)[:300], traceback.format_exc().splitlines()[-6:]))


def test_explore_gets(aw):
    a, inv = opened(aw)
    res = []
    c = aw.client("b1")
    urls = [reverse("accidents:list"), reverse("accidents:export"), reverse("accidents:new"),
            reverse("accidents:detail", args=[a.pk]), reverse("accidents:statistics"),
            reverse("accidents:circular_pdf"), reverse("accidents:circular_xlsx"), reverse("accidents:targets")]
    for url in urls:
        for p in GETS:
            for v in BAD:
                hit(res, (url, p, v[:20]), lambda: c.get(url, {p: v}))
        hit(res, (url, "rep"), lambda: c.get(url + "?year=2025&year=abc&month=1&month=13"))
    for url in [f"/accidents/{10**20}/", f"/accidents/{2**63}/", f"/accidents/{2**63}/transmit/"]:
        hit(res, url, lambda: c.get(url) if "transmit" not in url else c.post(url, {}))
    for r in res:
        print(r)
    assert not res
