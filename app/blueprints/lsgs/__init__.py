"""The lsgs blueprint; its views are in routes.py."""
from app.blueprints.lsgs.routes import bp

__all__ = ["bp"]
