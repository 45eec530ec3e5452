"""Counters kept current by the services, so a county and a province cost the same to show.

Each change adds deltas to one row per (region code, sector) — sector '' is "all sectors", and
each of the enterprise's sectors gets its own row for the departments that supervise by sector.
"""

import datetime
from collections import Counter

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from anjian.enterprises.models import EnterpriseSector
from anjian.hazards.choices import OPEN_STATES, HazardGrade, HazardState
from anjian.hazards.models import Hazard, HazardGauge, HazardMonthly


def _sectors(enterprise_id: int) -> list[str]:
    return [""] + list(
        EnterpriseSector.objects.filter(enterprise_id=enterprise_id).values_list("sector", flat=True).distinct()
    )


def _bump(model, key: dict, deltas: dict) -> None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return
    updated = model.objects.filter(**key).update(**{k: F(k) + v for k, v in deltas.items()})
    if updated:
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **deltas)
    except IntegrityError:  # another transaction created the row between our update and insert
        model.objects.filter(**key).update(**{k: F(k) + v for k, v in deltas.items()})


def month_of(moment) -> datetime.date:
    day = moment.date() if isinstance(moment, datetime.datetime) else moment
    return day.replace(day=1)


def bump_gauge(hazard: Hazard, sectors: list[str] | None = None, **deltas: int) -> None:
    for sector in sectors if sectors is not None else _sectors(hazard.enterprise_id):
        _bump(HazardGauge, {"region_code": hazard.region_code, "sector": sector}, deltas)


def bump_month(hazard: Hazard, month: datetime.date, sectors: list[str] | None = None, **deltas: int) -> None:
    for sector in sectors if sectors is not None else _sectors(hazard.enterprise_id):
        _bump(HazardMonthly, {"region_code": hazard.region_code, "sector": sector, "month": month}, deltas)


GAUGE_COLUMNS = ("reported", "open", "major_open", "listed", "overdue")


def bump_gauges_bulk(changes: Counter) -> None:
    """``changes[(region_code, sector, field)] = delta`` — for the scan, which moves many at once: one
    INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24 and PostgreSQL) for all the keys, not an UPDATE each."""
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for (region_code, sector, field), delta in changes.items():
        if field not in GAUGE_COLUMNS:
            raise ValueError(f"unknown gauge {field!r}")
        grouped.setdefault((region_code, sector), {})[field] = delta
    if not grouped:
        return
    table = connection.ops.quote_name(HazardGauge._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in GAUGE_COLUMNS)
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in (connection.ops.quote_name(c) for c in GAUGE_COLUMNS))
    rows = list(grouped.items())
    for start in range(0, len(rows), 500):
        part = rows[start : start + 500]
        values = ", ".join(["(%s, %s, " + ", ".join(["%s"] * len(GAUGE_COLUMNS)) + ")"] * len(part))
        params = []
        for (region_code, sector), deltas in part:
            params += [region_code, sector, *(deltas.get(c, 0) for c in GAUGE_COLUMNS)]
        sql = (
            f'INSERT INTO {table} ("region_code", "sector", {cols}) VALUES {values} '
            f'ON CONFLICT ("sector", "region_code") DO UPDATE SET {sets}'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def rebuild() -> None:
    """Recompute every counter from the hazard table (after a bulk load, or to repair drift)."""
    links: dict[int, list[str]] = {}
    for enterprise_id, sector in EnterpriseSector.objects.values_list("enterprise_id", "sector"):
        links.setdefault(enterprise_id, []).append(sector)
    monthly: Counter = Counter()
    gauges: Counter = Counter()
    rows = Hazard.objects.exclude(state__in=[HazardState.REPORTED, HazardState.REJECTED]).values_list(
        "enterprise_id", "region_code", "found_at", "verified_at", "state", "grade", "is_overdue", "listed"
    )
    for enterprise_id, code, found_at, verified_at, state, grade, overdue, listed in rows.iterator(chunk_size=5000):
        major = grade == HazardGrade.MAJOR
        found_month = month_of(timezone.localtime(found_at))  # months are local (Asia/Shanghai), as in the services
        closed_month = month_of(timezone.localtime(verified_at)) if verified_at else None
        for sector in [""] + links.get(enterprise_id, []):
            monthly[(code, sector, found_month, "found")] += 1
            monthly[(code, sector, found_month, "major_found")] += major
            if state == HazardState.CLOSED and closed_month:
                monthly[(code, sector, closed_month, "rectified")] += 1
                monthly[(code, sector, closed_month, "major_rectified")] += major
            if state in OPEN_STATES:
                gauges[(code, sector, "open")] += 1
                gauges[(code, sector, "major_open")] += major
                gauges[(code, sector, "overdue")] += bool(overdue)
                gauges[(code, sector, "listed")] += bool(listed)
    pending = Hazard.objects.filter(state=HazardState.REPORTED).values_list("enterprise_id", "region_code")
    for enterprise_id, code in pending.iterator(chunk_size=5000):
        for sector in [""] + links.get(enterprise_id, []):
            gauges[(code, sector, "reported")] += 1
    with transaction.atomic():
        HazardMonthly.objects.all().delete()
        HazardGauge.objects.all().delete()
        month_rows: dict = {}
        for (code, sector, month, field), value in monthly.items():
            month_rows.setdefault((code, sector, month), {})[field] = value
        HazardMonthly.objects.bulk_create(
            [HazardMonthly(region_code=c, sector=s, month=m, **v) for (c, s, m), v in month_rows.items()],
            batch_size=2000,
        )
        gauge_rows: dict = {}
        for (code, sector, field), value in gauges.items():
            gauge_rows.setdefault((code, sector), {})[field] = value
        HazardGauge.objects.bulk_create(
            [HazardGauge(region_code=c, sector=s, **v) for (c, s), v in gauge_rows.items()], batch_size=2000
        )
