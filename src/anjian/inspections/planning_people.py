"""Planning, people: 行政执法证 (credentials) and 回避 (recusals). Part of :mod:`anjian.inspections.planning`."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.errors import ConflictError, PermissionDeniedError
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.inspections import permissions as perms
from anjian.inspections.models import InspectorCredential, Recusal
from anjian.inspections.planning_common import _field_error, _is_system, _leads_region_of, _people_q, _region_of

# Officers who may hold a 行政执法证.
CREDENTIAL_ROLES = frozenset({Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER})


# --- 行政执法证 --------------------------------------------------------------------------------------------------


def can_manage_credentials(actor, holder=None) -> bool:
    """A bureau leader whose region holds the holder's authority (or a system job): departments and townships
    have no leader role, so the county bureau's leader keeps their officers' credentials."""
    if _is_system(actor):
        return True
    if actor.role != Role.BUREAU_LEADER:
        return False
    return holder is None or _leads_region_of(actor, holder)


def credentials_visible_to(user) -> QuerySet[InspectorCredential]:
    """A bureau leader: the credentials of the people of their region's authorities; any other officer: their own."""
    qs = InspectorCredential.objects.select_related("user", "user__authority")
    if not getattr(user, "is_authenticated", False) or not user.role:
        return qs.none()
    if user.role == Role.BUREAU_LEADER and user.authority_id:
        return qs.filter(_people_q(user, "user__"))
    if user.role in perms.TEAM_ROLES:
        return qs.filter(user=user)
    return qs.none()


def credential_holders_for(actor) -> QuerySet[User]:
    """The people a bureau leader may give a credential to: active officers of their authority."""
    if _is_system(actor) or actor.role != Role.BUREAU_LEADER or not actor.authority_id:
        return User.objects.none()
    return User.objects.filter(_people_q(actor), role__in=sorted(CREDENTIAL_ROLES), is_active=True)


