"""/people/import/…: the Excel imports of employees, training records and certificates (views_import)."""

from django.urls import path

from anjian.people import views_import

urlpatterns = [
    path("import/employees/", views_import.people_import, {"kind": "employees"}, name="import_employees"),
    path("import/training/", views_import.people_import, {"kind": "training"}, name="import_training"),
    path("import/certificates/", views_import.people_import, {"kind": "certificates"}, name="import_certificates"),
    path("import/<slug:kind>/template.xlsx", views_import.import_template, name="import_template"),
]
