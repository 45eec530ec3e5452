"""REST framework and OpenAPI."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "anjian.core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "anjian.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Anjian API",
    "DESCRIPTION": "安监 — work-safety supervision platform. Token or session authentication; "
    "every list is scoped to the caller's jurisdiction and paged with an opaque cursor.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AuthorityKindEnum": "anjian.core.choices.AuthorityKind",
        "PhotoKindEnum": "anjian.hazards.choices.PhotoKind",
        "HazardStateEnum": "anjian.hazards.choices.HazardState",
        "ReportStateEnum": "anjian.hazards.choices.ReportState",
        "InspectionStateEnum": "anjian.inspections.choices.InspectionState",
        "ChecklistStateEnum": "anjian.inspections.choices.TemplateState",
        "InspectionKindEnum": "anjian.inspections.choices.InspectionKind",
        "PlanStateEnum": "anjian.inspections.choices.PlanState",
        "DocStateEnum": "anjian.enforcement.choices.DocState",
        "CaseStateEnum": "anjian.enforcement.choices.CaseState",
        "ServiceMethodEnum": "anjian.enforcement.choices.ServiceMethod",
        "HearingOutcomeEnum": "anjian.enforcement.choices.HearingOutcome",
        "ClockStatusEnum": "anjian.enforcement.choices.ClockStatus",
        "EnterpriseStatusEnum": "anjian.enterprises.choices.EnterpriseStatus",
    },
}
