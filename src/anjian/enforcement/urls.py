"""Pages of enforcement documents and penalty cases, under /enforcement/."""

from django.urls import path

from anjian.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("export/", views.document_export, name="export"),
    path("new/<slug:doc_type>/", views.document_new, name="new"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/pdf/", views.document_pdf, name="pdf"),
    path("<int:pk>/<slug:step>/", views.document_step, name="step"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/violation/", views.violation_info, name="violation_info"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/check/", views.item_check, name="item_check"),
    path("cases/<int:pk>/items/", views.item_save, name="item_add"),
    path("cases/<int:pk>/items/<int:item_pk>/", views.item_save, name="item_edit"),
    path("cases/<int:pk>/items/<int:item_pk>/delete/", views.item_remove, name="item_delete"),
    path("cases/<int:pk>/<slug:step>/", views.case_step, name="case_step"),
]
