"""URL map: pages, the API under /api/, and the health probe."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from anjian.accounts.api import TokenView
from anjian.core import views as core_views
from anjian.core.api_views import AuthorityViewSet, GridViewSet, RegionViewSet
from anjian.enterprises.api import EnterpriseViewSet

router = DefaultRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("authorities", AuthorityViewSet, basename="authority")
router.register("grids", GridViewSet, basename="grid")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    path("", include("anjian.core.urls")),
    path("accounts/", include("anjian.accounts.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
]
