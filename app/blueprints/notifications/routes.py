from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints import form_status
from app.blueprints.notifications.forms import preferences_form
from app.extensions import csrf
from app.models import Channel
from app.services import notifications as service

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def bell():
    """The unread count the header's bell shows (one COUNT on an index, only for people logged in)."""
    def unread():
        return service.unread_count(current_user) if current_user.is_authenticated else 0
    return {"unread_notifications": unread}


@bp.get("/")
@login_required
def index():
    notifications = service.recent(current_user)
    return render_template("notifications/index.html", groups=service.grouped_by_project(notifications),
                           text_of=service.text_of, link_of=service.link_of,
                           unread=any(n.read_at is None for n in notifications))


@bp.post("/<id:notification_id>/open")
@login_required
def open_one(notification_id):
    """Mark it read, then go where it links to."""
    return redirect(service.link_of(service.opened(current_user, notification_id)))


@bp.post("/read")
@login_required
def read_all():
    service.mark_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    kinds = service.kinds_for(current_user)
    labels = {name: kind.label for name, kind in kinds.items()}
    form = preferences_form(labels, service.preferences_of(current_user), current_user.digest_every,
                            formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        chosen = {name: Channel(form[f"kind_{name}"].data) for name in labels}
        service.save_preferences(current_user, chosen, digest_every=form.digest_every.data)
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    groups = {}
    for name, kind in kinds.items():
        groups.setdefault(str(kind.group), []).append(form[f"kind_{name}"])
    return render_template("notifications/preferences.html", form=form, groups=groups), form_status(form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients POST here with no session (RFC 8058)
def unsubscribe(token):
    found = service.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user, kind = found
    if request.method == "POST":
        service.unsubscribe(user, kind)
        return render_template("notifications/unsubscribed.html", kind=kind, label=service.kind_label(kind))
    return render_template("notifications/unsubscribe.html", token=token, label=service.kind_label(kind))
