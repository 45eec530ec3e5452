"""API of planning: plans, draws, credentials, recusals, patrols. ``register`` adds the viewsets to the router."""


def register(router) -> None:
    """Called by anjian/urls.py."""


public_urlpatterns: list = []  # mounted under /api/public/
