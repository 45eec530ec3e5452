from django.urls import path

from anjian.hazards import views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("export/", views.hazard_export, name="export"),
    path("new/", views.hazard_report, name="report"),
    path("stats/", views.hazard_stats, name="stats"),
    path("listings/", views.listing_list, name="listings"),
    path("reports/", views.report_list, name="reports"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/rectify/", views.hazard_rectify, name="rectify"),
    path("<int:pk>/photos/", views.hazard_add_photos, name="add_photos"),
    path("<int:pk>/photos/<int:photo_id>/", views.hazard_photo, name="photo"),
    path("<int:pk>/<slug:step>/", views.hazard_step, name="step"),
]
