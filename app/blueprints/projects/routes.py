from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.authz import can_see_unpublished_project
from app.blueprints.forms import run_action, run_form
from app.blueprints.projects.forms import (
    FundsNeedForm,
    InKindNeedForm,
    MilestoneForm,
    PhotoForm,
    ProjectForm,
    ReasonForm,
    ShareForm,
    SkillNeedForm,
    UpdateForm,
)
from app.blueprints.projects.steps import (
    STEP_OF_COLLECTION,
    STEP_OF_FORM,
    progress,
    step_url,
)
from app.extensions import db
from app.forms import query_int
from app.page_cache import cached_for_visitors
from app.models import Sector, Skill
from app.services import pledges
from app.services import projects as service
from app.pages.mission import mission_panel
from app.pages.project import project_page, readable_changes

bp = Blueprint("projects", __name__)


def _sector_choices():
    sectors = db.session.scalars(db.select(Sector).order_by(Sector.id)).all()
    return [(0, "—")] + [(s.id, s.name) for s in sectors]


def _project_fields(form):
    sector = db.session.get(Sector, form.sector.data) if form.sector.data else None
    return dict(
        title=form.title.data, summary=form.summary.data, description=form.description.data, sector=sector,
        currency=form.currency.data, budget=form.budget.data, starts_on=form.starts_on.data,
        ends_on=form.ends_on.data, lat=form.lat.data, lon=form.lon.data,
    )


# ---------------------------------------------------------------- public pages


@bp.get("/")
def index():
    page = request.args.get("page", 1, type=query_int)
    return render_template("projects/index.html", projects=service.published_projects(page=page))


@bp.get("/<id:project_id>")
@cached_for_visitors
def detail(project_id):
    project = service.project_for_page(current_user, project_id)
    # Officials and moderators see the working copy; everyone else the approved version.
    working = request.args.get("version") != "published" and can_see_unpublished_project(current_user, project)
    ledger = pledges.public_ledger(project)  # the counted money below is picked from it, not read again
    return render_template("projects/detail.html", page=project_page(project, working_copy=working, pledges=ledger),
                           project=project, ledger=ledger, ledger_totals=pledges.ledger_totals(project, ledger),
                           takes_pledges=lambda kind: pledges.takes_pledges(project, kind),
                           mission_panel=mission_panel(project, current_user))


# ---------------------------------------------------------------- the officials' editor


@bp.get("/mine")
@login_required
def mine():
    return render_template("projects/mine.html", projects=service.projects_of_official(current_user),
                           lsgs=service.lsgs_of_official(current_user))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    lsgs = service.lsgs_of_official(current_user)
    if not lsgs:
        flash(_("Only officials of a local government can create projects. Ask to join yours first."), "info")
        return redirect(url_for("lsgs.index"))
    form = ProjectForm()
    form.lsg.choices = [(lsg.id, lsg.name) for lsg in lsgs]
    form.sector.choices = _sector_choices()
    created = run_form(form, lambda: service.create_project(
        current_user, next(lsg for lsg in lsgs if lsg.id == form.lsg.data), **_project_fields(form)))
    if created:
        flash(_("The draft is saved. Add the needs, the co-financing plan and milestones."), "success")
        return redirect(step_url(created.value, "needs"))
    return render_template("projects/edit.html", form=form, project=None, progress=progress(None, "basics")), \
        created.status


def _editable(project_id):
    return service.editable_project(current_user, project_id)


