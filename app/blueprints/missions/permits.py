"""Missions: the permits part's views (the officials' volunteers page, requesting a permission to
practise, confirming a volunteer; the ministry's queue and decision)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_action, run_form
from app.blueprints.missions.permits_forms import PermitDecisionForm, VolunteerActionForm
from app.blueprints.missions.routes import bp
from app.services.missions import permits
from app.services.missions.core import get_mission, planned_mission


def _volunteers_page(mission, status=200):
    rows = permits.volunteer_rows(current_user, mission)
    return render_template("missions/permits/volunteers.html", mission=mission, rows=rows,
                           form=VolunteerActionForm()), status


@bp.get("/projects/<id:project_id>/mission/volunteers")
@login_required
def volunteers(project_id):
    return _volunteers_page(planned_mission(current_user, project_id))


def _volunteer_action(mission_id, volunteer_id, action, done):
    mission = get_mission(mission_id)
    volunteer = permits.volunteer_on(mission, volunteer_id)
    form = VolunteerActionForm()
    if not form.validate_on_submit():
        return _volunteers_page(mission, 422)  # only a missing or stale CSRF token fails this form
    outcome = run_action(lambda: action(current_user, volunteer))
    if outcome:
        flash(done, "success")
        return redirect(url_for("missions.volunteers", project_id=mission.project_id))
    if outcome.status in (403, 404):
        abort(outcome.status)
    return _volunteers_page(get_mission(mission_id), outcome.status)


@bp.post("/missions/<id:mission_id>/volunteers/<id:volunteer_id>/permit")
@login_required
def request_permit(mission_id, volunteer_id):
    return _volunteer_action(mission_id, volunteer_id, permits.request_permit,
                             _("The permission to practise is requested from the ministry."))


@bp.post("/missions/<id:mission_id>/volunteers/<id:volunteer_id>/confirm")
@login_required
def confirm_volunteer(mission_id, volunteer_id):
    return _volunteer_action(mission_id, volunteer_id, permits.confirm_volunteer,
                             _("The volunteer is confirmed for the dates."))


@bp.get("/moderation/permits")
@login_required
def permit_queue():
    return render_template("missions/permits/queue.html", waiting=permits.permit_queue(current_user))


def _decision(form):
    return "grant" if form.grant.data else "refuse" if form.refuse.data else ""


@bp.route("/moderation/permits/<id:volunteer_id>", methods=["GET", "POST"])
@login_required
def decide_permit(volunteer_id):
    volunteer = permits.permit_for_decision(current_user, volunteer_id)
    form = PermitDecisionForm()
    decided = run_form(form, lambda: permits.decide_permit(current_user, volunteer, decision=_decision(form),
                                                           reason=form.reason.data))
    if decided:
        flash(_("Decision saved."), "success")
        return redirect(url_for("missions.permit_queue"))
    return render_template("missions/permits/decide.html", volunteer=volunteer, form=form,
                           credential=volunteer.permit_credential), decided.status


# The project page's panel (``_public.html``) and the officials' mission page (``_manage_link.html``).
bp.add_app_template_global(permits.permit_state, "permits_state")
bp.add_app_template_global(permits.roster_counts, "permits_roster_counts")
