from flask import Blueprint

bp = Blueprint("pledges", __name__)

from app.blueprints.pledges import routes  # noqa: E402,F401
