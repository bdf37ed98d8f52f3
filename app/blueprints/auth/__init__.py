"""The auth blueprint; its views are in routes.py."""
from app.blueprints.auth.routes import bp

__all__ = ["bp"]
