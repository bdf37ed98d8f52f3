"""Presentation objects for pages: what a template shows, built from what services return."""
