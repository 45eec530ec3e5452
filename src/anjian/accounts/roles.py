"""Roles and their groups. One role per user, so no person holds two of the three administrator roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_LEADER = "bureau_leader", _("局领导")
    BUREAU_OFFICER = "bureau_officer", _("执法人员")
    DEPARTMENT_OFFICER = "department_officer", _("行业部门人员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇（街道）人员")
    GRID_OFFICER = "grid_officer", _("网格员")
    EXPERT = "expert", _("专家")
    ENTERPRISE_PRINCIPAL = "enterprise_principal", _("企业主要负责人")
    ENTERPRISE_SAFETY_MANAGER = "enterprise_safety_manager", _("企业安全管理人员")
    ENTERPRISE_EMPLOYEE = "enterprise_employee", _("企业员工")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("安全审计员")


AUTHORITY_ROLES = frozenset(
    {
        Role.BUREAU_LEADER,
        Role.BUREAU_OFFICER,
        Role.DEPARTMENT_OFFICER,
        Role.TOWNSHIP_OFFICER,
        Role.GRID_OFFICER,
        Role.EXPERT,
    }
)
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER, Role.ENTERPRISE_EMPLOYEE})
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Who may register and edit enterprise files within their scope.
ENTERPRISE_WRITERS = frozenset(
    {Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER}
)
# Enterprise users who may keep their own file's contact and staffing facts current.
ENTERPRISE_SELF_EDITORS = frozenset({Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER})
