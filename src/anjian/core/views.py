"""Home page, the audit viewer and the health probe."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.accounts.services import user_set_email
from anjian.core import services
from anjian.core.models import Notification, Region
from anjian.core.paging import keyset_page
from anjian.core.queries import audit_events_visible_to, jurisdiction_prefix
from anjian.enterprises.queries import enterprises_visible_to


def home(request):
    user = request.user
    context = {"region": None, "recent": []}
    prefix = jurisdiction_prefix(user)
    if prefix is not None:
        context["region"] = user.authority.region
    if user.role and user.role not in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        context["recent"] = list(
            # Newest registrations: walks the primary key, so a province costs what a county does.
            enterprises_visible_to(user).select_related("region").order_by("-id")[:8]
        )
        from anjian.hazards.queries import counters_for

        context["hazards"] = counters_for(user)  # rollup tables: the same cost for a province
    return render(request, "core/home.html", context)


def _parse_date(value: str):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def audit_list(request):
    if request.user.role != Role.AUDIT_ADMIN:
        raise PermissionDenied
    qs = audit_events_visible_to(request.user)
    action = request.GET.get("action", "").strip()
    actor = request.GET.get("actor", "").strip()
    obj = request.GET.get("object", "").strip()
    start, end = _parse_date(request.GET.get("from")), _parse_date(request.GET.get("to"))
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if obj:
        qs = qs.filter(object_repr__icontains=obj)
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(created_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(created_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1),
                                                                datetime.time.min, tzinfo=tz))
    page = keyset_page(qs, request.GET)
    return render(request, "core/audit_list.html", {
        "page": page, "filters": request.GET,
        "next_query": page.next_query(request.GET) if page.next_after else "",
        "actions": ["auth.", "user.", "enterprise.", "region.", "authority.", "grid.", "hazard.", "hazard_report.",
                    "webhook.", "checklist.", "inspection.", "credential.", "recusal.", "plan.", "draw.",
                    "enforcement.", "penalty_case."],
    })


def healthz(request):
    Region.objects.exists()
    return JsonResponse({"status": "ok"})


def inbox(request):
    """The user's notifications; POST marks them read (all, or the one being opened), or sets the
    address they are also e-mailed to."""
    if request.method == "POST" and "email" in request.POST:
        try:
            user_set_email(actor=request.user, user=request.user, email=request.POST["email"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("通知邮箱已保存。"))
        return redirect("inbox")
    if request.method == "POST":
        one = request.POST.get("id", "")
        services.notification_mark_read(actor=request.user, ids=[int(one)] if one.isdigit() else None)
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("inbox")
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = keyset_page(qs, request.GET)
    next_query = page.next_query(request.GET) if page.next_after else ""
    return render(request, "core/inbox.html", {"page": page, "next_query": next_query})
