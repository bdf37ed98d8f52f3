"""Missions: the itinerary part."""
