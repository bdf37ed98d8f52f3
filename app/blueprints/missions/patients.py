"""Missions: the patients part's views: the facility's counts of patients waiting, and the report
after the mission (published as a project update)."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_form
from app.blueprints.missions.patients_forms import MissionReportForm, PatientCountForm, with_procedures
from app.blueprints.missions.routes import bp
from app.services.missions import patients as service
from app.services.missions.core import planned_mission


def _numbers(form, procedures, field_of):
    return {p.id: form[field_of(p)].data for p in procedures}


@bp.route("/projects/<id:project_id>/mission/patients", methods=["GET", "POST"])
@login_required
def patients(project_id):
    mission = planned_mission(current_user, project_id)
    procedures = service.procedures_for(mission)
    form = with_procedures(PatientCountForm, procedures, service.waiting_field)()
    if not form.is_submitted():
        form.counted_on.data = service.today()
    counted = run_form(form, lambda: service.record_count(
        current_user, mission, counted_on=form.counted_on.data, screened=form.screened.data, ready=form.ready.data,
        more_tests=form.more_tests.data, not_suitable=form.not_suitable.data,
        waiting=_numbers(form, procedures, service.waiting_field)))
    if counted:
        flash(_("The count is recorded; the project page shows it."), "success")
        return redirect(url_for("missions.patients", project_id=project_id))
    return render_template("missions/patients/count.html", form=form, mission=mission, project=mission.project,
                           procedures=procedures, field_of=service.waiting_field,
                           history=service.count_history(current_user, mission)), counted.status


@bp.route("/projects/<id:project_id>/mission/report", methods=["GET", "POST"])
@login_required
def report(project_id):
    mission = planned_mission(current_user, project_id)
    procedures = service.procedures_for(mission)
    form = with_procedures(MissionReportForm, procedures, service.performed_field)()
    reported = run_form(form, lambda: service.report_mission(
        current_user, mission, performed=_numbers(form, procedures, service.performed_field),
        patients_seen=form.patients_seen.data, follow_up=form.follow_up.data, body=form.body.data,
        photos=[f for f in (form.photos.data or []) if getattr(f, "filename", "")]))
    if reported:
        flash(_("The report is published on the project page."), "success")
        return redirect(url_for("projects.detail", project_id=project_id))
    return render_template("missions/patients/report.html", form=form, mission=mission, project=mission.project,
                           procedures=procedures, field_of=service.performed_field,
                           max_photos=service.MAX_PHOTOS, today=service.today(),
                           max_upload_mb=current_app.config.get("UPLOAD_MAX_BYTES", 0) // (1024 * 1024)), \
        reported.status
