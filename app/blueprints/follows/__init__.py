"""Following projects, LSGs and places, and the list of what one follows; views in routes.py."""
from app.blueprints.follows.routes import bp

__all__ = ["bp"]
