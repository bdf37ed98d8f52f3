"""The public blueprint; its views are in routes.py."""
from app.blueprints.public.routes import bp

__all__ = ["bp"]
