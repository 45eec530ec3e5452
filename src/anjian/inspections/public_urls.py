"""Public pages (no login): the random draws and their results (双随机一公开). Mounted at /public/draws/."""

from django.urls import path

from anjian.inspections import planning_views as views

app_name = "public_draws"
urlpatterns = [
    path("", views.public_draw_list, name="list"),
    path("<int:pk>/", views.public_draw_detail, name="detail"),
]