@bp.route("/<id:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = _editable(project_id)
    form = ProjectForm(obj=project if request.method == "GET" else None)
    form.lsg.choices = [(project.lsg.id, project.lsg.name)]
    form.lsg.data = project.lsg.id
    form.sector.choices = _sector_choices()
    if request.method == "GET":
        form.sector.data = project.sector_id or 0
    saved = run_form(form, lambda: service.update_project(current_user, project, **_project_fields(form)))
    if saved:
        flash(_("Saved."), "success")
        return redirect(step_url(project, "needs"))
    return render_template("projects/edit.html", form=form, project=project, progress=progress(project, "basics")), \
        saved.status


def _skill_choices():
    return [(s.id, s.name) for s in db.session.scalars(db.select(Skill).order_by(Skill.id)).all()]


STEP_TEMPLATES = {"needs": "projects/step_needs.html", "plan": "projects/step_plan.html",
                  "milestones": "projects/step_milestones.html", "photos": "projects/step_photos.html",
                  "review": "projects/manage.html"}


def render_step(project, step="review", status=200, **bound):
    """One step of the editor; ``bound`` are forms sent back with their errors."""
    forms = {
        "funds_form": FundsNeedForm(prefix="funds", formdata=None),
        "skill_form": SkillNeedForm(prefix="skill", formdata=None),
        "inkind_form": InKindNeedForm(prefix="inkind", formdata=None),
        "share_form": ShareForm(prefix="share", formdata=None),
        "milestone_form": MilestoneForm(prefix="milestone", formdata=None),
        "photo_form": PhotoForm(prefix="photo", formdata=None),
        "cancel_form": ReasonForm(prefix="cancel", formdata=None),
        "close_form": ReasonForm(prefix="close", formdata=None),
    }
    forms.update(bound)
    forms["skill_form"].skill.choices = _skill_choices()
    if request.method == "GET":
        forms["funds_form"].currency.data = project.currency
    return render_template(
        STEP_TEMPLATES[step], project=project, progress=progress(project, step),
        pending_pledges=len(pledges.pending_for_project(current_user, project)),
        holding_pledges=service.needs_holding_pledges(project),
        without_rate=pledges.currencies_without_rate({n.currency for n in project.needs if n.currency}),
        changes=readable_changes(project), **forms,
    ), status


@bp.get("/<id:project_id>/manage")
@login_required
def manage(project_id):
    """The overview, which is the last step: what is still missing, and sending for review."""
    return render_step(_editable(project_id))


@bp.get("/<id:project_id>/manage/<any(needs, plan, milestones, photos):step>")
@login_required
def manage_step(project_id, step):
    return render_step(_editable(project_id), step)


def _edit_action(project, form_name, form, action, success_message):
    """Run one editor action: validate its form, call the service, then back to its step's section;
    or the step again with the errors."""
    step = STEP_OF_FORM[form_name]
    done = run_form(form, lambda: action(form))
    if not done:
        return render_step(project, step, done.status, **{form_name: form})
    flash(success_message, "success")
    return redirect(step_url(project, step, section=True))


def _manage_button(project, action, success_message, step="review", endpoint=None):
    """A button of the editor (no form to show again): the service's refusal is flashed on its step."""
    done = run_action(action)
    if not done:
        return render_step(project, step, done.status)
    flash(success_message, "success")
    if endpoint:
        return redirect(url_for(endpoint, project_id=project.id))
    return redirect(step_url(project, step, section=True))


@bp.post("/<id:project_id>/needs/funds")
@login_required
def add_funds_need(project_id):
    project = _editable(project_id)
    form = FundsNeedForm(prefix="funds")
    return _edit_action(project, "funds_form", form, lambda f: service.add_need(
        current_user, project, "funds", title=f.title.data, target_amount=f.target_amount.data,
        currency=f.currency.data), _("The need has been added."))


@bp.post("/<id:project_id>/needs/skill")
@login_required
def add_skill_need(project_id):
    project = _editable(project_id)
    form = SkillNeedForm(prefix="skill")
    form.skill.choices = _skill_choices()
    return _edit_action(project, "skill_form", form, lambda f: service.add_need(
        current_user, project, "skill", skill=db.session.get(Skill, f.skill.data), title=f.title.data,
        slots=f.slots.data, starts_on=f.starts_on.data, ends_on=f.ends_on.data, on_site=f.on_site.data == "1",
        requirements=f.requirements.data, verified_required=f.verified_required.data),
        _("The need has been added."))


@bp.post("/<id:project_id>/needs/in-kind")
@login_required
def add_inkind_need(project_id):
    project = _editable(project_id)
    form = InKindNeedForm(prefix="inkind")
    return _edit_action(project, "inkind_form", form, lambda f: service.add_need(
        current_user, project, "in_kind", title=f.title.data, item=f.item.data, quantity=f.quantity.data,
        unit=f.unit.data), _("The need has been added."))


@bp.post("/<id:project_id>/shares")
@login_required
def add_share(project_id):
    project = _editable(project_id)
    form = ShareForm(prefix="share")
    return _edit_action(project, "share_form", form, lambda f: service.add_share(
        current_user, project, source=f.source.data, label=f.label.data, planned=f.planned.data,
        received=f.received.data or 0, conditional=f.conditional.data, condition=f.condition.data,
        counts_volunteer_work=f.counts_volunteer_work.data),
        _("The share has been added."))


@bp.post("/<id:project_id>/milestones")
@login_required
def add_milestone(project_id):
    project = _editable(project_id)
    form = MilestoneForm(prefix="milestone")
    return _edit_action(project, "milestone_form", form, lambda f: service.add_milestone(
        current_user, project, title=f.title.data, amount=f.amount.data, due_on=f.due_on.data),
        _("The milestone has been added."))


@bp.post("/<id:project_id>/photos")
@login_required
def add_photo(project_id):
    project = _editable(project_id)
    form = PhotoForm(prefix="photo")
    return _edit_action(project, "photo_form", form, lambda f: service.add_photo(
        current_user, project, f.photo.data, caption=f.caption.data), _("The photo has been added."))


REMOVERS = {
    "needs": service.remove_need,
    "shares": service.remove_share,
    "milestones": service.remove_milestone,
    "photos": service.remove_photo,
}


@bp.get("/<id:project_id>/<any(needs, shares, milestones, photos):collection>/<id:item_id>/delete")
@login_required
def confirm_remove(project_id, collection, item_id):
    """Without JavaScript, Remove first shows what it will remove."""
    project = _editable(project_id)
    item = service.removable_item(current_user, project, collection, item_id)
    return render_template("projects/confirm_remove.html", project=project, collection=collection, item=item,
                           back=step_url(project, STEP_OF_COLLECTION[collection], section=True))


@bp.post("/<id:project_id>/<any(needs, shares, milestones, photos):collection>/<id:item_id>/delete")
@login_required
def remove_item(project_id, collection, item_id):
    project = _editable(project_id)
    return _manage_button(project, lambda: REMOVERS[collection](current_user, project, item_id), _("Removed."),
                          step=STEP_OF_COLLECTION[collection])


@bp.post("/<id:project_id>/needs/<id:need_id>/close")
@login_required
def close_need(project_id, need_id):
    project = _editable(project_id)
    return _edit_action(project, "close_form", ReasonForm(prefix="close"), lambda f: service.close_need(
        current_user, project, need_id, reason=f.reason.data), _("The need is closed; it takes no new pledges."))


@bp.post("/<id:project_id>/photos/<id:photo_id>/cover")
@login_required
def set_cover(project_id, photo_id):
    project = _editable(project_id)
    return _manage_button(project, lambda: service.set_cover(current_user, project, photo_id),
                          _("The cover photo has been changed."), step="photos")


@bp.post("/<id:project_id>/submit")
@login_required
def submit(project_id):
    project = _editable(project_id)
    return _manage_button(project, lambda: service.submit_project(current_user, project),
                          _("Sent for review. A moderator will publish it or tell you what to change."))


@bp.post("/<id:project_id>/overfunding")
@login_required
def overfunding(project_id):
    project = _editable(project_id)
    allowed = request.form.get("allowed") == "1"
    return _manage_button(project, lambda: service.set_overfunding(current_user, project, allowed),
                          _("Money is still accepted once the targets are met.") if allowed
                          else _("No money is accepted beyond the targets."))


@bp.post("/<id:project_id>/start")
@login_required
def start(project_id):
    project = _editable(project_id)
    return _manage_button(project, lambda: service.start_work(current_user, project),
                          _("The project is marked as in progress."), endpoint="projects.detail")


@bp.post("/<id:project_id>/cancel")
@login_required
def cancel(project_id):
    project = _editable(project_id)
    form = ReasonForm(prefix="cancel")
    return _edit_action(project, "cancel_form", form, lambda f: service.cancel_project(
        current_user, project, reason=f.reason.data), _("The project has been cancelled."))


# ---------------------------------------------------------------- updates and spending reports


def _milestone_choices(project):
    return [(0, "—")] + [(m.id, m.title) for m in project.milestones]


def _spending_lines(form):
    return [
        (line.form.milestone.data, line.form.amount.data, line.form.purpose.data, line.form.receipt.data)
        for line in form.spending
        if line.form.amount.data or line.form.purpose.data or line.form.milestone.data
    ]


@bp.route("/<id:project_id>/updates/new", methods=["GET", "POST"])
@login_required
def new_update(project_id):
    project = _editable(project_id)
    form = UpdateForm()
    for line in form.spending:
        line.form.milestone.choices = _milestone_choices(project)
    posted = run_form(form, lambda: service.post_update(
        current_user, project, body=form.body.data, spending=_spending_lines(form),
        photos=[f for f in (form.photos.data or []) if getattr(f, "filename", "")],
        final_report=form.final_report.data))
    if posted:
        flash(_("The update is published on the project page."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/update_form.html", form=form, project=project,
                           max_upload_mb=current_app.config.get("UPLOAD_MAX_BYTES", 0) // (1024 * 1024)), \
        posted.status
