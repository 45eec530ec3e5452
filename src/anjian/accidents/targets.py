"""Annual control targets (控制指标) per jurisdiction, their progress and warnings, and the one-vote veto flags.

* :func:`set_target` — a bureau leader sets (or changes) the target of its own region or a region under it, for
  one year, optionally for one sector: a maximum number of accidents and/or deaths.
* :func:`target_progress` — each visible target with the year's figures of its region (and sector), the share
  used and the status (``anjian.rules.accidents.target_status``: ok, warning ≥ 80%, reached = 100%, exceeded).
* :func:`scan_targets` — sends each warning (80%, 100%: ``rules.TARGET_WARNING_PERCENTS``) once per target and
  measure, recorded in :class:`~anjian.accidents.models.TargetWarning` under a unique key in the same transaction
  as its notifications. Run by ``manage.py accident_target_scan``, the Celery beat and ``run_scheduler``.
* :func:`veto_flags` — the user's jurisdiction and the ones a level down with a 较大 or worse accident in the year.

What a target counts (our conventions, see ``rules.TARGET_WARNING_RULE``): accidents of kind ``accident`` (not near
misses) that occurred (local time) in the target's year in the target's region subtree (and sector when set), with
their current figures; deaths include the missing persons of accidents graded with missing counted as deaths
(``Accident.missing_count_as_deaths``, the platform setting ``rules.MISSING_AS_DEATHS_RULE``). A target's progress is
the jurisdiction's figure, not narrowed to the viewer's sectors; so a department sees only the targets set for its
own sectors (``queries.targets_visible_to``): a region-wide target would count the other sectors' accidents.
Changing a target's limit discards the warnings already sent for that measure, so they are sent again against the
new limit (the audit chain keeps the old ones).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anjian.accidents import common, stats
from anjian.accidents.choices import AccidentKind
from anjian.accidents.models import Accident, ControlTarget, TargetWarning
from anjian.accidents.queries import accidents_visible_to, targets_visible_to
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit, notify
from anjian.core.audit import SystemActor
from anjian.core.choices import RegionLevel, Sector
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import Region, subtree_q
from anjian.rules import accidents as rules

MEASURES = ("accidents", "deaths")
MEASURE_LABELS = {"accidents": gettext_lazy("事故起数"), "deaths": gettext_lazy("死亡人数")}
MEASURE_UNITS = {"accidents": pgettext_lazy("accident count", "起"), "deaths": gettext_lazy("人")}
LIMIT_FIELDS = {"accidents": "max_accidents", "deaths": "max_deaths"}
MAX_LIMIT = 100000
STATUS_ORDER = {s: i for i, s in enumerate(rules.TARGET_STATUSES)}
# Who hears a target's warnings: these roles in the target region's own authorities (and its setter).
WARNED_ROLES = (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER)


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def can_set_targets(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.BUREAU_LEADER and user.authority_id)


def target_regions(user) -> QuerySet[Region]:
    """Regions a leader may set a target for: its own region and those under it (not villages)."""
    if not can_set_targets(user):
        return Region.objects.none()
    prefix = user.authority.region.prefix
    return Region.objects.filter(subtree_q(prefix, "code")).exclude(level=RegionLevel.VILLAGE).order_by("code")


def year_range(today: datetime.date | None = None) -> tuple[int, int]:
    """The years a target may be set for: last year (still being assessed) to next year (set in advance)."""
    today = today or timezone.localdate()
    return today.year - 1, today.year + 1


# --- setting a target -----------------------------------------------------------------------------------------------


def _limit(value, field: str, errors: dict) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[field] = ValidationError(_("控制指标须为不小于0的整数。"), code="invalid")
        return None
    text = str(value).strip()
    if isinstance(value, int):
        number = value
    elif text.lstrip("-").isdigit() and text.isascii():
        number = int(text)
    else:
        errors[field] = ValidationError(_("控制指标须为不小于0的整数。"), code="invalid")
        return None
    if number < 0:
        errors[field] = ValidationError(_("控制指标不能为负数。"), code="negative")
        return None
    if number > MAX_LIMIT:
        errors[field] = ValidationError(_("控制指标超出合理范围，请核对。"), code="out_of_range")
        return None
    return number


def _region(value, errors: dict) -> Region | None:
    if isinstance(value, Region):
        return value
    code = str(value or "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        errors["region"] = ValidationError(_("请选择辖区。"), code="required" if not code else "not_found")
    return region


def set_target(
    *, actor, region, year, sector: str = "", max_accidents=None, max_deaths=None, note: str = ""
) -> ControlTarget:
    """Set the year's control target of ``region`` (a Region or its code), optionally for one ``sector``; updates
    the target when one exists for (region, year, sector). The returned target has ``created`` True or False."""
    if is_system(actor) or not can_set_targets(actor):
        raise PermissionDeniedError(_("只有局领导可以下达控制指标。"))
    errors: dict[str, ValidationError] = {}
    region = _region(region, errors)
    if region is not None and not region.code.startswith(actor.authority.region.prefix):
        errors["region"] = ValidationError(_("只能为本辖区或下级辖区下达控制指标。"), code="out_of_scope")
    low, high = year_range()
    try:
        year = stats.parse_int(year, "year", _("年度"))
    except ValidationError as exc:
        errors.update(exc.error_dict)
        year = None
    if year is not None and not low <= year <= high:
        errors["year"] = ValidationError(
            _("年度须在{a}年至{b}年之间。").format(a=low, b=high), code="year_out_of_range"
        )
    sector = (sector or "").strip()
    if sector and sector not in Sector.values:
        errors["sector"] = ValidationError(_("请选择行业领域。"), code="invalid_choice")
    limits = {
        "max_accidents": _limit(max_accidents, "max_accidents", errors),
        "max_deaths": _limit(max_deaths, "max_deaths", errors),
    }
    if not errors and limits["max_accidents"] is None and limits["max_deaths"] is None:
        errors["max_accidents"] = ValidationError(
            _("请至少填写事故起数或死亡人数中的一项控制指标。"), code="limit_required"
        )
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = ValidationError(_("不超过{n}字。").format(n=200), code="max_length")
    if errors:
        raise ValidationError(errors)

    for attempt in range(2):
        try:
            with transaction.atomic():
                return _save(actor, region, year, sector, limits, note)
        except IntegrityError:  # another leader created the same target at the same moment: update it
            if attempt:
                raise
    raise AssertionError("unreachable")


def _save(actor, region, year, sector, limits, note) -> ControlTarget:
    target = (
        ControlTarget.objects.select_for_update()
        .filter(region=region, year=year, sector=sector)
        .select_related("region")
        .first()
    )
    created = target is None
    before = {} if created else {f: getattr(target, f) for f in (*LIMIT_FIELDS.values(), "note")}
    if created:
        target = ControlTarget(region=region, year=year, sector=sector)
    for name, value in limits.items():
        setattr(target, name, value)
    target.note = note
    target.set_by = actor
    with transaction.atomic():
        target.save()
    discarded = 0
    if not created:
        changed = [m for m, f in LIMIT_FIELDS.items() if before[f] != limits[f]]
        if changed:
            discarded, _x = TargetWarning.objects.filter(target=target, measure__in=changed).delete()
    audit.record(
        actor=actor,
        action="accident.target_set",
        obj=target,
        changes={
            "created": created,
            "region": region.code,
            "year": year,
            "sector": sector,
            "before": before,
            "after": {**limits, "note": note},
            "warnings_discarded": discarded,
        },
        region_code=region.code,
        object_repr=target_label(target),
    )
    target.created = created
    if target.year == timezone.localdate().year:  # a target already at 80% or 100% warns now, not at the next scan
        transaction.on_commit(lambda: scan_target(target))
    return target


def scan_target(target: ControlTarget) -> TargetScanResult:
    """The scan for one target (right after it is set)."""
    result = TargetScanResult()
    result.examined = 1
    for attempt in range(3):
        try:
            _scan_one(target, year_values([target], target.year).get(target.pk, {}), result)
            break
        except IntegrityError:  # a concurrent scan recorded it first
            if attempt == 2:
                raise
    return result


def target_label(target: ControlTarget) -> str:
    sector = f"（{Sector(target.sector).label}）" if target.sector in Sector.values else ""
    return _("{region}{year}年控制指标{sector}").format(region=target.region.name, year=target.year, sector=sector)


# --- progress -------------------------------------------------------------------------------------------------------


def _cover(prefixes) -> list[str]:
    """The fewest prefixes whose subtrees hold all of ``prefixes``."""
    out: list[str] = []
    for p in sorted(set(prefixes), key=lambda s: (len(s), s)):
        if not any(p.startswith(q) for q in out):
            out.append(p)
    return out


def year_values(
    targets: list[ControlTarget], year: int, *, until: datetime.datetime | None = None
) -> dict[int, dict[str, int]]:
    """{target id: {"accidents": n, "deaths": n}} for targets of ``year`` (up to ``until`` when given), from one
    GROUP BY (region_code, sector)."""
    if not targets:
        return {}
    start, end = stats.year_bounds(year)
    if until is not None:
        end = min(end, until)
    where = Q()
    for prefix in _cover(t.region.prefix for t in targets):
        where |= subtree_q(prefix)
    groups = (
        Accident.objects.filter(where, kind=AccidentKind.ACCIDENT, occurred_at__gte=start, occurred_at__lt=end)
        .values("region_code", "sector")
        .annotate(
            n=Count("id"),
            deaths=Sum("deaths", default=0),
            missing=Sum("missing", filter=Q(missing_count_as_deaths=True), default=0),
        )
        .order_by()
    )
    lengths = {len(t.region.prefix) for t in targets}
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for g in groups:
        dead = int(g["deaths"] or 0) + int(g["missing"] or 0)
        for n in lengths:
            code = g["region_code"][:n]
            for key in ((code, ""), (code, g["sector"])):
                sums[key][0] += g["n"]
                sums[key][1] += dead
    out = {}
    for t in targets:
        n, dead = sums.get((t.region.prefix, t.sector or ""), (0, 0))
        out[t.pk] = {"accidents": n, "deaths": dead}
    return out


def _measure_entry(measure: str, limit: int, value: int) -> dict[str, Any]:
    percent = rules.target_percent(value, limit)
    status = rules.target_status(value, limit)
    return {
        "measure": measure,
        "label": str(MEASURE_LABELS[measure]),
        "unit": str(MEASURE_UNITS[measure]),
        "limit": limit,
        "value": value,
        "percent": percent,
        "percent_text": f"{percent}%" if percent is not None else _("超出（指标为0）"),
        "status": status,
        "status_label": rules.TARGET_STATUS_LABELS[status],
        "thresholds": rules.target_thresholds_reached(value, limit),
        # For <progress>: a 0 target with an accident shows full.
        "bar_max": limit or 1,
        "bar_value": min(value, limit) if limit else min(value, 1),
    }


def progress_of(target: ControlTarget, values: dict[str, int]) -> dict[str, Any]:
    measures = [
        _measure_entry(m, getattr(target, f), values.get(m, 0))
        for m, f in LIMIT_FIELDS.items()
        if getattr(target, f) is not None
    ]
    status = max((e["status"] for e in measures), key=STATUS_ORDER.__getitem__, default="ok")
    return {
        "target": target,
        "id": target.pk,
        "region_code": target.region.code,
        "region_name": target.region.name,
        "year": target.year,
        "sector": target.sector,
        "sector_label": str(Sector(target.sector).label) if target.sector in Sector.values else "",
        "max_accidents": target.max_accidents,
        "max_deaths": target.max_deaths,
        "note": target.note,
        "measures": measures,
        "status": status,
        "status_label": rules.TARGET_STATUS_LABELS[status],
    }


def target_progress(user, year: int, *, until: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Each target of ``year`` the user sees (its jurisdiction's), with the year's figures (up to ``until``, e.g. the
    end of a circular's month) and status."""
    targets = list(
        targets_visible_to(user).filter(year=year).select_related("region", "set_by").order_by("region__code", "sector")
    )
    values = year_values(targets, year, until=until)
    return [progress_of(t, values.get(t.pk, {})) for t in targets]


