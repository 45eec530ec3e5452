"""The navigation a user sees follows their role. Items are ``(label, url, children)``: a group (``url``
empty, ``children`` a list of ``(label, url)``) shows as a dropdown, so the bar stays one line wide."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anjian.accounts.roles import Role
from anjian.core.models import Notification


def _menu(user) -> list:
    items = [(_("工作台"), reverse("core:home"), [])]
    if user.role and user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        files = _("一企一档") if not user.is_enterprise_user else _("本企业档案")
        items.append((files, reverse("enterprises:list"), []))
        hazards = [(_("隐患台账"), reverse("hazards:list")), (_("隐患统计"), reverse("hazards:stats"))]
        if user.role != Role.ENTERPRISE_EMPLOYEE:
            hazards.append((_("统计报表"), reverse("hazards:reports")))
        if not user.is_enterprise_user:
            hazards.append((_("挂牌督办"), reverse("hazards:listings")))
        items.append((_("隐患排查治理"), "", hazards))
        if user.role != Role.ENTERPRISE_EMPLOYEE:
            label = _("检查台账") if not user.is_enterprise_user else _("检查与自查")
            checks = [(label, reverse("inspections:list")), (_("执法文书"), reverse("enforcement:list"))]
            if user.role in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.DEPARTMENT_OFFICER):
                checks.append((_("执法计划"), reverse("inspections:plans")))
                checks.append((_("双随机"), reverse("inspections:draws")))
            if user.role in (Role.BUREAU_LEADER, Role.BUREAU_OFFICER, Role.TOWNSHIP_OFFICER):
                checks.append((_("网格巡查"), reverse("inspections:patrols")))
            elif user.role == Role.GRID_OFFICER:
                checks.append((_("我的巡查"), reverse("inspections:patrols_mine")))
            items.append((_("监督检查"), "", checks))
        if user.role != Role.ENTERPRISE_EMPLOYEE:
            accidents = [(_("事故台账"), reverse("accidents:list"))]
            if user.role in (
                Role.ENTERPRISE_PRINCIPAL, Role.ENTERPRISE_SAFETY_MANAGER, Role.BUREAU_LEADER, Role.BUREAU_OFFICER,
                Role.DEPARTMENT_OFFICER, Role.TOWNSHIP_OFFICER,
            ):
                accidents.append((_("报告事故"), reverse("accidents:new")))
            if not user.is_enterprise_user and user.role != Role.GRID_OFFICER:
                accidents.append((_("事故统计与通报"), reverse("accidents:statistics")))
                accidents.append((_("控制指标"), reverse("accidents:targets")))
            items.append((pgettext_lazy("navigation", "生产安全事故"), "", accidents))
        people = [
            (_("人员与设备概况"), reverse("people:employee_overview")),
            (_("从业人员名册"), reverse("people:employee_list")),
            (_("不能上岗人员"), reverse("people:blocked_list")),
            (_("培训台账"), reverse("people:session_list")),
            (_("证书台账"), reverse("people:certificate_list")),
            (_("特种设备台账"), reverse("equipment:equipment_list")),
        ]
        items.append((_("人员与设备"), "", people))
    if user.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        items.append((_("用户管理"), reverse("accounts:user_list"), []))
    if user.role == Role.AUDIT_ADMIN:
        items.append((_("审计日志"), reverse("core:audit"), []))
    items.append((_("接口文档"), reverse("api-docs"), []))
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"nav": _menu(user), "unread_notifications": unread}
