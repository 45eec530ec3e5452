"""Pages of planning: annual enforcement plans, random draws (双随机), credentials, recusals, grid patrols.
Included by inspections/urls.py under /inspections/ (namespace "inspections")."""

from django.urls import path

from anjian.inspections import planning_views as views

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/targets/", views.plan_targets, name="plan_targets"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("credentials/", views.credential_list, name="credentials"),
    path("credentials/<int:pk>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("recusals/", views.recusal_list, name="recusals"),
    path("recusals/<int:pk>/delete/", views.recusal_delete, name="recusal_delete"),
    path("patrols/", views.patrol_coverage, name="patrols"),
    path("patrols/mine/", views.patrol_mine, name="patrols_mine"),
]
