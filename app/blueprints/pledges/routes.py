from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import (
    attempt, flash_form_errors, focus_first_error, run_action, run_form, show_domain_error,
)
from app.blueprints.pledges.forms import (
    ConfirmForm, FindByReferenceForm, GoodsPledgeForm, MoneyPledgeForm, RejectForm, SkillOfferForm,
)
from app.models import NeedKind
from app.services import pledges as service
from app.services.memberships import get_lsg
from app.services.payment_details import verified_payment_details
from app.services.projects import visible_project

bp = Blueprint("pledges", __name__)


FORMS = {NeedKind.FUNDS: MoneyPledgeForm, NeedKind.SKILL: SkillOfferForm, NeedKind.IN_KIND: GoodsPledgeForm}


def _make_pledge(need, form):
    if need.kind == NeedKind.FUNDS:
        return service.pledge_money(current_user, need, amount=form.amount.data, currency=form.currency.data,
                                    method=form.method.data, reference=form.reference.data,
                                    anonymous=form.anonymous.data)
    if need.kind == NeedKind.SKILL:
        return service.offer_skill(current_user, need, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                   note=form.note.data)
    return service.pledge_goods(current_user, need, quantity=form.quantity.data, note=form.note.data,
                                anonymous=form.anonymous.data)


@bp.route("/needs/<id:need_id>", methods=["GET", "POST"])
@login_required
def new(need_id):
    need = service.get_public_need(need_id)
    form = FORMS[need.kind]()
    if not form.is_submitted():
        if need.kind == NeedKind.FUNDS:
            form.currency.data = need.currency
        elif need.kind == NeedKind.SKILL:
            form.starts_on.data, form.ends_on.data = need.starts_on, need.ends_on
    made = run_form(form, lambda: _make_pledge(need, form))
    if not made:
        return render_template("pledges/new.html", form=form, need=need,
                               details=verified_payment_details(need.project.lsg)), made.status
    if need.kind == NeedKind.SKILL:
        flash(_("Thank you! Your offer is sent; the local government will answer it."), "success")
    else:
        flash(_("Thank you! Your pledge is recorded. It counts once the local government confirms "
                "that it arrived."), "success")
    if service.is_offline_money(made.value):
        return redirect(url_for("pledges.made", pledge_id=made.value.id))  # its reference, for the transfer
    return redirect(url_for("pledges.mine"))


@bp.get("/mine")
@login_required
def mine():
    return render_template("pledges/mine.html", pledges=service.pledges_of(current_user))


@bp.post("/<id:pledge_id>/withdraw")
@login_required
def withdraw(pledge_id):
    pledge = service.get_pledge(pledge_id)
    withdrawn = run_action(lambda: service.withdraw_pledge(current_user, pledge))
    if not withdrawn:
        return render_template("pledges/mine.html", pledges=service.pledges_of(current_user)), withdrawn.status
    flash(_("Your pledge has been withdrawn."), "success")
    return redirect(url_for("pledges.mine"))


@bp.get("/<id:pledge_id>/receipt")
@login_required
def receipt(pledge_id):
    return render_template("pledges/receipt.html", pledge=service.receipt(current_user, pledge_id))


@bp.get("/<id:pledge_id>/made")
@login_required
def made(pledge_id):
    """Right after an offline pledge: the reference to write in the transfer, where to send it."""
    pledge = service.made_pledge(current_user, pledge_id)
    details = verified_payment_details(pledge.project.lsg)
    return render_template("pledges/made.html", pledge=pledge, details=details)


@bp.get("/<id:pledge_id>/slip")
@login_required
def slip(pledge_id):
    """The payment slip: one page to print, or to show at the bank from a phone."""
    pledge = service.offline_pledge(current_user, pledge_id)
    details = verified_payment_details(pledge.project.lsg)
    return render_template("pledges/slip.html", pledge=pledge, details=details)


@bp.get("/find")
@login_required
def find():
    """Officials: the pledge a transfer's purpose field names, among their LSG's projects."""
    form = FindByReferenceForm(request.args, meta={"csrf": False})
    found = attempt(lambda: service.find_by_reference(current_user, request.args.get("ref")))
    if found.status == 403:
        abort(403)  # not an official: no search page at all
    if found.error is not None:
        show_domain_error(form, found.error)
        focus_first_error(form)
    pledge = found.value
    if pledge is not None and pledge.status.value == "pending":
        return redirect(url_for("pledges.incoming", project_id=pledge.project_id, ref=pledge.payment_ref,
                                _anchor=f"pledge-{pledge.id}"))
    return render_template("pledges/find.html", form=form, found=pledge), found.status


def _render_incoming(project, status=200, **bound):
    forms = {"confirm_form": ConfirmForm(formdata=None), "reject_form": RejectForm(formdata=None), **bound}
    return render_template("pledges/incoming.html", project=project, find_form=FindByReferenceForm(
        request.args, meta={"csrf": False}), pending=service.incoming_pledges(current_user, project),
        **forms), status


@bp.get("/projects/<id:project_id>")
@login_required
def incoming(project_id):
    return _render_incoming(visible_project(current_user, project_id))


def _decide(pledge_id, form, decide, message):
    """Each decision's service checks who may make it (app/authz.py)."""
    pledge = service.get_pledge(pledge_id)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return _render_incoming(pledge.project, 422)
    decided = run_action(lambda: decide(pledge, form))
    if not decided:
        return _render_incoming(pledge.project, decided.status)
    flash(message, "success")
    return redirect(url_for("pledges.incoming", project_id=pledge.project_id))


@bp.post("/<id:pledge_id>/confirm")
@login_required
def confirm(pledge_id):
    return _decide(pledge_id, ConfirmForm(), lambda p, f: service.confirm_pledge(
        current_user, p, reference=f.reference.data), _("Confirmed: it now counts on the project page."))


@bp.post("/<id:pledge_id>/reject")
@login_required
def reject(pledge_id):
    return _decide(pledge_id, RejectForm(), lambda p, f: service.reject_pledge(
        current_user, p, reason=f.reason.data), _("The pledge has been rejected."))


@bp.post("/<id:pledge_id>/accept")
@login_required
def accept(pledge_id):
    return _decide(pledge_id, ConfirmForm(), lambda p, f: service.accept_offer(current_user, p),
                   _("Accepted: the place is theirs."))


@bp.post("/<id:pledge_id>/decline")
@login_required
def decline(pledge_id):
    return _decide(pledge_id, RejectForm(), lambda p, f: service.decline_offer(
        current_user, p, reason=f.reason.data), _("The offer has been declined."))


def _year():
    year = request.args.get("year", date.today().year, type=int)
    if not 2000 <= year <= 2100:
        abort(400)
    return year


@bp.get("/statement")
@login_required
def statement():
    return render_template("pledges/statement.html", statement=service.member_statement(current_user, _year()))


@bp.get("/lsgs/<id:lsg_id>/statement")
@login_required
def lsg_statement(lsg_id):
    return render_template("pledges/lsg_statement.html",
                           statement=service.lsg_statement(current_user, get_lsg(lsg_id), _year()))
