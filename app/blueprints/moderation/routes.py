from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.blueprints import form_status
from app.blueprints.moderation import bp
from app.blueprints.moderation.forms import AuditFilterForm, DecisionForm
from app.errors import DomainError
from app.services import audit, memberships

ACTION_LABELS = {
    "membership.requested": _l("Membership requested"),
    "membership.approved": _l("Membership approved"),
    "membership.rejected": _l("Membership rejected"),
    "user.role_changed": _l("Role changed"),
    "lsg.created": _l("LSG added"),
    "municipality.created": _l("Municipality added"),
}

TARGET_TYPES = [
    ("", _l("All")),
    ("lsg_memberships", _l("LSG memberships")),
    ("users", _l("Users")),
    ("lsgs", _l("LSGs")),
    ("municipalities", _l("Municipalities")),
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


@bp.route("/memberships/<int:membership_id>", methods=["GET", "POST"])
@login_required
def membership_detail(membership_id):
    membership = memberships.membership_for_review(current_user, membership_id)
    form = DecisionForm()
    if form.validate_on_submit():
        decide = memberships.approve_membership if form.approve.data else memberships.reject_membership
        try:
            decide(current_user, membership, reason=form.reason.data)
        except DomainError as error:
            flash(error.message, "error")
            return (render_template("moderation/membership_detail.html", membership=membership, form=form),
                    error.status_code)
        flash(_("Decision saved."), "success")
        return redirect(url_for("moderation.memberships_queue"))
    return (
        render_template("moderation/membership_detail.html", membership=membership, form=form),
        form_status(form),
    )


@bp.get("/audit")
@login_required
def audit_log():
    form = AuditFilterForm(request.args)
    form.action.choices = [("", _("All"))] + [
        (action, ACTION_LABELS.get(action, action)) for action in audit.known_actions(current_user)
    ]
    form.target_type.choices = TARGET_TYPES
    page = request.args.get("page", 1, type=int)
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
