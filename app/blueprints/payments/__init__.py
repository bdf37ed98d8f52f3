"""The payments blueprint; its views are in routes.py."""
from app.blueprints.payments.routes import bp

__all__ = ["bp"]
