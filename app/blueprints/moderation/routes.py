from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints.forms import flash_form_errors, run_action, run_form
from app.blueprints.moderation.forms import AuditFilterForm, DecisionForm, ProjectDecisionForm, UnpublishForm
from app.extensions import db
from app.forms import query_int
from app.models import Region, Sector
from app.services import audit, memberships
from app.services import projects as projects_service
from app.pages.project import project_page, review_changes

bp = Blueprint("moderation", __name__)

ACTION_LABELS = {
    "project.created": _l("Project created"),
    "project.submitted": _l("Project submitted"),
    "project.revision_submitted": _l("Changes submitted"),
    "project.published": _l("Project published"),
    "project.revision_published": _l("Changes published"),
    "project.changes_requested": _l("Changes requested"),
    "project.revision_changes_requested": _l("Changes to the published project requested"),
    "project.rejected": _l("Project rejected"),
    "project.unpublished": _l("Project unpublished"),
    "project.cancelled": _l("Project cancelled"),
    "project.started": _l("Work started"),
    "project.completed": _l("Project completed"),
    "project.update_posted": _l("Update posted"),
    "project.funded": _l("Project funded"),
    "project.reopened": _l("Project open to money again"),
    "project.overfunding_allowed": _l("Money beyond the targets accepted"),
    "project.overfunding_refused": _l("Money beyond the targets refused"),
    "pledge.created": _l("Pledge recorded"),
    "pledge.confirmed": _l("Pledge confirmed"),
    "pledge.rejected": _l("Pledge rejected"),
    "pledge.withdrawn": _l("Pledge withdrawn"),
    "pledge.expired": _l("Pledge expired"),
    "pledge.accepted": _l("Skill offer accepted"),
    "pledge.declined": _l("Skill offer declined"),
    "pledge.paid": _l("Card payment received"),
    "pledge.failed": _l("Card payment failed"),
    "pledge.refunded": _l("Card payment refunded"),
    "rate.set": _l("Exchange rate set"),
    "membership.requested": _l("Membership requested"),
    "membership.approved": _l("Membership approved"),
    "membership.rejected": _l("Membership rejected"),
    "credential.submitted": _l("Credential sent for checking"),
    "credential.verified": _l("Credential verified"),
    "credential.rejected": _l("Credential rejected"),
    "user.role_changed": _l("Role changed"),
    "lsg.created": _l("LSG added"),
    "municipality.created": _l("Municipality added"),
    "lsg.details_changed": _l("LSG details changed"),
    "lsg.verified": _l("LSG verified"),
    "payment_details.proposed": _l("Payment details change sent"),
    "payment_details.approved": _l("Payment details change approved"),
    "payment_details.rejected": _l("Payment details change rejected"),
    "wallet_kind.added": _l("Wallet kind added"),
    "wallet_kind.removed": _l("Wallet kind removed"),
    "mission.started": _l("Project run as a mission"),
    "mission.plan_changed": _l("Mission plan changed"),
    "mission.item_added": _l("Checklist item added"),
    "mission.item_changed": _l("Checklist item changed"),
    "mission.item_removed": _l("Checklist item removed"),
    "mission.signoff_requested": _l("Checklist sent to the ministry"),
    "mission.item_sent_back": _l("Checklist item sent back"),
    "mission.sent_back": _l("Checklist sent back"),
    "mission.signed": _l("Site signed ready"),
    "mission.signoff_withdrawn": _l("Site sign-off withdrawn"),
    "project.mission_sent_back": _l("Mission checklist sent back"),
    "project.mission_signed": _l("Mission site signed ready"),
    "mission.permit_requested": _l("Permission to practise requested"),
    "mission.permit_granted": _l("Permission to practise granted"),
    "mission.permit_refused": _l("Permission to practise refused"),
    "mission.volunteer_confirmed": _l("Volunteer confirmed for the dates"),
    "mission.arrival_given": _l("Volunteer's arrival given"),
    "mission.patients_counted": _l("Patients counted"),
    "mission.reported": _l("Mission report published"),
    "mission.hours_recorded": _l("Volunteer hours recorded"),
    "mission.certificate_issued": _l("Certificate of volunteering issued"),
    "mission_kind.added": _l("Mission kind added"),
    "checklist_template.added": _l("Checklist template item added"),
    "checklist_template.retired": _l("Checklist template item retired"),
    "checklist_template.unretired": _l("Checklist template item offered again"),
    "procedure.added": _l("Procedure added"),
}

TARGET_TYPES = [
    ("", _l("All")),
    ("projects", _l("Projects")),
    ("pledges", _l("Pledges")),
    ("exchange_rates", _l("Exchange rates")),
    ("lsg_memberships", _l("LSG memberships")),
    ("profile_skills", _l("Skill credentials")),
    ("users", _l("Users")),
    ("lsgs", _l("LSGs")),
    ("municipalities", _l("Municipalities")),
    ("lsg_payment_details", _l("Payment details")),
    ("wallet_kinds", _l("Wallet kinds")),
    ("missions", _l("Missions")),
    ("mission_volunteers", _l("Mission volunteers")),
]