def warnings_for(user, year: int) -> QuerySet[TargetWarning]:
    return (
        TargetWarning.objects.filter(target__in=targets_visible_to(user).filter(year=year), recipients__gt=0)
        .select_related("target", "target__region")
        .order_by("-sent_at", "-id")
    )


# --- the scan -------------------------------------------------------------------------------------------------------


@dataclass
class TargetScanResult:
    examined: int = 0
    warnings: int = 0
    notifications: int = 0
    sent: list[tuple[int, str, int]] = field(default_factory=list)


def _recipients(target: ControlTarget) -> list[int]:
    q = Q(role__in=WARNED_ROLES, authority__region=target.region)
    users = User.objects.filter(q, is_active=True).select_related("authority")
    ids = {u.pk for u in users}
    if target.sector:
        for u in User.objects.filter(
            role=Role.DEPARTMENT_OFFICER, is_active=True, authority__region=target.region
        ).select_related("authority"):
            if target.sector in (u.authority.sectors or []):
                ids.add(u.pk)
    if target.set_by_id and User.objects.filter(pk=target.set_by_id, is_active=True).exists():
        ids.add(target.set_by_id)
    return sorted(ids)


def _warning_title(target: ControlTarget, measure: str, threshold: int, value: int, limit: int) -> str:
    what = _("{region}{year}年{sector}{measure}").format(
        region=target.region.name,
        year=target.year,
        sector=f"{Sector(target.sector).label}" if target.sector in Sector.values else "",
        measure=MEASURE_LABELS[measure],
    )
    if threshold >= rules.TARGET_WARNING_PERCENTS[-1]:
        if value > limit:
            return _("控制指标已突破：{what}{value}，超过控制指标{limit}").format(what=what, value=value, limit=limit)
        return _("控制指标已达到：{what}{value}，达到控制指标{limit}").format(what=what, value=value, limit=limit)
    return _("控制指标预警：{what}{value}，已达控制指标{limit}的{t}%").format(
        what=what, value=value, limit=limit, t=threshold
    )


