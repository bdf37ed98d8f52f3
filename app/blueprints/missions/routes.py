"""The missions blueprint object; the views are in the part modules (plan, signoff, permits,
patients, itinerary, certificates)."""
from flask import Blueprint

bp = Blueprint("missions", __name__)
