"""Pages of accident statistics (month and year to date against last year, by region, sector, type or grade; the
monthly circular as PDF and xlsx) and of control targets (progress, warnings, veto flags; leaders set targets).

Only officers of supervising authorities see them (``stats.STATS_ROLES``: bureau leaders and officers, departments,
townships); everyone else — enterprise users, grid officers, experts, administrators — gets 403.
"""

from urllib.parse import quote, urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.accidents import circular, stats, targets
from anjian.accidents.forms import IntegerField
from anjian.core.choices import Sector
from anjian.core.errors import ServiceError
from anjian.core.forms import apply_service_errors
from anjian.core.paging import is_partial
from anjian.enterprises.excel import xlsx_response


def _require(user) -> None:
    if not stats.can_view(user):
        raise PermissionDenied


def _errors_text(exc: ValidationError) -> str:
    return "；".join(" ".join(e.messages) for errors in exc.error_dict.values() for e in errors)


def _period(request):
    """(year, month, by, error text) from the query; the current month by region when the query is bad."""
    try:
        year, month, by = stats.clean_period(
            request.GET.get("year"), request.GET.get("month"), request.GET.get("by") or "region"
        )
        return year, month, by, ""
    except ValidationError as exc:
        year, month, by = stats.clean_period(None, None, "region")
        return year, month, by, _errors_text(exc)


# --- statistics ---------------------------------------------------------------------------------------------------


@require_GET
def statistics(request):
    _require(request.user)
    year, month, by, error = _period(request)
    fig = stats.figures(request.user, year=year, month=month, by=by)
    today = timezone.localdate()
    query = {"year": year, "month": month}
    context = {
        "fig": fig,
        "error": error,
        "years": list(range(today.year, stats.FIRST_YEAR - 1, -1))[:15],
        "months": list(range(1, 13)),
        "tabs": [
            (key, str(label), "?" + urlencode({**query, "by": key})) for key, label in stats.DIMENSIONS.items()
        ],
        "query": urlencode({**query, "by": by}),
        "download_query": urlencode(query),
    }
    template = "accidents/_stats_tables.html" if is_partial(request) else "accidents/statistics.html"
    response = render(request, template, context, status=400 if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _circular_or_redirect(request):
    _require(request.user)
    try:
        year, month, _by = stats.clean_period(request.GET.get("year"), request.GET.get("month"), "region")
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
        return None
    return circular.circular_data(request.user, year, month)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def circular_pdf(request):
    data = _circular_or_redirect(request)
    if data is None:
        return redirect("accidents:statistics")
    response = HttpResponse(circular.circular_pdf(data), content_type="application/pdf")
    return _attachment(response, circular.filename(data, "pdf"))


@require_GET
def circular_xlsx(request):
    data = _circular_or_redirect(request)
    if data is None:
        return redirect("accidents:statistics")
    response = xlsx_response(circular.circular_xlsx(data), circular.filename(data, "xlsx"))
    response["Cache-Control"] = "private, no-store"
    return response


# --- control targets ----------------------------------------------------------------------------------------------


class TargetForm(forms.Form):
    region = forms.ChoiceField(label=_lazy("辖区"), widget=forms.Select(attrs={"class": "form-select"}))
    year = forms.TypedChoiceField(
        label=_lazy("年度"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    sector = forms.ChoiceField(
        label=_lazy("行业领域"), required=False, widget=forms.Select(attrs={"class": "form-select"}),
        help_text=_lazy("不选为辖区全部行业。"),
    )
    max_accidents = IntegerField(
        label=_lazy("事故起数控制指标（起）"), required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": "0", "step": "1"}),
    )
    max_deaths = IntegerField(
        label=_lazy("死亡人数控制指标（人）"), required=False,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": "0", "step": "1"}),
        help_text=_lazy("至少填写一项；可填0。"),
    )
    note = forms.CharField(
        label=_lazy("说明（如下达文号）"), required=False, max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        indent = {"province": 0, "city": 1, "county": 2, "township": 3}
        self.fields["region"].choices = [
            (r.code, "\u3000" * max(0, indent.get(r.level, 0) - indent.get(user.authority.region.level, 0)) + r.name)
            for r in targets.target_regions(user)
        ]
        low, high = targets.year_range()
        self.fields["year"].choices = [(y, _("{y}年").format(y=y)) for y in range(high, low - 1, -1)]
        self.fields["sector"].choices = [("", _("全部行业领域")), *Sector.choices]


def _year(request, value):
    try:
        return stats.clean_year(value, future=1), ""
    except ValidationError as exc:
        return timezone.localdate().year, _errors_text(exc)


def _targets_page(request, year, form=None, *, error="", status=200):
    user = request.user
    can_set = targets.can_set_targets(user)
    if form is None and can_set:
        form = TargetForm(user=user, initial={"year": year, "region": user.authority.region.code})
    low, high = targets.year_range()
    context = {
        "year": year,
        "years": list(range(high, max(stats.FIRST_YEAR, high - 10) - 1, -1)),
        "progress": targets.target_progress(user, year),
        "warnings": list(targets.warnings_for(user, year)[:50]),
        "veto": targets.veto_flags(user, year),
        "form": form,
        "can_set": can_set,
        "error": error,
        "thresholds": "、".join(f"{t}%" for t in targets.rules.TARGET_WARNING_PERCENTS),
    }
    return render(request, "accidents/targets.html", context, status=status)


@require_GET
def targets_view(request):
    _require(request.user)
    year, error = _year(request, request.GET.get("year"))
    return _targets_page(request, year, error=error, status=400 if error else 200)


@require_POST
def target_set(request):
    _require(request.user)
    if not targets.can_set_targets(request.user):
        raise PermissionDenied
    form = TargetForm(request.POST, user=request.user)
    year = timezone.localdate().year
    if form.is_valid():
        data = form.cleaned_data
        year = data["year"]
        try:
            target = targets.set_target(
                actor=request.user, region=data["region"], year=data["year"], sector=data["sector"],
                max_accidents=data["max_accidents"], max_deaths=data["max_deaths"], note=data["note"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            if target.created:
                messages.success(request, _("已下达{label}。").format(label=targets.target_label(target)))
            else:
                messages.success(request, _("已更新{label}。").format(label=targets.target_label(target)))
            return redirect(reverse("accidents:targets") + f"?year={target.year}")
    return _targets_page(request, year, form, status=400)


urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/circular.pdf", circular_pdf, name="circular_pdf"),
    path("statistics/circular.xlsx", circular_xlsx, name="circular_xlsx"),
    path("targets/", targets_view, name="targets"),
    path("targets/set/", target_set, name="target_set"),
]
