"""Missions: the signoff part."""
