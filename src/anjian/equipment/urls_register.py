"""/equipment/: the register (ledger, export, one equipment, register and edit), inspections, operators, state."""

from django.urls import path

from anjian.equipment import views

urlpatterns = [
    path("", views.equipment_list, name="equipment_list"),
    path("export.xlsx", views.equipment_export, name="equipment_export"),
    path("new/", views.equipment_new, name="equipment_new"),
    path("<int:pk>/", views.equipment_detail, name="equipment_detail"),
    path("<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("<int:pk>/inspections/new/", views.equipment_inspection_new, name="equipment_inspection_new"),
    path("<int:pk>/operators/new/", views.equipment_operator_new, name="equipment_operator_new"),
    path("<int:pk>/operators/<int:operator_pk>/release/", views.equipment_operator_release,
         name="equipment_operator_release"),
    path("<int:pk>/state/", views.equipment_state, name="equipment_state"),
]
