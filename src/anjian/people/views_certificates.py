"""Pages of the certificate ledger: the ledger per enterprise and jurisdiction (filtered, keyset-paged, exportable),
one certificate (its dates, status today, reviews and the reminders sent) with the review / renewal and revocation
forms, the registration form reached from an employee and the correction form.

Readers see no write buttons; a write they try anyway is refused with a message (a redirect, never a half-written
row). A certificate or employee outside the user's scope is a 404. ID-format numbers are shown masked everywhere, and
a number never travels in a URL: the ledger's exact search is a small POST form that redirects (303) to the ledger
with the number's blind index (``number_index``)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from anjian.accounts.roles import ENTERPRISE_ROLES
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.models import AuditEvent, Region, subtree_q
from anjian.core.paging import is_partial, keyset_page
from anjian.core.queries import jurisdiction_prefix
from anjian.core.xlsx import ExportTooLargeError, ledger_xlsx
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import certificates, forms_certificates, queries
from anjian.people.choices import CertificateState
from anjian.people.filters_certificates import CertificateFilter, CertificateSearchForm
from anjian.people.models import Certificate, Employee
from anjian.people.permissions import can_keep, may_keep_any
from anjian.people.views import exact_context, exact_search_redirect, link_params
from anjian.rules import id_card

CERTIFICATE_EXACT = (("number_index", gettext_lazy("按证书编号精确查找")),)

STATUS_BADGES = {
    certificates.VALID: "text-bg-success",
    certificates.DUE_SOON: "text-bg-warning",
    certificates.REVIEW_OVERDUE: "text-bg-danger",
    certificates.EXPIRED: "text-bg-danger",
    certificates.REVOKED: "text-bg-secondary",
}


def employee_url(employee_id: int) -> str:
    """The employee's page (the employee pages' own URL), or "" while it does not exist."""
    try:
        return reverse("people:employee_detail", args=[employee_id])
    except NoReverseMatch:
        return ""


def decorate(cert: Certificate, today: datetime.date) -> Certificate:
    """What the pages print about a certificate, set on the row."""
    cert.status_code = certificates.status_on(cert, today)
    cert.status_label = certificates.STATUS_LABELS[cert.status_code]
    cert.status_badge = STATUS_BADGES[cert.status_code]
    cert.number_display = certificates.display_number(cert.number)
    cert.item_display = certificates.item_label(cert.kind, cert.item_code)
    cert.due_kind_label = certificates.DUE_KIND_LABELS.get(cert.due_kind, cert.due_kind)
    cert.days_left = (cert.due_on - today).days
    cert.days_overdue = max(0, -cert.days_left)
    return cert


# --- the ledger ----------------------------------------------------------------------------------------------------


def _filtered(request) -> CertificateFilter:
    base = queries.certificates_visible_to(request.user, for_list=True).select_related("employee", "enterprise")
    return CertificateFilter(request.GET, queryset=base, request=request)


def _filter_regions(user) -> list[Region]:
    prefix = jurisdiction_prefix(user)
    if prefix is None or user.role in ENTERPRISE_ROLES:
        return []
    return list(
        Region.objects.filter(subtree_q(prefix, "code"), level__in=["county", "township"])
        .only("code", "name", "level").order_by("code")
    )


@require_http_methods(["GET", "POST"])
def certificate_list(request):
    if request.method == "POST":
        return exact_search_redirect(request, "people:certificate_list", CertificateSearchForm(request.POST),
                                     [key for key, _label in CERTIFICATE_EXACT])
    flt = _filtered(request)
    page = keyset_page(flt.qs, request.GET) if flt.is_valid() else keyset_page(flt.queryset.none(), {})
    today = timezone.localdate()
    for cert in page.items:
        decorate(cert, today)
    params = link_params(request)
    enterprise = None
    if flt.is_valid() and flt.form.cleaned_data.get("enterprise"):
        enterprise = enterprises_visible_to(request.user).filter(pk=flt.form.cleaned_data["enterprise"]).first()
    context = {
        "filter": flt,
        "page": page,
        "next_query": page.next_query(params) if page.next_after else "",
        "first_query": page.first_query(params),
        "filter_enterprise": enterprise,
        "today": today,
        "can_import": may_keep_any(request.user),
    }
    partial = is_partial(request)
    if not partial:
        context.update({"regions": _filter_regions(request.user), "kinds": Certificate._meta.get_field(
            "kind").choices, "statuses": certificates.STATUS_CHOICES,
            "item_groups": forms_certificates.item_groups(), **exact_context(request, flt, CERTIFICATE_EXACT)})
    response = render(request, "people/certificate_rows.html" if partial else "people/certificate_list.html",
                      context)
    patch_vary_headers(response, ["HX-Request"])
    return response


EXPORT_COLUMNS = (
    (_("序号"), 6),
    (_("持证人"), 10),
    (_("身份证号码"), 20),
    (_("登记单位"), 28),
    (_("证书类别"), 22),
    (_("作业类别（项目）"), 26),
    (_("证书编号"), 22),
    (_("发证机关"), 20),
    (_("初领（发证）日期"), 12),
    (_("有效期至"), 12),
    (_("应复审日期"), 12),
    (_("下一到期日"), 12),
    (_("到期事项"), 14),
    (_("状态"), 10),
)


def _export_rows(queryset, today):
    for n, cert in enumerate(queryset.iterator(chunk_size=2000), start=1):
        decorate(cert, today)
        yield [
            n,
            cert.employee.name,
            id_card.mask(cert.employee.id_number),
            cert.enterprise.name,
            certificates.kind_label(cert.kind),
            cert.item_display,
            cert.number_display,
            cert.issuer,
            cert.issued_on,
            cert.valid_until,
            cert.review_due or "",
            cert.due_on,
            str(cert.due_kind_label),
            str(cert.status_label),
        ]


def export_certificates(queryset) -> bytes:
    today = timezone.localdate()
    qs = queryset.select_related("employee", "enterprise").order_by("due_on", "id")
    return ledger_xlsx(sheet=_("证书台账"), title=_("从业人员持证台账"),
                       columns=[(str(name), width) for name, width in EXPORT_COLUMNS], rows=_export_rows(qs, today))


def export_filename() -> str:
    return "从业人员持证台账-{}.xlsx".format(timezone.localdate().strftime("%Y%m%d"))


def certificate_export(request):
    flt = _filtered(request)
    if not flt.is_valid():
        messages.error(request, _("筛选条件有误，无法导出。"))
        return redirect("people:certificate_list")
    try:
        content = export_certificates(flt.qs)
    except ExportTooLargeError as exc:
        messages.error(request, exc.message)
        return redirect("people:certificate_list")
    return xlsx_response(content, export_filename())


# --- one certificate -----------------------------------------------------------------------------------------------


def _get(request, pk) -> Certificate:
    try:
        return (
            queries.certificates_visible_to(request.user)
            .select_related("employee", "enterprise", "created_by")
            .prefetch_related("reviews", "reviews__recorded_by", "reminders")
            .get(pk=pk)
        )
    except Certificate.DoesNotExist:
        raise Http404 from None


def _refuse(request, cert: Certificate | None = None):
    messages.error(request, _("您不能维护该单位的人员和设备台账。"))
    if cert is not None:
        return redirect("people:certificate_detail", cert.pk)
    return redirect("people:certificate_list")


def _reminder_rows(cert: Certificate) -> list:
    rows = sorted(cert.reminders.all(), key=lambda r: (r.sent_at, r.pk))
    for r in rows:
        r.label = _("到期前{n}天").format(n=r.days_before) if r.days_before > 0 else _("已过期或逾期未复审")
    return rows


def _revocation(cert: Certificate):
    if cert.state != CertificateState.REVOKED:
        return None
    return (
        AuditEvent.objects.filter(action="people.certificate.revoke", object_type="people.certificate",
                                  object_id=str(cert.pk))
        .order_by("-seq").first()
    )


def detail_context(request, cert: Certificate, *, review_form=None, revoke_form=None) -> dict:
    today = timezone.localdate()
    decorate(cert, today)
    keeper = can_keep(request.user, cert.enterprise)
    active = cert.state == CertificateState.ACTIVE
    reviews = sorted(cert.reviews.all(), key=lambda r: (r.reviewed_on, r.pk))
    failed = certificates.failed_review(cert)
    dates = certificates.dates_of(cert)
    context = {
        "cert": cert,
        "employee_url": employee_url(cert.employee_id),
        "holder_id": id_card.mask(cert.employee.id_number),
        "reviews": reviews,
        "failed": failed,
        "window": certificates.apply_window(cert.kind, cert.due_on),
        "review_dues": dates.review_dues,
        "reminders": _reminder_rows(cert),
        "revocation": _revocation(cert),
        "can_write": keeper and active,
        "today": today,
    }
    if keeper and active:
        context["review_form"] = review_form or forms_certificates.ReviewForm(initial={"reviewed_on": today})
        context["revoke_form"] = revoke_form or forms_certificates.RevokeForm()
    return context


def certificate_detail(request, pk):
    cert = _get(request, pk)
    return render(request, "people/certificate_detail.html", detail_context(request, cert))


@require_POST
def certificate_review(request, pk):
    cert = _get(request, pk)
    if not can_keep(request.user, cert.enterprise):
        return _refuse(request, cert)
    form = forms_certificates.ReviewForm(request.POST)
    if form.is_valid():
        try:
            row = certificates.certificate_review(actor=request.user, certificate=cert, **form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if row.valid_until:
                done = _("已登记延期复审，有效期延续至 {day}。").format(day=row.valid_until.isoformat())
            elif row.passed:
                done = _("已登记复审。")
            else:
                done = _("已登记复审不合格；复审合格前该证书不能使用。")
            messages.success(request, done)
            return redirect("people:certificate_detail", cert.pk)
    cert = _get(request, pk)
    context = detail_context(request, cert, review_form=form)
    if "review_form" not in context:  # revoked meanwhile: the form is not shown, its errors are the messages
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render(request, "people/certificate_detail.html", context, status=400)


@require_POST
def certificate_revoke(request, pk):
    cert = _get(request, pk)
    if not can_keep(request.user, cert.enterprise):
        return _refuse(request, cert)
    form = forms_certificates.RevokeForm(request.POST)
    if form.is_valid():
        try:
            certificates.certificate_revoke(actor=request.user, certificate=cert, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("people:certificate_detail", cert.pk)
        else:
            messages.success(request, _("证书已注销。"))
            return redirect("people:certificate_detail", cert.pk)
    cert = _get(request, pk)
    return render(request, "people/certificate_detail.html", detail_context(request, cert, revoke_form=form),
                  status=400)


# --- registration and correction -------------------------------------------------------------------------------------


def _employee(request, employee_pk) -> Employee:
    try:
        return queries.employee_for_user(request.user, employee_pk)
    except Employee.DoesNotExist:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def certificate_create(request, employee_pk):
    employee = _employee(request, employee_pk)
    back = employee_url(employee.pk) or reverse("people:certificate_list")
    if not can_keep(request.user, employee.enterprise):
        messages.error(request, _("您不能维护该单位的人员和设备台账。"))
        return redirect(back)
    form = forms_certificates.CertificateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cert = certificates.certificate_register(actor=request.user, employee=employee, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记{kind}，下一到期日 {day}（{what}）。").format(
                kind=certificates.kind_label(cert.kind), day=cert.due_on.isoformat(),
                what=certificates.DUE_KIND_LABELS.get(cert.due_kind, cert.due_kind)))
            return redirect("people:certificate_detail", cert.pk)
    context = {"form": form, "employee": employee, "back": back, "holder_id": id_card.mask(employee.id_number),
               "creating": True}
    return render(request, "people/certificate_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def certificate_edit(request, pk):
    cert = _get(request, pk)
    if not can_keep(request.user, cert.enterprise):
        return _refuse(request, cert)
    if cert.state != CertificateState.ACTIVE:
        messages.error(request, _("该证书已注销，不能再办理此事项。"))
        return redirect("people:certificate_detail", cert.pk)
    has_reviews = bool(cert.reviews.all())
    form = forms_certificates.CertificateEditForm(
        request.POST if request.method == "POST" else None,
        initial=forms_certificates.CertificateEditForm.initial_for(cert),
    )
    if has_reviews:
        for name in ("issued_on", "valid_until"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            certificates.certificate_update(actor=request.user, certificate=cert,
                                            data=form.service_data(has_reviews))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("证书登记信息已更正。"))
            return redirect("people:certificate_detail", cert.pk)
    decorate(cert, timezone.localdate())
    context = {"form": form, "employee": cert.employee, "cert": cert, "back": reverse(
        "people:certificate_detail", args=[cert.pk]), "holder_id": id_card.mask(cert.employee.id_number),
        "creating": False}
    return render(request, "people/certificate_form.html", context, status=400 if form.errors else 200)

