"""Pages of planning: annual enforcement plans, random draws (双随机), credentials, recusals, grid patrols.
Included by inspections/urls.py under /inspections/."""

urlpatterns: list = []
