"""Credential checks: moderators look at a member's licence or diploma and verify or reject it."""
from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.moderation.forms import DecisionForm
from app.blueprints.moderation.routes import bp
from app.services import profiles
from app.uploads import image_path


@bp.get("/credentials")
@login_required
def credentials_queue():
    return render_template("moderation/credentials.html", pending=profiles.pending_credentials(current_user))


@bp.route("/credentials/<id:held_id>", methods=["GET", "POST"])
@login_required
def credential_detail(held_id):
    held = profiles.credential_for_review(current_user, held_id)
    form = DecisionForm()
    decided = run_form(form, lambda: (profiles.verify_credential if form.approve.data else profiles.reject_credential)(
        current_user, held, reason=form.reason.data))
    if decided:
        flash(_("Decision saved."), "success")
        return redirect(url_for("moderation.credentials_queue"))
    return render_template("moderation/credential_detail.html", held=held, form=form), decided.status


@bp.get("/credentials/<id:held_id>/image")
@login_required
def credential_image(held_id):
    """The scan itself: private, so only through this checked route and never cached by others."""
    held = profiles.credential_for_review(current_user, held_id)
    response = send_file(image_path(held.credential_filename, private=True), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
