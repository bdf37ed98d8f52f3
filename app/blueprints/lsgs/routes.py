from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.lsgs.forms import JoinLsgForm, LsgDetailsForm, payment_details_form
from app.services import lsgs, memberships, payment_details, reference
from app.services.track_record import track_record

bp = Blueprint("lsgs", __name__)


@bp.get("/")
def index():
    return render_template("lsgs/index.html", lsgs=reference.lsgs())


@bp.route("/<id:lsg_id>/join", methods=["GET", "POST"])
@login_required
def join(lsg_id):
    lsg = memberships.get_lsg(lsg_id)
    form = JoinLsgForm()
    requested = run_form(form, lambda: memberships.request_membership(
        current_user, lsg, position=form.position.data, message=form.message.data
    ))
    if requested:
        flash(_("Your request has been sent. A moderator will check it and you will see the "
                "decision on your account page."), "success")
        return redirect(url_for("account.settings"))
    return render_template("lsgs/join.html", form=form, lsg=lsg), requested.status


@bp.get("/<id:lsg_id>")
def detail(lsg_id):
    lsg = lsgs.public_lsg(lsg_id)
    return render_template("lsgs/detail.html", lsg=lsg, officials=lsgs.officials(lsg),
                           groups=lsgs.projects_by_status(lsg), record=track_record(lsg),
                           details=payment_details.verified_payment_details(lsg))


@bp.route("/<id:lsg_id>/details", methods=["GET", "POST"])
@login_required
def edit_details(lsg_id):
    lsg = lsgs.lsg_for_editing(current_user, lsg_id)
    form = LsgDetailsForm(obj=lsg)
    saved = run_form(form, lambda: lsgs.update_details(current_user, lsg, **{
        name: form[name].data for name in lsgs.DETAIL_LIMITS}))
    if saved:
        flash(_("The details of the local government are saved."), "success")
        return redirect(url_for("lsgs.detail", lsg_id=lsg.id))
    return render_template("lsgs/edit_details.html", form=form, lsg=lsg), saved.status


@bp.route("/<id:lsg_id>/payment-details", methods=["GET", "POST"])
@login_required
def edit_payment_details(lsg_id):
    lsg = lsgs.lsg_for_editing(current_user, lsg_id)
    kinds = payment_details.wallet_kinds()
    pending = payment_details.pending_payment_details(lsg)
    current = payment_details.verified_payment_details(lsg)
    form = payment_details_form(kinds, obj=pending or current)
    if request.method == "GET":
        numbers = {w["kind"]: w["number"] for w in (pending or current).wallets} if (pending or current) else {}
        for kind in kinds:
            form[f"wallet_{kind.id}"].data = numbers.get(kind.name, "")
    sent = run_form(form, lambda: payment_details.propose_payment_details(
        current_user, lsg, bank_name=form.bank_name.data, bic=form.bic.data, account=form.account.data,
        recipient=form.recipient.data, budget_code=form.budget_code.data,
        wallets={kind.id: form[f"wallet_{kind.id}"].data for kind in kinds}))
    if sent:
        flash(_("The new payment details are sent to the moderators. The page shows the previous ones "
                "until a moderator approves the change."), "success")
        return redirect(url_for("lsgs.detail", lsg_id=lsg.id))
    return render_template("lsgs/edit_payment_details.html", form=form, lsg=lsg, kinds=kinds, pending=pending,
                           details=current), sent.status
