"""Missions (a project with skill needs run as an organised visit). One module per part, imported
from where it lives: ``core`` (start a mission, find it, its volunteers), ``plan`` (the plan and the
readiness checklist), ``signoff`` (the ministry's sign-off), ``permits`` (permission to practise,
confirmation for the dates), ``patients`` (counts and the report after the mission),
``itinerary`` (the volunteers' side and their reminders), ``certificates`` (hours, their value,
certificates of volunteering)."""
