"""Statistics and control-target endpoints."""


def register(router) -> None:
    return None
