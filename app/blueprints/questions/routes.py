from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import authz
from app.blueprints.forms import run_action, run_form
from app.blueprints.questions.forms import (
    AnswerForm,
    AskForm,
    HideForm,
    HolidayForm,
    MemberForm,
    MinistryForm,
    ReportForm,
)
from app.services import ministries as ministry_service
from app.services import questions as service

bp = Blueprint("questions", __name__)


def _board(project):
    """The project page's questions section (templates/questions/_board.html reads it; the project
    page includes it with one line, so the project's route knows nothing of questions)."""
    board = service.board(project)
    form = AskForm(formdata=None)
    form.to.choices = board.addressees
    return {"board": board, "form": form, "button": ReportForm(formdata=None), "asker_label": service.asker_label,
            "can_answer": lambda q: authz.can_answer_question(current_user, q)}


@bp.app_context_processor
def helpers():
    return {"question_board": _board, "answer_record": ministry_service.answer_record}


def _to_questions(project):
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="questions"))


@bp.route("/projects/<id:project_id>/ask", methods=["GET", "POST"])
@login_required
def ask(project_id):
    project = service.project_for_questions(project_id)
    form = AskForm()
    form.to.choices = service.addressees_of(project)
    asked = run_form(form, lambda: service.ask_question(current_user, project, to=form.to.data, body=form.body.data,
                                                         show_name=form.show_as.data != "country"))
    if asked:
        flash(_("Your question is published. You will be told when it is answered."), "success")
        return _to_questions(project)
    return render_template("questions/ask.html", project=project, form=form), asked.status


@bp.route("/questions/<id:question_id>/answer", methods=["GET", "POST"])
@login_required
def answer(question_id):
    question = service.question_to_answer(current_user, question_id)
    form = AnswerForm()
    answered = run_form(form, lambda: service.answer_question(current_user, question, body=form.body.data))
    if answered:
        flash(_("Your answer is published."), "success")
        return _to_questions(question.project)
    return render_template("questions/answer.html", question=question, form=form,
                           asker_label=service.asker_label), answered.status


def _report(project, **which):
    form = ReportForm()
    if form.validate_on_submit() and run_action(lambda: service.report(current_user, **which), category="info"):
        flash(_("Thank you: a moderator will look at it."), "success")
    return _to_questions(project)


@bp.post("/questions/<id:question_id>/report")
@login_required
def report_question(question_id):
    question = service.get_question(question_id)
    return _report(question.project, question=question)


@bp.post("/answers/<id:answer_id>/report")
@login_required
def report_answer(answer_id):
    answer = service.get_answer(answer_id)
    return _report(answer.question.project, answer=answer)


@bp.get("/moderation/questions")
@login_required
def reported():
    return render_template("questions/reported.html", items=service.reported(current_user),
                           asker_label=service.asker_label)


def _hide(item, question):
    authz.require(authz.can_hide_question, current_user)
    form = HideForm()
    hidden = run_form(form, lambda: service.hide(current_user, item, reason=form.reason.data))
    if hidden:
        flash(_("It is hidden; the reason shows in its place and in the public decisions log."), "success")
        return redirect(url_for("questions.reported"))
    return render_template("questions/hide.html", item=item, question=question, form=form,
                           asker_label=service.asker_label), hidden.status


@bp.route("/questions/<id:question_id>/hide", methods=["GET", "POST"])
@login_required
def hide_question(question_id):
    question = service.get_question(question_id)
    return _hide(question, question)


@bp.route("/answers/<id:answer_id>/hide", methods=["GET", "POST"])
@login_required
def hide_answer(answer_id):
    answer = service.get_answer(answer_id)
    return _hide(answer, answer.question)


@bp.get("/ministries/<id:ministry_id>")
def ministry(ministry_id):
    ministry = ministry_service.get_ministry(ministry_id)
    return render_template("questions/ministry.html", ministry=ministry,
                           record=ministry_service.answer_record(ministry))



# ---- administration: ministries and holidays


