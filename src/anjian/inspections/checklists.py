"""Checklist templates: the shipped ones loaded from ``anjian.rules.checklists``, and a bureau's own copies,
edited as drafts and frozen when published. Every write is audited; views and the API call these."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.roles import ENTERPRISE_ROLES, Role
from anjian.core import audit
from anjian.core.choices import Sector
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.inspections.choices import Audience, TemplateState
from anjian.inspections.models import ChecklistTemplate, ChecklistTemplateItem
from anjian.rules import checklists as shipped_rules
from anjian.rules import major_hazard

# Who may copy and edit their authority's templates.
TEMPLATE_EDITORS = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER})
MAX_POSITION = 10_000
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def sync_shipped(*, using: str = "default") -> int:
    """Create each shipped template version that the database lacks (published, items as in the rules).
    A version already present is left as it is: a shipped version never changes, a change ships a new one."""
    created = 0
    have = set(ChecklistTemplate.objects.using(using).filter(authority__isnull=True).values_list("code", "version"))
    for t in shipped_rules.TEMPLATES:
        if (t.code, t.version) in have:
            continue
        with transaction.atomic(using=using):
            row = ChecklistTemplate.objects.using(using).create(
                code=t.code,
                version=t.version,
                title=t.title,
                theme=t.theme,
                sectors=list(t.sectors),
                audience=t.audience,
                source_note=t.source_note,
                state=TemplateState.PUBLISHED,
                published_at=timezone.now(),
            )
            ChecklistTemplateItem.objects.using(using).bulk_create(
                ChecklistTemplateItem(
                    template=row,
                    position=n,
                    code=i.code,
                    section=i.section,
                    requirement=i.requirement,
                    basis=i.basis,
                    basis_status=i.basis_status,
                    criterion_code=i.criterion_code,
                )
                for n, i in enumerate(t.items, start=1)
            )
        created += 1
    return created


def templates_visible_to(user) -> QuerySet[ChecklistTemplate]:
    """Shipped templates, and those of the user's authority or of an authority above it (a county
    bureau's own lists serve its townships too). Enterprise users see the self-inspection lists."""
    if not user.is_authenticated or not user.role:
        return ChecklistTemplate.objects.none()
    if user.role in ENTERPRISE_ROLES:
        code = user.enterprise.region_code if user.enterprise_id else ""
        owners = Q(authority__isnull=True)
        if code:
            prefixes = sorted({code[:n] for n in (2, 4, 6, 9, 12) if len(code) >= n})
            owners |= Q(authority__region__prefix__in=prefixes)
        return ChecklistTemplate.objects.filter(owners, audience=Audience.ENTERPRISE)
    if not user.is_authority_user:
        return ChecklistTemplate.objects.none()
    prefix = user.authority.region.prefix
    above = sorted({prefix[:n] for n in (2, 4, 6, 9, 12) if len(prefix) >= n})
    # Drafts are their own authority's work in progress; the lists of the authorities above serve once published.
    return ChecklistTemplate.objects.filter(
        Q(authority__isnull=True)
        | Q(authority=user.authority)
        | Q(authority__region__prefix__in=above, state__in=[TemplateState.PUBLISHED, TemplateState.RETIRED])
    )


def usable_for(user, enterprise) -> QuerySet[ChecklistTemplate]:
    """Published templates the user may walk at ``enterprise`` (all-sector templates and those of its sectors)."""
    sectors = set(enterprise.sector_codes)
    qs = templates_visible_to(user).filter(state=TemplateState.PUBLISHED)
    if user.is_authority_user:  # officers inspect with the authority lists, not the enterprise's self-check
        qs = qs.filter(audience=Audience.AUTHORITY)
    ids = [t.pk for t in qs if not t.sectors or sectors & set(t.sectors)]
    return ChecklistTemplate.objects.filter(pk__in=ids).order_by("code", "-version")


def _check_editor(actor, template: ChecklistTemplate | None = None) -> None:
    if isinstance(actor, audit.SystemActor):
        return
    if actor.role not in TEMPLATE_EDITORS:
        raise PermissionDeniedError(_("只有局、部门执法人员可以编辑检查表。"))
    if template is not None and template.authority_id != actor.authority_id:
        raise PermissionDeniedError(_("只能编辑本机构的检查表。"))


def _record(actor, action: str, template: ChecklistTemplate, changes: dict) -> None:
    region = template.authority.region.prefix if template.authority_id else ""
    audit.record(actor=actor, action=f"checklist.{action}", obj=template, changes=changes, region_code=region)


