from flask import Blueprint

bp = Blueprint("lsgs", __name__)

from app.blueprints.lsgs import routes  # noqa: E402,F401