def _scan_one(target: ControlTarget, values: dict[str, int], result: TargetScanResult) -> None:
    with transaction.atomic():
        locked = ControlTarget.objects.select_for_update().filter(pk=target.pk).first()
        if locked is None:  # deleted meanwhile
            return
        sent = set(TargetWarning.objects.filter(target=target).values_list("measure", "threshold"))
        rows, messages = [], []
        for measure, limit_field in LIMIT_FIELDS.items():
            limit = getattr(locked, limit_field)
            if limit is None:
                continue
            value = values.get(measure, 0)
            due = [t for t in rules.target_thresholds_reached(value, limit) if (measure, t) not in sent]
            if not due:
                continue
            top = max(due)
            recipients = _recipients(target)
            message = notify.Message(
                kind="accident.target_warning",
                title=_warning_title(target, measure, top, value, limit),
                body=target.note,
                url=f"/accidents/targets/?year={target.year}",
                object_type="accidents.controltarget",
                object_id=str(target.pk),
            )
            messages.extend(notify.build(uid, message) for uid in recipients)
            for t in due:  # a lower threshold passed together with a higher one is recorded, not sent
                rows.append(TargetWarning(target=target, measure=measure, threshold=t, value=value,
                                          recipients=len(recipients) if t == top else 0))
        if not rows:
            return
        TargetWarning.objects.bulk_create(rows)
        notify.send(messages)
        audit.record(
            actor=SystemActor("target-scan"),
            action="accident.target_warning",
            obj=target,
            changes={"warnings": [[r.measure, r.threshold, r.value, r.recipients] for r in rows]},
            region_code=target.region.code,
            object_repr=target_label(target),
        )
    result.warnings += len(rows)
    result.notifications += len(messages)
    result.sent.extend((target.pk, r.measure, r.threshold) for r in rows)