@bp.get("/")
@login_required
def index():
    return redirect(url_for("moderation.memberships_queue"))


@bp.get("/memberships")
@login_required
def memberships_queue():
    return render_template(
        "moderation/memberships.html", pending=memberships.pending_memberships(current_user)
    )


@bp.route("/memberships/<id:membership_id>", methods=["GET", "POST"])
@login_required
def membership_detail(membership_id):
    membership = memberships.membership_for_review(current_user, membership_id)
    form = DecisionForm()
    decided = run_form(form, lambda: (
        memberships.approve_membership if form.approve.data else memberships.reject_membership
    )(current_user, membership, reason=form.reason.data))
    if decided:
        flash(_("Decision saved."), "success")
        return redirect(url_for("moderation.memberships_queue"))
    return render_template("moderation/membership_detail.html", membership=membership, form=form), decided.status


@bp.get("/audit")
@login_required
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("All"))] + [
        (action, ACTION_LABELS.get(action, action)) for action in audit.known_actions(current_user)
    ]
    form.target_type.choices = TARGET_TYPES
    page = request.args.get("page", 1, type=query_int)
    events = audit.list_events(
        current_user,
        action=form.action.data or None,
        actor_email=form.actor.data or None,
        target_type=form.target_type.data or None,
        page=page,
    )
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "moderation/audit.html", form=form, events=events, filter_args=filter_args,
        action_labels=ACTION_LABELS, target_labels=dict(TARGET_TYPES),
    )


# ---------------------------------------------------------------- projects


def _filter_choices():
    regions = db.session.scalars(db.select(Region).order_by(Region.name_en)).all()
    sectors = db.session.scalars(db.select(Sector).order_by(Sector.id)).all()
    return [(0, _("All regions"))] + [(r.id, r.name) for r in regions], \
        [(0, _("All sectors"))] + [(s.id, s.name) for s in sectors]


def _render_queue(status=200):
    region_id = request.args.get("region", 0, type=query_int)
    sector_id = request.args.get("sector", 0, type=query_int)
    queue = projects_service.review_queue(current_user, region_id=region_id or None, sector_id=sector_id or None)
    regions, sectors = _filter_choices()
    return render_template("moderation/projects.html", queue=queue, regions=regions, sectors=sectors,
                           region_id=region_id, sector_id=sector_id,
                           bulk_form=ProjectDecisionForm(formdata=None)), status


@bp.get("/projects")
@login_required
def projects_queue():
    return _render_queue()


def _render_project(project, form, unpublish_form, status=200):
    return render_template(
        "moderation/project_detail.html", project=project, form=form, unpublish_form=unpublish_form,
        page=project_page(project, working_copy=True), changes=review_changes(project),
        problems=projects_service.problems(project),
    ), status


@bp.route("/projects/<id:project_id>", methods=["GET", "POST"])
@login_required
def project_detail(project_id):
    project = projects_service.project_for_review(current_user, project_id)
    form = ProjectDecisionForm()
    unpublish_form = UnpublishForm(prefix="unpublish", formdata=None)
    decided = run_form(form, lambda: projects_service.DECISIONS[form.decision.data](
        current_user, project, reason=form.reason.data))
    if decided:
        flash(_("Decision saved."), "success")
        return redirect(url_for("moderation.projects_queue"))
    return _render_project(project, form, unpublish_form, decided.status)


@bp.post("/projects/<id:project_id>/unpublish")
@login_required
def unpublish_project(project_id):
    project = projects_service.project_for_review(current_user, project_id)
    form = UnpublishForm(prefix="unpublish")
    unpublished = run_form(form, lambda: projects_service.unpublish_project(current_user, project,
                                                                            reason=form.reason.data))
    if not unpublished:
        return _render_project(project, ProjectDecisionForm(formdata=None), form, unpublished.status)
    flash(_("The project is no longer public."), "success")
    return redirect(url_for("moderation.project_detail", project_id=project.id))


@bp.post("/projects/bulk")
@login_required
def bulk_decide():
    form = ProjectDecisionForm()
    project_ids = request.form.getlist("project_ids", type=query_int)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("moderation.projects_queue")), 303
    decided = run_action(lambda: projects_service.decide_many(current_user, project_ids, form.decision.data,
                                                              reason=form.reason.data))
    if not decided:
        return _render_queue(decided.status)
    flash(ngettext("%(num)d project decided.", "%(num)d projects decided.", len(decided.value)), "success")
    return redirect(url_for("moderation.projects_queue"))
