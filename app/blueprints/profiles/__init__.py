"""The profiles blueprint; its views are in routes.py."""
from app.blueprints.profiles.routes import bp

__all__ = ["bp"]
