"""Public pages (no login): the random draws and their results (双随机一公开). Mounted at /public/draws/."""

app_name = "public_draws"
urlpatterns: list = []
