"""API of the special-equipment import: POST multipart ``/api/imports/equipment/`` with ``file`` and optionally
``enterprise`` (see :mod:`anjian.people.api_import` for the answers: 201 ``{"created": n}``, 400
``import_rejected`` / ``import_file_invalid`` / ``required``, 403, 404)."""

from rest_framework import viewsets
from rest_framework.parsers import MultiPartParser

from anjian.equipment import imports
from anjian.people.api_import import import_response, import_schema, upload_target


class EquipmentImportViewSet(viewsets.ViewSet):
    """Excel import of the special-equipment register (all rows good, or nothing written)."""

    parser_classes = [MultiPartParser]

    @import_schema("Excel 导入特种设备（可含最近一次检验）")
    def create(self, request):
        upload, enterprise = upload_target(request)
        return import_response(
            lambda: imports.import_equipment(actor=request.user, file=upload, enterprise=enterprise))


def register(router) -> None:
    """Register this module's viewsets on the API router."""
    router.register("imports/equipment", EquipmentImportViewSet, basename="equipment-import")
