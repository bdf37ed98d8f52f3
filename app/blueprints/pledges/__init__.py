"""The pledges blueprint; its views are in routes.py."""
from app.blueprints.pledges.routes import bp

__all__ = ["bp"]
