from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import flash_form_errors, run_form
from app.blueprints.messages.forms import ButtonForm, ConsentForm, MessageForm, ReportForm
from app.services import messages as service

bp = Blueprint("messages", __name__)


@bp.app_context_processor
def helpers():
    return {"may_write_to_lsg": lambda lsg: service.may_write_to_lsg(current_user, lsg)}


@bp.get("/")
@login_required
def inbox():
    return render_template("messages/inbox.html", rows=service.inbox(current_user))


def _to_thread(thread):
    return redirect(url_for("messages.thread", thread_id=thread.id, _anchor="last"))


@bp.route("/to-lsg/<id:lsg_id>", methods=["GET", "POST"])
@login_required
def write_to_lsg(lsg_id):
    lsg, thread = service.start_to_lsg(current_user, lsg_id)
    if thread is not None and request.method == "GET":  # one thread per member and LSG
        return _to_thread(thread)
    form = MessageForm()
    outcome = run_form(form, lambda: service.write_to_lsg(current_user, lsg_id, form.body.data))
    if outcome:
        flash(_("Your message is sent."), "success")
        return _to_thread(outcome.value)
    return render_template("messages/new.html", form=form, lsg=lsg, member=None), outcome.status


@bp.route("/lsg/<id:lsg_id>/to/<id:member_id>", methods=["GET", "POST"])
@login_required
def write_to_member(lsg_id, member_id):
    lsg, member, thread = service.start_to_member(current_user, lsg_id, member_id)
    if thread is not None and request.method == "GET":  # one thread per member and LSG
        return _to_thread(thread)
    form = MessageForm()
    outcome = run_form(form, lambda: service.write_to_member(current_user, lsg_id, member_id, form.body.data))
    if outcome:
        flash(_("Your message is sent."), "success")
        return _to_thread(outcome.value)
    return render_template("messages/new.html", form=form, lsg=lsg, member=member), outcome.status


def _thread_page(thread_id, form, status=200):
    page = service.thread_page(current_user, thread_id)
    consent = ConsentForm(data={"share_phone": page.thread.share_phone, "share_email": page.thread.share_email})
    return render_template("messages/thread.html", page=page, form=form, consent_form=consent,
                           report_form=ReportForm(), button_form=ButtonForm()), status


@bp.get("/<id:thread_id>")
@login_required
def thread(thread_id):
    return _thread_page(thread_id, MessageForm())


@bp.post("/<id:thread_id>")
@login_required
def send(thread_id):
    form = MessageForm()
    outcome = run_form(form, lambda: service.send_message(current_user, thread_id, form.body.data))
    if outcome:
        return _to_thread(outcome.value)
    return _thread_page(thread_id, form, outcome.status)


@bp.post("/<id:thread_id>/consent")
@login_required
def consent(thread_id):
    form = ConsentForm()
    if form.validate_on_submit():  # a refusal is the error page's (403, 404): nothing here to show it on
        service.set_consent(current_user, thread_id, share_phone=form.share_phone.data,
                            share_email=form.share_email.data)
        flash(_("Your choice is saved."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("messages.thread", thread_id=thread_id))


@bp.post("/<id:thread_id>/block")
@login_required
def block(thread_id):
    form = ButtonForm()
    if form.validate_on_submit():  # a refusal is the error page's (403, 404)
        blocked = service.toggle_block(current_user, thread_id)
        flash(_("The other side can no longer write to you here.") if blocked
              else _("The conversation is unblocked."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("messages.thread", thread_id=thread_id))


@bp.post("/<id:thread_id>/report")
@login_required
def report(thread_id):
    form = ReportForm()
    if form.validate_on_submit():  # a refusal is the error page's (403, 404)
        service.report_thread(current_user, thread_id, form.reason.data)
        flash(_("Thank you. Moderators will read this conversation."), "success")
    else:
        flash_form_errors(form)
    return redirect(url_for("messages.thread", thread_id=thread_id))


@bp.get("/reported")
@login_required
def reported():
    return render_template("messages/reported.html", threads=service.reported_threads(current_user))
