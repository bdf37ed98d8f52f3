"""Moderators verify LSGs and decide on changes to their payment details (issue 12)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.moderation.forms import DecisionForm, VerifyLsgForm
from app.blueprints.moderation.routes import bp
from app.services import lsgs, payment_details


@bp.get("/lsgs")
@login_required
def lsgs_queue():
    return render_template("moderation/lsgs.html", changes=payment_details.pending_changes(current_user),
                           lsgs=lsgs.all_lsgs_for_review(current_user))


@bp.route("/lsgs/<id:lsg_id>/verify", methods=["GET", "POST"])
@login_required
def verify_lsg(lsg_id):
    lsg = lsgs.lsg_for_review(current_user, lsg_id)
    form = VerifyLsgForm()
    verified = run_form(form, lambda: lsgs.verify_lsg(current_user, lsg, reason=form.reason.data))
    if verified:
        flash(_("The local government is marked verified."), "success")
        return redirect(url_for("moderation.lsgs_queue"))
    return render_template("moderation/verify_lsg.html", lsg=lsg, form=form,
                           officials=lsgs.officials(lsg)), verified.status


@bp.route("/payment-details/<id:change_id>", methods=["GET", "POST"])
@login_required
def payment_details_change(change_id):
    change = payment_details.change_for_review(current_user, change_id)
    form = DecisionForm()
    decided = run_form(form, lambda: (
        payment_details.approve_payment_details if form.approve.data else payment_details.reject_payment_details
    )(current_user, change, reason=form.reason.data))
    if decided:
        flash(_("Decision saved."), "success")
        return redirect(url_for("moderation.lsgs_queue"))
    return render_template("moderation/payment_details_change.html", change=change, form=form,
                           details=payment_details.verified_payment_details(change.lsg)), decided.status
