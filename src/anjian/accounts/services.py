"""Writes to users: create (system administrator), grant a role (security administrator),
reset or change a password. Each is audited; role grants are the permission changes."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import ADMIN_ROLES, AUTHORITY_ROLES, ENTERPRISE_ROLES, Role
from anjian.core import audit
from anjian.core.audit import SystemActor
from anjian.core.errors import PermissionDeniedError
from anjian.core.models import Authority, subtree_q


def _is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def _require(actor, role: Role) -> None:
    if not _is_system(actor) and actor.role != role:
        raise PermissionDeniedError(_("只有{}可以执行此操作。").format(role.label))


def _in_scope(actor, *, authority: Authority | None, enterprise) -> bool:
    if _is_system(actor):
        return True
    prefix = actor.authority.region.prefix
    code = authority.region.code if authority is not None else enterprise.region_code
    return code.startswith(prefix)


def user_create(
    *, actor, username: str, password: str, full_name: str = "", phone: str = "",
    authority: Authority | None = None, enterprise=None, role: str = "",
) -> User:
    """Create an account (system administrator). The role stays empty unless a system job sets it:
    granting roles is the security administrator's act."""
    _require(actor, Role.SYSTEM_ADMIN)
    errors: dict[str, list] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [ValidationError(_("请填写用户名。"), code="required")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [ValidationError(_("用户名“{}”已被使用。").format(username), code="username_taken")]
    if (authority is None) == (enterprise is None):
        errors["authority"] = [ValidationError(_("用户须属于一个机构或一家企业（二选一）。"), code="home_required")]
    elif not _in_scope(actor, authority=authority, enterprise=enterprise):
        errors["authority"] = [ValidationError(_("该机构或企业不在您的管辖范围内。"), code="out_of_scope")]
    if role and not _is_system(actor):
        raise PermissionDeniedError(_("角色须由安全管理员授予。"))
    user = User(username=username, full_name=full_name.strip(), phone=phone.strip(), authority=authority,
                enterprise=enterprise)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.error_list
    if role:
        _check_role_home(role, authority, enterprise, errors)
    if errors:
        raise ValidationError(errors)
    user.role = role
    user.set_password(password)
    with transaction.atomic():
        user.save(force_insert=True)
        audit.record(actor=actor, action="user.create", obj=user,
                     changes={"username": [None, username], "role": [None, role]},
                     region_code=user.home_region_code)
    return user


def _check_role_home(role: str, authority, enterprise, errors: dict) -> None:
    if role not in Role.values:
        errors["role"] = [ValidationError(_("未知的角色。"), code="invalid_choice")]
    elif role in ENTERPRISE_ROLES and enterprise is None:
        errors["role"] = [ValidationError(_("企业角色只能授予企业用户。"), code="role_home_mismatch")]
    elif role in (AUTHORITY_ROLES | ADMIN_ROLES) and authority is None:
        errors["role"] = [ValidationError(_("机关角色只能授予机构用户。"), code="role_home_mismatch")]


def user_set_role(*, actor, user: User, role: str, reason: str = "") -> User:
    """Grant or change a user's role (security administrator). One role per person, so no one
    holds two of the three administrator roles; nobody changes their own role."""
    _require(actor, Role.SECURITY_ADMIN)
    if not _is_system(actor) and actor.pk == user.pk:
        raise PermissionDeniedError(_("不能修改自己的角色。"))
    if not _in_scope(actor, authority=user.authority, enterprise=user.enterprise):
        raise PermissionDeniedError(_("该用户不在您的管辖范围内。"))
    errors: dict[str, list] = {}
    if role:
        _check_role_home(role, user.authority, user.enterprise, errors)
    if errors:
        raise ValidationError(errors)
    before = user.role
    if before == role:
        return user
    with transaction.atomic():
        user.role = role
        user.save(update_fields=["role"])
        audit.record(actor=actor, action="user.role_change", obj=user,
                     changes={"role": [before, role], "reason": [None, reason]},
                     region_code=user.home_region_code)
    return user


def user_set_active(*, actor, user: User, active: bool) -> User:
    _require(actor, Role.SYSTEM_ADMIN)
    if not _in_scope(actor, authority=user.authority, enterprise=user.enterprise):
        raise PermissionDeniedError(_("该用户不在您的管辖范围内。"))
    if not _is_system(actor) and actor.pk == user.pk:
        raise PermissionDeniedError(_("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
                     changes={"is_active": [not active, active]}, region_code=user.home_region_code)
    return user


def user_reset_password(*, actor, user: User, password: str) -> User:
    _require(actor, Role.SYSTEM_ADMIN)
    if not _in_scope(actor, authority=user.authority, enterprise=user.enterprise):
        raise PermissionDeniedError(_("该用户不在您的管辖范围内。"))
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="user.password_reset", obj=user, region_code=user.home_region_code)
    return user


def user_set_email(*, actor, user: User, email: str) -> User:
    """Set the address notifications are e-mailed to: the user's own act (or the system administrator's).
    An empty address turns e-mail off; the inbox keeps every notification either way."""
    if not (_is_system(actor) or actor.pk == user.pk or actor.role == Role.SYSTEM_ADMIN):
        raise PermissionDeniedError()
    email = (email or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError({"email": ValidationError(_("请输入有效的电子邮箱地址。"), code="invalid")}) from None
    with transaction.atomic():
        before = user.email
        user.email = email
        user.save(update_fields=["email"])
        audit.record(actor=actor, action="user.email", obj=user, changes={"email": [before, email]},
                     region_code=user.home_region_code)
    return user


def authorities_for_admin(actor):
    if _is_system(actor):
        return Authority.objects.all()
    return Authority.objects.filter(subtree_q(actor.authority.region.prefix, "region__code"))
