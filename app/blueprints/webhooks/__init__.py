"""The webhooks blueprint; its views are in routes.py."""
from app.blueprints.webhooks.routes import bp

__all__ = ["bp"]
