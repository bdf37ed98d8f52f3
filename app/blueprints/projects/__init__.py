"""The projects blueprint; its views are in routes.py."""
from app.blueprints.projects.routes import bp

__all__ = ["bp"]
