"""/people/: employees and training (urls_employees), certificates (urls_certificates), imports (urls_import)."""

from anjian.people import urls_certificates, urls_employees, urls_import

app_name = "people"
urlpatterns = [*urls_employees.urlpatterns, *urls_certificates.urlpatterns, *urls_import.urlpatterns]
