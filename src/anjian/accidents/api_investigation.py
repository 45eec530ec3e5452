"""Investigation actions on /api/accidents/{id}/… (mixed into AccidentViewSet)."""


class InvestigationActions:
    pass
