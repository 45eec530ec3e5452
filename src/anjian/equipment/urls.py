"""/equipment/: the register, inspections and operators (urls_register), imports (urls_import)."""

from anjian.equipment import urls_import, urls_register

app_name = "equipment"
urlpatterns = [*urls_register.urlpatterns, *urls_import.urlpatterns]
