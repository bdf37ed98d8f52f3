"""The read-only open-data API (/api/v1/): its views are in routes.py, its shapes in schemas.py."""
from app.blueprints.api.routes import bp

__all__ = ["bp"]
