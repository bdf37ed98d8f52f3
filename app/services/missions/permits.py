"""Missions: the permits part."""
