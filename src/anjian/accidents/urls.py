"""Accident pages: the case (views.py), its investigation (views_investigation.py), statistics and targets
(views_stats.py). Each module keeps its own ``urlpatterns``."""

from anjian.accidents import views, views_investigation, views_stats

app_name = "accidents"

urlpatterns = [*views.urlpatterns, *views_investigation.urlpatterns, *views_stats.urlpatterns]
