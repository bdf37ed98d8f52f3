"""Missions: the itinerary part's views."""
from app.blueprints.missions.routes import bp  # noqa: F401