def _copy_items(source: ChecklistTemplate, target: ChecklistTemplate, *, recode: bool) -> None:
    rows = []
    for item in source.items.all():
        code = item.code
        if recode and not code.startswith(target.code + "."):
            code = f"{target.code}.{item.code.split('.')[-1]}"
        rows.append(
            ChecklistTemplateItem(
                template=target,
                position=item.position,
                code=code,
                section=item.section,
                requirement=item.requirement,
                basis=item.basis,
                basis_status=item.basis_status,
                criterion_code=item.criterion_code,
            )
        )
    ChecklistTemplateItem.objects.bulk_create(rows)


def template_copy(*, actor, template: ChecklistTemplate, code: str = "", title: str = "") -> ChecklistTemplate:
    """Copy any visible template into a draft of the actor's authority (本局版), to edit and publish."""
    _check_editor(actor)
    if not templates_visible_to(actor).filter(pk=template.pk).exists():
        raise PermissionDeniedError(_("该检查表不可用。"))
    code = (code or template.code).strip()
    if not _CODE_RE.match(code):
        message = _("代码须为小写字母开头的字母、数字或下划线。")
        raise ValidationError({"code": ValidationError(message, code="invalid")})
    title = (title or _("{}（本局版）").format(template.title)).strip()[:200]
    try:
        return _copy(actor, template, code, title)
    except IntegrityError:  # two copies under one code at the same moment: the later one asks to try again
        raise ConflictError(_("该代码的检查表刚被他人创建，请重试或换一个代码。"), code="template_exists") from None


def _copy(actor, template: ChecklistTemplate, code: str, title: str) -> ChecklistTemplate:
    with transaction.atomic():
        last = ChecklistTemplate.objects.filter(authority=actor.authority, code=code).aggregate(v=Max("version"))["v"]
        copy = ChecklistTemplate.objects.create(
            code=code,
            version=(last or 0) + 1,
            title=title,
            theme=template.theme,
            sectors=list(template.sectors),
            audience=template.audience,
            source_note=template.source_note,
            authority=actor.authority,
            based_on=template,
            state=TemplateState.DRAFT,
            created_by=actor,
        )
        _copy_items(template, copy, recode=code != template.code)
        _record(actor, "copy", copy, {"from": f"{template.code} v{template.version}", "code": code})
    return copy


def _draft(actor, template: ChecklistTemplate) -> ChecklistTemplate:
    _check_editor(actor, template)
    locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    if locked.state != TemplateState.DRAFT:
        raise ConflictError(_("已发布的检查表不能修改，请先生成新版本。"), code="template_published")
    return locked


def template_update(*, actor, template: ChecklistTemplate, data: dict) -> ChecklistTemplate:
    """Title, theme, sectors and audience of a draft."""
    errors = {}
    with transaction.atomic():
        t = _draft(actor, template)
        before = {f: getattr(t, f) for f in ("title", "theme", "sectors", "audience")}
        if "title" in data:
            t.title = (data["title"] or "").strip()[:200]
            if not t.title:
                errors["title"] = [ValidationError(_("请填写检查表名称。"), code="required")]
        if "theme" in data:
            t.theme = (data["theme"] or "").strip()[:100]
        if "sectors" in data:
            sectors = list(dict.fromkeys(data["sectors"] or []))
            bad = [s for s in sectors if s not in Sector.values]
            if bad:
                errors["sectors"] = [ValidationError(_("未知的监管行业：{}").format("、".join(bad)), code="invalid")]
            t.sectors = sectors
        if "audience" in data:
            if data["audience"] not in Audience.values:
                errors["audience"] = [ValidationError(_("用途不正确。"), code="invalid_choice")]
            else:
                t.audience = data["audience"]
        if errors:
            raise ValidationError(errors)
        t.save(update_fields=["title", "theme", "sectors", "audience"])
        changes = audit.diff(before, {f: getattr(t, f) for f in before})
        if changes:
            _record(actor, "update", t, changes)
    return t


def _clean_item(template: ChecklistTemplate, data: dict, item: ChecklistTemplateItem | None) -> dict:
    errors = {}
    out = {}
    requirement = (data.get("requirement", item.requirement if item else "") or "").strip()
    if not requirement:
        errors["requirement"] = [ValidationError(_("请填写检查内容。"), code="required")]
    out["requirement"] = requirement
    out["section"] = (data.get("section", item.section if item else "") or "").strip()[:100]
    out["basis"] = (data.get("basis", item.basis if item else "") or "").strip()
    criterion = (data.get("criterion_code", item.criterion_code if item else "") or "").strip()
    if criterion:
        crit = major_hazard.get(criterion)
        if crit is None:
            errors["criterion_code"] = [ValidationError(_("没有这个判定标准条目。"), code="invalid_criterion")]
        elif template.sectors and not set(crit.sectors) & set(template.sectors):
            errors["criterion_code"] = [
                ValidationError(_("该判定标准条目不适用于本检查表的行业。"), code="invalid_criterion")
            ]
    out["criterion_code"] = criterion
    out["basis_status"] = item.basis_status if item and out["basis"] == item.basis else ""
    if errors:
        raise ValidationError(errors)
    return out


