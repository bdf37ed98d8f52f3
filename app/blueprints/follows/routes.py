from flask import Blueprint, flash, g, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints import redirect_next
from app.services import follows as service

bp = Blueprint("follows", __name__)
KINDS = "any(project, lsg, municipality, district, region)"


@bp.app_context_processor
def following():
    """``is_following(kind, id)`` for the Follow buttons: one query per page, only for people logged in."""
    def is_following(kind, target_id):
        if "followed_keys" not in g:
            g.followed_keys = service.followed_keys(current_user)
        return (kind, target_id) in g.followed_keys
    return {"is_following": is_following}


@bp.get("/")
@login_required
def index():
    return render_template("follows/index.html", followed=service.followed_by(current_user))


@bp.post(f"/<{KINDS}:kind>/<id:target_id>")
@login_required
def follow(kind, target_id):
    followed = service.follow(current_user, kind, target_id)  # NotFound: the error page says so
    flash(_("You follow %(name)s. Its news come in your notifications and your digest.", name=followed.name),
          "success")
    return redirect_next(followed.endpoint, **followed.values)


@bp.post(f"/<{KINDS}:kind>/<id:target_id>/unfollow")
@login_required
def unfollow(kind, target_id):
    followed = service.unfollow(current_user, kind, target_id)
    flash(_("You no longer follow %(name)s.", name=followed.name), "success")
    return redirect_next("follows.index")
