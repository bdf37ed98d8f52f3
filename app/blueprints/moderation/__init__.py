"""The moderation blueprint; its views are in routes.py."""
from app.blueprints.moderation import credentials, dashboard, lsgs  # noqa: F401  (their routes are on bp too)
from app.blueprints.moderation.routes import bp

__all__ = ["bp"]
