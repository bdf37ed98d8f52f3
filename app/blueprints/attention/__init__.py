"""An official's "needs attention" page (their home after logging in); views in routes.py."""
from app.blueprints.attention.routes import bp

__all__ = ["bp"]