def item_add(*, actor, template: ChecklistTemplate, data: dict) -> ChecklistTemplateItem:
    """Add a line at the end of a draft, coded ``<template code>.<NN>`` with the next free number."""
    with transaction.atomic():
        t = _draft(actor, template)
        clean = _clean_item(t, data, None)
        numbers = [
            int(c.rsplit(".", 1)[-1]) for c in t.items.values_list("code", flat=True) if c.rsplit(".", 1)[-1].isdigit()
        ]
        n = max(numbers, default=0) + 1
        position = (t.items.aggregate(p=Max("position"))["p"] or 0) + 1
        item = ChecklistTemplateItem.objects.create(template=t, position=position, code=f"{t.code}.{n:02d}", **clean)
        _record(actor, "item_add", t, {"item": item.code, **clean})
    return item


def item_update(*, actor, item: ChecklistTemplateItem, data: dict) -> ChecklistTemplateItem:
    with transaction.atomic():
        t = _draft(actor, item.template)
        item = ChecklistTemplateItem.objects.get(pk=item.pk, template=t)
        before = {f: getattr(item, f) for f in ("section", "requirement", "basis", "criterion_code", "position")}
        clean = _clean_item(t, data, item)
        for field, value in clean.items():
            setattr(item, field, value)
        if "position" in data:
            try:
                item.position = min(max(1, int(data["position"])), MAX_POSITION)
            except (TypeError, ValueError):
                raise ValidationError({"position": ValidationError(_("序号须为正整数。"), code="invalid")}) from None
        item.save()
        changes = audit.diff(before, {f: getattr(item, f) for f in before})
        if changes:
            _record(actor, "item_update", t, {"item": item.code, **changes})
    return item


def item_delete(*, actor, item: ChecklistTemplateItem) -> None:
    with transaction.atomic():
        t = _draft(actor, item.template)
        if t.items.count() <= 1:
            raise ValidationError(_("检查表至少保留一项。"), code="last_item")
        code = item.code
        ChecklistTemplateItem.objects.filter(pk=item.pk, template=t).delete()
        _record(actor, "item_delete", t, {"item": code})


def template_publish(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """Freeze a draft; from now on inspections may use it and it never changes."""
    with transaction.atomic():
        t = _draft(actor, template)
        if not t.items.exists():
            raise ValidationError(_("检查表没有检查项，不能发布。"), code="empty")
        t.state, t.published_at = TemplateState.PUBLISHED, timezone.now()
        t.save(update_fields=["state", "published_at"])
        # The earlier published versions of the same code stop being offered for new inspections.
        ChecklistTemplate.objects.filter(authority=t.authority, code=t.code, state=TemplateState.PUBLISHED).exclude(
            pk=t.pk
        ).update(state=TemplateState.RETIRED)
        _record(actor, "publish", t, {"version": t.version, "items": t.items.count()})
    return t


def template_new_version(*, actor, template: ChecklistTemplate) -> ChecklistTemplate:
    """A draft of the next version of one of the actor's published templates, with its items."""
    _check_editor(actor, template)
    if template.state == TemplateState.DRAFT:
        raise ConflictError(_("草稿可直接修改，无需生成新版本。"), code="template_draft")
    with transaction.atomic():
        if ChecklistTemplate.objects.filter(
            authority=template.authority, code=template.code, state=TemplateState.DRAFT
        ).exists():
            raise ConflictError(_("该检查表已有未发布的新版本草稿。"), code="draft_exists")
        last = ChecklistTemplate.objects.filter(authority=template.authority, code=template.code).aggregate(
            v=Max("version")
        )["v"]
        draft = ChecklistTemplate.objects.create(
            code=template.code,
            version=last + 1,
            title=template.title,
            theme=template.theme,
            sectors=list(template.sectors),
            audience=template.audience,
            source_note=template.source_note,
            authority=template.authority,
            based_on=template,
            state=TemplateState.DRAFT,
            created_by=actor,
        )
        _copy_items(template, draft, recode=False)
        _record(actor, "new_version", draft, {"from_version": template.version, "version": draft.version})
    return draft
