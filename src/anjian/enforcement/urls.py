"""Pages of enforcement documents and penalty cases, under /enforcement/."""

app_name = "enforcement"
urlpatterns: list = []
