from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.services.attention import attention_items

bp = Blueprint("attention", __name__)


@bp.get("/")
@login_required
def index():
    """Officials only (the service refuses anyone else)."""
    items = attention_items(current_user)
    return render_template("attention/index.html", items=[item for item in items if item.count])
