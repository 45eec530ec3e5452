from django.urls import include, path

from anjian.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("export/", views.inspection_export, name="export"),
    path("new/", views.inspection_new, name="new"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/<slug:step>/", views.template_step, name="template_step"),
    path("templates/items/<int:item_pk>/<slug:step>/", views.template_item_step, name="template_item_step"),
    path("", include("anjian.inspections.planning_urls")),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/walk/", views.inspection_walk, name="walk"),
    path("<int:pk>/items/<int:item_pk>/", views.item_answer, name="item"),
    path("<int:pk>/items/<int:item_pk>/photos/", views.item_photos, name="item_photos"),
    path("<int:pk>/items/<int:item_pk>/hazard/", views.item_hazard, name="item_hazard"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("<int:pk>/<slug:step>/", views.inspection_step, name="step"),
]
