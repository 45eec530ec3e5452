"""The navigation a user sees follows their role."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.core.models import Notification


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = [(_("工作台"), reverse("core:home"))]
    if user.role and user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        items.append((_("一企一档") if not user.is_enterprise_user else _("本企业档案"), reverse("enterprises:list")))
        items.append((_("隐患台账"), reverse("hazards:list")))
        items.append((_("隐患统计"), reverse("hazards:stats")))
        if user.role != Role.ENTERPRISE_EMPLOYEE:
            items.append((_("统计报表"), reverse("hazards:reports")))
        if not user.is_enterprise_user:
            items.append((_("挂牌督办"), reverse("hazards:listings")))
        if user.role != Role.ENTERPRISE_EMPLOYEE:
            label = _("检查台账") if not user.is_enterprise_user else _("检查与自查")
            items.append((label, reverse("inspections:list")))
            items.append((_("执法文书"), reverse("enforcement:list")))
        if user.role in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER):
            items.append((_("执法计划"), reverse("inspections:plans")))
            items.append((_("双随机"), reverse("inspections:draws")))
        if user.role in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER):
            items.append((_("网格巡查"), reverse("inspections:patrols")))
        elif user.role == Role.GRID_OFFICER:
            items.append((_("我的巡查"), reverse("inspections:patrols_mine")))
    if user.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        items.append((_("用户管理"), reverse("accounts:user_list")))
    if user.role == Role.AUDIT_ADMIN:
        items.append((_("审计日志"), reverse("core:audit")))
    items.append((_("接口文档"), reverse("api-docs")))
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav": items, "unread_notifications": unread}
