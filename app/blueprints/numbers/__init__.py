"""The "Birge in numbers" blueprint; its view is in routes.py."""
from app.blueprints.numbers.routes import bp

__all__ = ["bp"]
