"""The admin blueprint; its views are in routes.py."""
from app.blueprints.admin import wallets  # noqa: F401  (its routes are on bp too)
from app.blueprints.admin.routes import bp

__all__ = ["bp"]
