"""/equipment/import/: the Excel import of the special-equipment register (views_import)."""

from django.urls import path

from anjian.equipment import views_import

urlpatterns = [
    path("import/", views_import.equipment_import, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
]
