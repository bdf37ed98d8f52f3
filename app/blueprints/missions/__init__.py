"""The missions blueprint (no URL prefix: its pages hang under /projects/<id>/mission, /missions/…,
/moderation/missions, /admin/mission-kinds and /certificates/…). ``bp`` lives in routes.py; each
part's views are in their own module, imported here so they register."""
from app.blueprints.missions import certificates, itinerary, patients, permits, plan, signoff  # noqa: F401
from app.blueprints.missions.routes import bp

__all__ = ["bp"]
