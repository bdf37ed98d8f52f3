"""Missions: the certificates part's views — the officials' hours, a volunteer's certificate (print
view and PDF), and the public check of a certificate's code."""
from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import focus_first_error, run_form
from app.blueprints.missions.certificates_forms import FindCertificateForm, hours_form
from app.blueprints.missions.routes import bp
from app.errors import NotFound
from app.extensions import limiter
from app.services.missions import certificates as service
from app.services.missions.core import planned_mission


def _lookup_limit():
    return current_app.config["CERTIFICATE_LOOKUP_RATE_LIMIT"]


@bp.route("/projects/<id:project_id>/mission/hours", methods=["GET", "POST"])
@login_required
def hours(project_id):
    mission = planned_mission(current_user, project_id)
    lines = service.hours_sheet(current_user, mission)
    form = hours_form(lines)
    saved = run_form(form, lambda: service.record_hours(
        current_user, mission, {line.volunteer.id: form[f"hours_{line.volunteer.id}"].data for line in lines}))
    if saved:
        flash(_("The hours are saved."), "success")
        return redirect(url_for("missions.hours", project_id=project_id))
    return render_template("missions/certificates/hours.html", mission=mission, lines=lines, form=form,
                           started=service.hours_started(mission)), saved.status


@bp.get("/missions/volunteers/<id:volunteer_id>/certificate")
@login_required
def certificate(volunteer_id):
    found = service.certificate_of(current_user, volunteer_id)
    return render_template("missions/certificates/certificate.html", certificate=found,
                           lines=service.certificate_lines(found), verify_url=service.verify_url(found),
                           volunteer_id=volunteer_id)


@bp.get("/missions/volunteers/<id:volunteer_id>/certificate.pdf")
@login_required
def certificate_pdf(volunteer_id):
    found = service.certificate_of(current_user, volunteer_id)
    body = service.certificate_pdf(found, service.verify_url(found),
                                   compress=current_app.config.get("CERTIFICATE_PDF_COMPRESS", True))
    filename = f"birge-certificate-{found.code}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/certificates/<code>")
@limiter.shared_limit(_lookup_limit, scope="certificates")
def verify_certificate(code):
    try:
        found = service.verify_certificate(code)
    except NotFound:
        return _not_found(FindCertificateForm(formdata=None, code=code))
    return render_template("missions/certificates/verify.html", certificate=found,
                           lines=service.certificate_lines(found), form=FindCertificateForm(formdata=None))


def _not_found(form):
    form.code.errors = [_("No certificate has this code.")]
    focus_first_error(form)
    return render_template("missions/certificates/find.html", form=form, missing=True), 404


@bp.get("/certificates")
@limiter.shared_limit(_lookup_limit, scope="certificates")
def find_certificate():
    form = FindCertificateForm(request.args)
    code = service.normalized_code(form.code.data)
    if not code:
        return render_template("missions/certificates/find.html", form=form, missing=False)
    try:
        found = service.verify_certificate(code)
    except NotFound:
        return _not_found(form)
    return redirect(url_for("missions.verify_certificate", code=found.code))
