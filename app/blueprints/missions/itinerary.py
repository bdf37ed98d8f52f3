"""Missions: the volunteers' side — the itinerary and arrival, the calendar file, the team."""
from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.missions.itinerary_forms import ArrivalForm, TeamNameForm
from app.blueprints.missions.routes import bp
from app.blueprints.profiles.forms import language_name
from app.services.missions import itinerary as service


def _page(plan, form, status=200, team_form=None):
    if team_form is None and plan.can_edit_arrival:
        team_form = TeamNameForm.of(plan.volunteer)
    return render_template("missions/itinerary/itinerary.html", plan=plan, form=form, team_form=team_form,
                           language_name=language_name), status


@bp.get("/missions/volunteers/<id:volunteer_id>")
@login_required
def itinerary(volunteer_id):
    plan = service.itinerary(current_user, volunteer_id)
    return _page(plan, ArrivalForm.of(plan.volunteer) if plan.can_edit_arrival else None)


@bp.post("/missions/volunteers/<id:volunteer_id>/arrival")
@login_required
def edit_arrival(volunteer_id):
    plan = service.itinerary(current_user, volunteer_id, editing=True)
    form = ArrivalForm.of(plan.volunteer)
    outcome = run_form(form, lambda: service.save_arrival(
        current_user, volunteer_id, flight_number=form.flight_number.data, arrives_at=form.arrives_at.data,
        airport=form.arrival_airport.data, needs_pickup=form.needs_pickup.data))
    if outcome:
        flash(_("Your arrival is saved; the organisers are told."), "success")
        return redirect(url_for("missions.itinerary", volunteer_id=volunteer_id, _anchor="arrival"))
    return _page(service.itinerary(current_user, volunteer_id), form, outcome.status)


@bp.post("/missions/volunteers/<id:volunteer_id>/team-name")
@login_required
def edit_team_name(volunteer_id):
    plan = service.itinerary(current_user, volunteer_id, editing=True)
    form = TeamNameForm.of(plan.volunteer)
    outcome = run_form(form, lambda: service.save_team_name(current_user, volunteer_id,
                                                            name_in_team=form.name_in_team.data))
    if outcome:
        flash(_("Saved: the team sees your name.") if form.name_in_team.data
              else _("Saved: the team sees your skill and days, not your name."), "success")
        return redirect(url_for("missions.itinerary", volunteer_id=volunteer_id, _anchor="team-name"))
    plan = service.itinerary(current_user, volunteer_id)
    return _page(plan, ArrivalForm.of(plan.volunteer), outcome.status, team_form=form)


@bp.get("/missions/volunteers/<id:volunteer_id>.ics")
@login_required
def calendar(volunteer_id):
    text = service.calendar_file(current_user, volunteer_id)
    return Response(text, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=mission-{volunteer_id}.ics"})


@bp.get("/missions/<id:mission_id>/team")
@login_required
def team(mission_id):
    return render_template("missions/itinerary/team.html", team=service.team(current_user, mission_id))
