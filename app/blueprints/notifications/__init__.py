"""The notification centre, each person's choices, and unsubscribing from a mail; views in routes.py."""
from app.blueprints.notifications.routes import bp

__all__ = ["bp"]
