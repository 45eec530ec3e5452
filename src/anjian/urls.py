"""URL map: pages, the API under /api/, and the health probe."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from anjian.accidents import api as accidents_api
from anjian.accounts.api import TokenView
from anjian.core import views as core_views
from anjian.core.api_views import AuthorityViewSet, GridViewSet, NotificationViewSet, RegionViewSet, WebhookView
from anjian.enforcement import api as enforcement_api
from anjian.enterprises.api import EnterpriseViewSet
from anjian.equipment import api as equipment_api
from anjian.equipment import api_import as equipment_import_api
from anjian.hazards import views as hazard_views
from anjian.hazards.api import HazardViewSet, PublicListingView, ReportViewSet
from anjian.inspections import api as inspection_api
from anjian.inspections import planning_api
from anjian.people import api as people_api
from anjian.people import api_certificates as certificates_api
from anjian.people import api_import as people_import_api

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("authorities", AuthorityViewSet, basename="authority")
router.register("grids", GridViewSet, basename="grid")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("hazard-reports", ReportViewSet, basename="hazard-report")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("inspections", inspection_api.InspectionViewSet, basename="inspection")
router.register("checklist-templates", inspection_api.TemplateViewSet, basename="checklist-template")
planning_api.register(router)
enforcement_api.register(router)
accidents_api.register(router)
people_api.register(router)
certificates_api.register(router)
people_import_api.register(router)
equipment_api.register(router)
equipment_import_api.register(router)

urlpatterns = [
    path("", include("anjian.core.urls")),
    path("accounts/", include("anjian.accounts.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("hazards/", include("anjian.hazards.urls")),
    path("inspections/", include("anjian.inspections.urls")),
    path("enforcement/", include("anjian.enforcement.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("people/", include("anjian.people.urls")),
    path("equipment/", include("anjian.equipment.urls")),
    path("notifications/", core_views.inbox, name="inbox"),
    path("public/listings/", hazard_views.public_listings, name="public-listings"),
    path("public/draws/", include("anjian.inspections.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/webhook/", WebhookView.as_view(), name="api-webhook"),
    path("api/public/listings/", PublicListingView.as_view(), name="api-public-listings"),
    path("api/public/", include(planning_api.public_urlpatterns)),
    path("api/", include(router.urls)),
]