def scan_targets(today: datetime.date | None = None) -> TargetScanResult:
    """Send the 80% and 100% warnings of this year's targets (and last year's during January), each once."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year - 1] if today.month == 1 else [])
    result = TargetScanResult()
    for year in years:
        targets = list(ControlTarget.objects.filter(year=year).select_related("region"))
        result.examined += len(targets)
        values = year_values(targets, year)
        for target in targets:
            for attempt in range(3):
                try:
                    _scan_one(target, values.get(target.pk, {}), result)
                    break
                except IntegrityError:  # another scan recorded it first: nothing kept, read again
                    if attempt == 2:
                        raise
    return result


# --- the one-vote veto ----------------------------------------------------------------------------------------------


def veto_flags(user, year: int, *, until: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """The user's jurisdiction and those a level down that had a 较大 or worse accident in ``year`` (in the user's
    scope), each naming its accidents: ``[{"region_code", "region_name", "own": bool, "accidents": [...]}]``, the
    user's own first, then the lower ones by code. Empty when there is nothing to flag."""
    stats.require_viewer(user)
    start, end = stats.year_bounds(year)
    if until is not None:
        end = min(end, until)
    grades = sorted(g.value for g in rules.ONE_VOTE_VETO_GRADES)
    rows = list(
        accidents_visible_to(user)
        .filter(kind=AccidentKind.ACCIDENT, grade__in=grades, occurred_at__gte=start, occurred_at__lt=end)
        .select_related("enterprise")
        .order_by("occurred_at", "id")
    )
    if not rows:
        return []
    own = stats.user_region(user)
    length = stats.child_prefix_length(own)
    items = [
        {
            "id": a.pk,
            "number": a.number,
            "url": common.accident_url(a),
            "occurred_at": a.occurred_at,
            "enterprise_name": a.enterprise.name,
            "region_code": a.region_code,
            "grade": a.grade,
            "grade_label": a.get_grade_display(),
            "accident_type": a.accident_type,
            "accident_type_label": rules.ACCIDENT_TYPES.get(a.accident_type, a.accident_type),
            "deaths": a.deaths,
            "missing": a.missing,
            "serious_injuries": a.serious_injuries,
        }
        for a in rows
    ]
    by_child: dict[str, list] = defaultdict(list)
    for item in items:
        key = stats.region_key(item["region_code"], own, length)
        if key != stats.OWN_KEY:
            by_child[key].append(item)
    names = dict(Region.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    flags = [{"region_code": own.code, "region_name": own.name, "own": True, "accidents": items}]
    flags += [
        {"region_code": code, "region_name": names.get(code, code), "own": False, "accidents": by_child[code]}
        for code in sorted(by_child)
    ]
    return flags