@bp.route("/admin/ministries", methods=["GET", "POST"])
@login_required
def ministries():
    authz.require(authz.can_administer, current_user)
    form = MinistryForm()
    form.sectors.choices = _sector_choices()
    saved = run_form(form, lambda: ministry_service.save_ministry(
        current_user, name_ky=form.name_ky.data, name_ru=form.name_ru.data, name_en=form.name_en.data,
        sector_ids=form.sectors.data))
    if saved:
        flash(_("The ministry has been added."), "success")
        return redirect(url_for("questions.edit_ministry", ministry_id=saved.value.id))
    return render_template("questions/admin_ministries.html", form=form,
                           ministries=ministry_service.all_ministries()), saved.status


def _sector_choices():
    return [(s.id, s.name) for s in ministry_service.all_sectors()]


def _render_ministry(ministry, form, member_form, status=200):
    return render_template("questions/admin_ministry.html", ministry=ministry, form=form, member_form=member_form,
                           button=ReportForm(formdata=None)), status


@bp.route("/admin/ministries/<id:ministry_id>", methods=["GET", "POST"])
@login_required
def edit_ministry(ministry_id):
    authz.require(authz.can_administer, current_user)
    ministry = ministry_service.get_ministry(ministry_id)
    form = MinistryForm(obj=ministry, data=None if request.method == "POST" else {
        "sectors": [s.id for s in ministry.sectors]})
    form.sectors.choices = _sector_choices()
    saved = run_form(form, lambda: ministry_service.save_ministry(
        current_user, ministry, name_ky=form.name_ky.data, name_ru=form.name_ru.data, name_en=form.name_en.data,
        sector_ids=form.sectors.data))
    if saved:
        flash(_("The ministry has been saved."), "success")
        return redirect(url_for("questions.edit_ministry", ministry_id=ministry.id))
    return _render_ministry(ministry, form, MemberForm(formdata=None), saved.status)


@bp.post("/admin/ministries/<id:ministry_id>/members")
@login_required
def add_member(ministry_id):
    authz.require(authz.can_administer, current_user)
    ministry = ministry_service.get_ministry(ministry_id)
    member_form = MemberForm()
    added = run_form(member_form, lambda: ministry_service.add_member(current_user, ministry, member_form.email.data))
    if added:
        flash(_("%(name)s now answers questions for this ministry.", name=added.value.name), "success")
        return redirect(url_for("questions.edit_ministry", ministry_id=ministry.id))
    form = MinistryForm(formdata=None, obj=ministry, data={"sectors": [s.id for s in ministry.sectors]})
    form.sectors.choices = _sector_choices()
    return _render_ministry(ministry, form, member_form, added.status)


@bp.post("/admin/ministries/<id:ministry_id>/members/<id:user_id>/remove")
@login_required
def remove_member(ministry_id, user_id):
    authz.require(authz.can_administer, current_user)
    ministry = ministry_service.get_ministry(ministry_id)
    if ReportForm().validate_on_submit() and run_action(
            lambda: ministry_service.remove_member(current_user, ministry, user_id)):
        flash(_("The member has been removed from the ministry."), "success")
    return redirect(url_for("questions.edit_ministry", ministry_id=ministry.id))


@bp.route("/admin/holidays", methods=["GET", "POST"])
@login_required
def holidays():
    authz.require(authz.can_administer, current_user)
    form = HolidayForm()
    added = run_form(form, lambda: ministry_service.add_holiday(current_user, day=form.day.data, name=form.name.data))
    if added:
        flash(_("The holiday has been added."), "success")
        return redirect(url_for("questions.holidays"))
    return render_template("questions/admin_holidays.html", form=form, button=ReportForm(formdata=None),
                           holidays=ministry_service.holidays(current_user)), added.status


@bp.post("/admin/holidays/<id:holiday_id>/delete")
@login_required
def remove_holiday(holiday_id):
    authz.require(authz.can_administer, current_user)
    if ReportForm().validate_on_submit() and run_action(
            lambda: ministry_service.remove_holiday(current_user, holiday_id)):
        flash(_("The holiday has been removed."), "success")
    return redirect(url_for("questions.holidays"))
