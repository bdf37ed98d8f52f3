"""Missions: the plan part."""
