"""Pages of the special-equipment import: the template download and the upload (the shared import page of
:mod:`anjian.people.views_import`: keepers only, ``?enterprise=<id>`` to import into one enterprise)."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.enterprises.excel import xlsx_response
from anjian.equipment import imports
from anjian.people.views_import import chosen_enterprise, here, import_page, require_importer


@require_GET
def import_template(request):
    require_importer(request.user)
    return xlsx_response(imports.template(), "特种设备导入模板.xlsx")


@require_http_methods(["GET", "POST"])
def equipment_import(request):
    require_importer(request.user)
    enterprise = chosen_enterprise(request)
    return import_page(
        request,
        title=_("Excel 导入特种设备"),
        template_url=here("equipment:import_template", None),
        enterprise=enterprise,
        run=lambda file: imports.import_equipment(actor=request.user, file=file, enterprise=enterprise),
        done_message=lambda result: _("已导入 {} 台（套）特种设备。").format(result.created),
        back_url=here("equipment:import", enterprise),
        template="equipment/import_form.html",
    )
