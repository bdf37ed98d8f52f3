"""Missions: the patients part's views."""
from app.blueprints.missions.routes import bp  # noqa: F401
