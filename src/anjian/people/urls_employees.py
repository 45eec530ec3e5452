"""/people/: the overview, the employee register, the people who may not work and the training ledger."""

from django.urls import path

from anjian.people import views

urlpatterns = [
    path("", views.people_overview, name="employee_overview"),
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/export.xlsx", views.employee_export, name="employee_export"),
    path("employees/new/", views.employee_new, name="employee_new"),
    path("employees/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", views.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/reveal/", views.employee_reveal, name="employee_reveal"),
    path("employees/<int:pk>/post-change/", views.employee_step, {"step": "post_change"},
         name="employee_post_change"),
    path("employees/<int:pk>/leave/", views.employee_step, {"step": "leave"}, name="employee_leave"),
    path("employees/<int:pk>/absences/", views.employee_step, {"step": "absence"}, name="employee_absence"),
    path("employees/<int:pk>/absences/<int:absence_pk>/return/", views.employee_absence_return,
         name="employee_absence_return"),
    path("blocked/", views.blocked_list, name="blocked_list"),
    path("training/", views.session_list, name="session_list"),
    path("training/export.xlsx", views.session_export, name="session_export"),
    path("training/new/", views.session_new, name="session_new"),
    path("training/<int:pk>/", views.session_detail, name="session_detail"),
    path("training/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("training/<int:pk>/delete/", views.session_delete, name="session_delete"),
]
