"""API of enforcement documents and penalty cases. ``register`` adds the viewsets to the router."""


def register(router) -> None:
    """Called by anjian/urls.py."""
