"""Filled in by its owner."""


def register(router) -> None:
    """Register this module's viewsets on the API router."""
