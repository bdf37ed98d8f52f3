"""Private messages between members and LSGs, and the moderators' reported threads; views in routes.py."""
from app.blueprints.messages.routes import bp

__all__ = ["bp"]
