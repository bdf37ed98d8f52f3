from flask import Blueprint

bp = Blueprint("moderation", __name__)

from app.blueprints.moderation import routes  # noqa: E402,F401
from app.blueprints.moderation import credentials  # noqa: E402,F401
