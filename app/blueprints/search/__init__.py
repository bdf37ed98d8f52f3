"""The search blueprint; its views are in routes.py."""
from app.blueprints.search.routes import bp

__all__ = ["bp"]
