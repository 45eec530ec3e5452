"""Writes to the reference data: regions, authorities, grids. Each audited."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.choices import AuthorityKind, RegionLevel, Sector
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import Authority, Grid, Region


def _validate_region_row(code: str, name: str, level: str, parent_code: str) -> None:
    if level not in RegionLevel.values:
        raise ValidationError(_("区划 {}：未知层级“{}”。").format(code, level))
    expected = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}[level]
    if len(code) != expected or not code.isdigit():
        raise ValidationError(_("区划 {}：{}级代码应为 {} 位数字。").format(code, RegionLevel(level).label, expected))
    if not name.strip():
        raise ValidationError(_("区划 {}：缺少名称。").format(code))


def regions_load(*, actor, path: Path) -> tuple[int, int]:
    """Load or update regions from a CSV (code,name,level,parent). All or nothing.

    Returns (created, updated)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            code, name = row["code"].strip(), row["name"].strip()
            level, parent_code = row["level"].strip(), (row.get("parent") or "").strip()
            _validate_region_row(code, name, level, parent_code)
            parent = Region.objects.filter(code=parent_code).first() if parent_code else None
            if parent_code and parent is None:
                raise ValidationError(_("区划 {}：上级 {} 不存在（上级须排在前面）。").format(code, parent_code))
            if parent is not None and not code.startswith(parent.prefix):
                raise ValidationError(_("区划 {}：代码不以上级 {} 的代码开头。").format(code, parent_code))
            region = Region.objects.filter(code=code).first()
            if region is None:
                region = Region(code=code, name=name, level=level, parent=parent)
                region.save()
                created += 1
            elif (region.name, region.level, region.parent_id) != (name, level, parent.pk if parent else None):
                region.name, region.level, region.parent = name, level, parent
                region.save()
                updated += 1
        audit.record(actor=actor, action="region.load", object_repr=str(path.name),
                     changes={"created": [None, created], "updated": [None, updated]})
    return created, updated


def authority_create(*, actor, name: str, kind: str, region: Region, parent: Authority | None = None,
                     sectors: list[str] | None = None) -> Authority:
    if kind not in AuthorityKind.values:
        raise ValidationError({"kind": [ValidationError(_("未知的机构类别。"), code="invalid_choice")]})
    sectors = list(dict.fromkeys(sectors or []))
    if kind == AuthorityKind.DEPARTMENT and not sectors:
        raise ValidationError({"sectors": [ValidationError(_("行业主管部门须列明其监管行业。"), code="required")]})
    bad = [s for s in sectors if s not in Sector.values]
    if bad:
        raise ValidationError({"sectors": [ValidationError(_("未知的监管行业：{}").format(", ".join(bad)))]})
    with transaction.atomic():
        authority = Authority.objects.create(name=name, kind=kind, region=region, parent=parent, sectors=sectors)
        audit.record(actor=actor, action="authority.create", obj=authority, region_code=region.prefix,
                     changes={"name": [None, name], "kind": [None, kind], "sectors": [None, sectors]})
    return authority


GRID_MANAGERS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER})


def _check_grid_write(actor, region: Region, officer) -> None:
    """Bureau and township officers keep the grids of their own region; the officer named must be
    a grid officer of an authority inside that region's county or township."""
    errors: dict[str, list] = {}
    if not isinstance(actor, audit.SystemActor):
        if actor.role not in GRID_MANAGERS:
            raise PermissionDeniedError(_("只有局、乡镇（街道）人员可以维护网格。"))
        if not region.code.startswith(actor.authority.region.prefix):
            errors["region"] = [ValidationError(_("该区划不在您的管辖范围内。"), code="region_out_of_scope")]
    if region.level != RegionLevel.TOWNSHIP:
        errors["region"] = [ValidationError(_("网格须建在乡镇（街道）。"), code="region_level")]
    if officer is not None:
        if officer.role != Role.GRID_OFFICER:
            errors["officer"] = [ValidationError(_("只能指定网格员角色的用户。"), code="not_grid_officer")]
        elif not region.code.startswith(officer.authority.region.prefix):
            errors["officer"] = [ValidationError(_("该网格员不属于本区域。"), code="officer_out_of_scope")]
    if errors:
        raise ValidationError(errors)


def grid_create(*, actor, name: str, region: Region, officer=None) -> Grid:
    _check_grid_write(actor, region, officer)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [ValidationError(_("请填写网格名称。"), code="required")]})
    if Grid.objects.filter(region=region, name=name).exists():
        raise ValidationError({"name": [ValidationError(_("本乡镇（街道）已有同名网格。"), code="grid_duplicate")]})
    with transaction.atomic():
        grid = Grid(name=name, region=region, officer=officer)
        grid.save()
        audit.record(actor=actor, action="grid.create", obj=grid, region_code=region.code,
                     changes={"name": [None, name], "officer": [None, officer.username if officer else None]})
    return grid


def grid_assign_officer(*, actor, grid: Grid, officer) -> Grid:
    _check_grid_write(actor, grid.region, officer)
    before = grid.officer.username if grid.officer_id else None
    with transaction.atomic():
        grid.officer = officer
        grid.save()
        audit.record(actor=actor, action="grid.assign_officer", obj=grid, region_code=grid.region_code,
                     changes={"officer": [before, officer.username if officer else None]})
    return grid


# Who may point their own authority's notifications at a webhook.
WEBHOOK_MANAGERS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER})


def webhook_set(*, actor, url: str, secret: str = "", active: bool = True):
    """Set (or replace) the webhook of the actor's own authority. An empty secret keeps the current one."""
    from django.core.validators import URLValidator

    from anjian.core.models import AuthorityWebhook

    if getattr(actor, "role", None) not in WEBHOOK_MANAGERS:
        raise PermissionDeniedError(_("只有机关工作人员可以设置本单位的推送地址。"))
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": ValidationError(_("请输入有效的 http(s) 地址。"), code="invalid")}) from None
    hook = AuthorityWebhook.objects.filter(authority=actor.authority).first()
    secret = (secret or "").strip()
    if not secret and hook is None:
        raise ValidationError({"secret": ValidationError(_("请设置签名密钥（至少16个字符）。"), code="required")})
    if secret and len(secret) < 16:
        raise ValidationError({"secret": ValidationError(_("签名密钥至少16个字符。"), code="too_short")})
    with transaction.atomic():
        if hook is None:
            hook = AuthorityWebhook.objects.create(authority=actor.authority, url=url, secret=secret, active=active)
        else:
            hook.url, hook.active = url, active
            if secret:
                hook.secret = secret
            hook.save()
        audit.record(actor=actor, action="webhook.set", obj=actor.authority,
                     changes={"url": url, "active": active, "secret_changed": bool(secret)},
                     region_code=actor.authority.region.code)
    return hook


def notification_mark_read(*, actor, ids=None) -> int:
    """Mark the actor's own notifications read (all unread ones when ``ids`` is None)."""
    from django.utils import timezone

    from anjian.core.models import Notification

    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
