"""The media blueprint; its views are in routes.py."""
from app.blueprints.media.routes import bp

__all__ = ["bp"]
