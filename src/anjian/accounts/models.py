"""Users, and the record of failed logins that drives the lockout."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import ADMIN_ROLES, AUTHORITY_ROLES, ENTERPRISE_ROLES, Role


class User(AbstractUser):
    """A person who signs in. Belongs to an authority (officers and administrators) or to an
    enterprise (its principal, safety manager, employees), never both; holds one role.

    A user with no role yet (created by the system administrator, waiting for the security
    administrator) can sign in to nothing.
    """

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, blank=True)
    authority = models.ForeignKey(
        "core.Authority", verbose_name=_("所属机构"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_role_matches_home",
                condition=Q(role="")
                | Q(
                    role__in=sorted(r.value for r in ENTERPRISE_ROLES),
                    enterprise__isnull=False,
                    authority__isnull=True,
                )
                | Q(
                    role__in=sorted(r.value for r in AUTHORITY_ROLES | ADMIN_ROLES),
                    authority__isnull=False,
                    enterprise__isnull=True,
                ),
                violation_error_message=_("企业角色须属于企业，机关角色须属于机构。"),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_user(self) -> bool:
        return self.role in ENTERPRISE_ROLES

    @property
    def is_authority_user(self) -> bool:
        return self.role in AUTHORITY_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def home_region_code(self) -> str:
        """The region code this user's events are filed under (for the audit viewer's scope)."""
        if self.enterprise_id:
            return self.enterprise.region_code
        if self.authority_id:
            return self.authority.region.prefix
        return ""


class LoginFailure(models.Model):
    """One failed sign-in. Five within the lock window, per account or per address, lock it."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address} {self.at:%Y-%m-%d %H:%M}"
