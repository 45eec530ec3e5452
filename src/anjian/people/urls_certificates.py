"""/people/ certificate pages: the ledger and its export, one certificate with its review / renewal and revocation
forms, the correction form, and the registration form reached from an employee."""

from django.urls import path

from anjian.people import views_certificates as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/export/", views.certificate_export, name="certificate_export"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/review/", views.certificate_review, name="certificate_review"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("employees/<int:employee_pk>/certificates/new/", views.certificate_create, name="certificate_create"),
]
