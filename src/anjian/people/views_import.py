"""Pages of the people imports: the template download and the upload (employees, training, certificates).

Only keepers of the ledgers (:func:`anjian.people.permissions.may_keep_any`) reach them; others get 403. A page
opened with ``?enterprise=<id>`` imports into that enterprise (it must be visible, else 404, and kept by the user,
else 403); otherwise each row names its enterprise (:mod:`anjian.people.imports`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core import ximport
from anjian.enterprises.excel import xlsx_response
from anjian.enterprises.models import Enterprise
from anjian.enterprises.queries import enterprises_visible_to
from anjian.people import imports
from anjian.people.permissions import can_keep, may_keep_any

PAGE_TITLES = {
    imports.EMPLOYEES: gettext_lazy("Excel 导入从业人员"),
    imports.TRAINING: gettext_lazy("Excel 导入培训记录"),
    imports.CERTIFICATES: gettext_lazy("Excel 导入证书"),
}
TEMPLATE_NAMES = {
    imports.EMPLOYEES: "从业人员导入模板.xlsx",
    imports.TRAINING: "培训记录导入模板.xlsx",
    imports.CERTIFICATES: "证书导入模板.xlsx",
}


class ImportForm(forms.Form):
    """The upload: an .xlsx file (the enterprise, when the import is for one, comes from the query string)."""

    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        return f


def require_importer(user) -> None:
    if not may_keep_any(user):
        raise PermissionDenied


def chosen_enterprise(request) -> Enterprise | None:
    """The enterprise of ``?enterprise=`` (404 when not a visible one, 403 when the user does not keep it)."""
    raw = request.GET.get("enterprise", "").strip()
    if not raw:
        return None
    # ASCII digits only: "²" passes str.isdigit() but int() refuses it.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Http404
    enterprise = enterprises_visible_to(request.user).filter(pk=int(raw)).first()
    if enterprise is None:
        raise Http404
    if not can_keep(request.user, enterprise):
        raise PermissionDenied
    return enterprise


def here(url_name: str, enterprise: Enterprise | None, **kwargs) -> str:
    url = reverse(url_name, kwargs=kwargs or None)
    return f"{url}?{urlencode({'enterprise': enterprise.pk})}" if enterprise is not None else url


def import_page(request, *, title, template_url, enterprise, run, done_message, back_url,
                template="people/import_form.html"):
    """The shared page: GET shows the form, POST imports; success redirects back with the count, errors
    re-render with the table of every error."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data["file"])
        except ximport.ImportFileError as exc:
            form.add_error("file", str(exc.message))
        else:
            if result.ok:
                messages.success(request, done_message(result))
                return redirect(back_url)
    return render(request, template, {
        "form": form, "result": result, "title": title, "template_url": template_url, "enterprise": enterprise,
    })


@require_GET
def import_template(request, kind: str):
    if kind not in imports.KINDS:
        raise Http404
    require_importer(request.user)
    return xlsx_response(imports.template(kind), TEMPLATE_NAMES[kind])


def _done(kind: str):
    def message(result) -> str:
        if kind == imports.EMPLOYEES:
            return _("已导入 {} 名人员。").format(result.created)
        if kind == imports.TRAINING:
            return _("已导入 {} 场培训，共 {} 人次。").format(result.created, result.records)
        return _("已导入 {} 本证书。").format(result.created)

    return message


@require_http_methods(["GET", "POST"])
def people_import(request, kind: str):
    if kind not in imports.KINDS:
        raise Http404
    require_importer(request.user)
    enterprise = chosen_enterprise(request)
    return import_page(
        request,
        title=PAGE_TITLES[kind],
        template_url=here("people:import_template", None, kind=kind),
        enterprise=enterprise,
        run=lambda file: imports.run(kind, actor=request.user, file=file, enterprise=enterprise),
        done_message=_done(kind),
        back_url=here(f"people:import_{kind}", enterprise),
    )
