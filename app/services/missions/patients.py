"""Missions: the patients part."""


def public_figures(mission):
    """What the project page shows of the patients waiting (filled in by the patients part)."""
    return None