def credential_create(
    *, actor, user: User, number: str, issuer: str, valid_from: datetime.date, valid_until: datetime.date
) -> InspectorCredential:
    """Record a 行政执法证 for an officer. Numbers are unique across the platform."""
    if user is None:
        raise _field_error("user", _("请选择执法人员。"), "required")
    if not can_manage_credentials(actor, user):
        raise PermissionDeniedError(_("只有本机构的局领导可以登记行政执法证。"))
    errors: dict[str, list] = {}
    number = (number or "").strip()
    issuer = (issuer or "").strip()[:100]
    if user.role not in CREDENTIAL_ROLES:
        errors["user"] = [
            ValidationError(
                _("只有局领导、执法人员、行业部门人员和乡镇（街道）人员可以持有行政执法证。"), code="role_not_eligible"
            )
        ]
    if not number:
        errors["number"] = [ValidationError(_("请填写执法证号。"), code="required")]
    elif len(number) > 40:
        errors["number"] = [ValidationError(_("执法证号不超过40个字符。"), code="max_length")]
    if valid_from is None:
        errors["valid_from"] = [ValidationError(_("请填写有效期起始日期。"), code="required")]
    if valid_until is None:
        errors["valid_until"] = [ValidationError(_("请填写有效期截止日期。"), code="required")]
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [ValidationError(_("有效期截止日期不能早于起始日期。"), code="invalid_range")]
    duplicate = _field_error("number", _("执法证号 {} 已登记。").format(number), "credential_duplicate")
    if "number" not in errors and InspectorCredential.objects.filter(number=number).exists():
        errors["number"] = duplicate.error_dict["number"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                credential = InspectorCredential.objects.create(
                    user=user,
                    number=number,
                    issuer=issuer,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    created_by=None if _is_system(actor) else actor,
                )
        except IntegrityError:  # the same number saved by someone else a moment ago
            raise duplicate from None
        audit.record(
            actor=actor,
            action="credential.create",
            obj=credential,
            region_code=_region_of(user.authority),
            changes={
                "user": user.get_username(),
                "number": number,
                "issuer": issuer,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return credential


def credential_revoke(*, actor, credential: InspectorCredential) -> InspectorCredential:
    """注销: the credential stops counting from now; the row stays (inspections copied its number)."""
    with transaction.atomic():
        credential = (
            InspectorCredential.objects.select_for_update(of=("self",))
            .select_related("user__authority")
            .get(pk=credential.pk)
        )
        if not can_manage_credentials(actor, credential.user):
            raise PermissionDeniedError(_("只有本机构的局领导可以注销行政执法证。"))
        if credential.revoked_at is not None:
            raise ConflictError(_("该执法证已注销。"), code="credential_revoked")
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="credential.revoke",
            obj=credential,
            region_code=_region_of(credential.user.authority),
            changes={"user": credential.user.get_username(), "number": credential.number},
        )
    return credential


# --- 回避 -------------------------------------------------------------------------------------------------------


def can_manage_recusal(actor, user) -> bool:
    """The bureau leader of the officer's authority; the officer for their own conflict (declare only)."""
    if _is_system(actor):
        return True
    return _leads_region_of(actor, user) or actor.pk == user.pk


def recusals_visible_to(user) -> QuerySet[Recusal]:
    """A bureau leader: the recusals of the people of their region's authorities; any other officer: their own."""
    qs = Recusal.objects.select_related("user", "enterprise")
    if not getattr(user, "is_authenticated", False) or not user.role:
        return qs.none()
    if user.role == Role.BUREAU_LEADER and user.authority_id:
        return qs.filter(_people_q(user, "user__"))
    if user.role in perms.TEAM_ROLES:
        return qs.filter(user=user)
    return qs.none()


def recusal_subjects_for(actor) -> QuerySet[User]:
    """Whom the actor may record a recusal for: a leader, their authority's officers; an officer, themself."""
    if _is_system(actor) or actor.role not in perms.TEAM_ROLES:
        return User.objects.none()
    if actor.role == Role.BUREAU_LEADER:
        return User.objects.filter(_people_q(actor), role__in=sorted(perms.TEAM_ROLES), is_active=True)
    return User.objects.filter(pk=actor.pk)


def recusal_create(*, actor, user: User, enterprise: Enterprise, reason: str) -> Recusal:
    """回避: ``user`` must not inspect ``enterprise`` (kin, a former employer, a stake in it)."""
    errors: dict[str, list] = {}
    reason = (reason or "").strip()
    if user is None:
        errors["user"] = [ValidationError(_("请选择执法人员。"), code="required")]
    if enterprise is None:
        errors["enterprise"] = [ValidationError(_("请选择企业。"), code="required")]
    if not reason:
        errors["reason"] = [ValidationError(_("请填写回避理由。"), code="required")]
    elif len(reason) > 200:
        errors["reason"] = [ValidationError(_("回避理由不超过200字。"), code="max_length")]
    if errors:
        raise ValidationError(errors)
    if not can_manage_recusal(actor, user):
        raise PermissionDeniedError(_("只有本机构的局领导或执法人员本人可以登记回避。"))
    if user.role not in perms.TEAM_ROLES:
        raise _field_error("user", _("只有机关工作人员需要登记回避。"), "role_not_eligible")
    if not _is_system(actor) and not enterprises_visible_to(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDeniedError(_("该企业不在您的管辖范围内。"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                recusal = Recusal.objects.create(
                    user=user, enterprise=enterprise, reason=reason, created_by=None if _is_system(actor) else actor
                )
        except IntegrityError:
            raise _field_error(
                "enterprise", _("{name} 对该企业的回避已登记。").format(name=user.display_name), "recusal_duplicate"
            ) from None
        audit.record(
            actor=actor,
            action="recusal.create",
            obj=recusal,
            region_code=enterprise.region_code,
            changes={"user": user.get_username(), "enterprise": enterprise.pk, "reason": reason},
        )
    return recusal


def recusal_delete(*, actor, recusal: Recusal) -> None:
    """Withdraw a recusal: the bureau leader's decision only (an officer may declare a conflict, not lift it)."""
    with transaction.atomic():
        recusal = Recusal.objects.select_for_update().select_related("user", "enterprise").get(pk=recusal.pk)
        if not (_is_system(actor) or _leads_region_of(actor, recusal.user)):
            raise PermissionDeniedError(_("只有本机构的局领导可以撤销回避。"))
        audit.record(
            actor=actor,
            action="recusal.delete",
            obj=recusal,
            region_code=recusal.enterprise.region_code,
            changes={
                "user": recusal.user.get_username(),
                "enterprise": recusal.enterprise_id,
                "reason": recusal.reason,
            },
        )
        recusal.delete()
