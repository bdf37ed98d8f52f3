"""Missions: the plan part's views — turning a project into a mission, the officials' mission page,
the plan and the site readiness checklist."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_action, run_form
from app.blueprints.missions.plan_forms import ItemForm, NewItemForm, PlanForm, StartMissionForm
from app.blueprints.missions.routes import bp
from app.blueprints.profiles.forms import language_name
from app.models import LANGUAGES, ItemProvider
from app.services.missions import core
from app.services.missions import plan as service


@bp.app_template_global("mission_of_project")
def mission_of_project(project):
    """The project's mission or None, for the officials' project page (missions/plan/_manage_link.html)."""
    return core.mission_of(project)


@bp.app_template_global("may_become_mission")
def may_become_mission(project):
    return core.may_become_mission(project)


# Languages named in the reader's language, on the project page's mission panel as on these pages
# (the profiles' own pages get the same function from their blueprint).
bp.add_app_template_global(language_name, "language_name")


def _manage_url(mission):
    return url_for("missions.manage", project_id=mission.project_id)


@bp.route("/projects/<id:project_id>/mission/start", methods=["GET", "POST"])
@login_required
def start(project_id):
    project = service.project_to_start(current_user, project_id)
    form = StartMissionForm()
    form.kind.choices = [(kind.id, kind.name) for kind in core.mission_kinds()]
    if request.method == "GET":
        form.starts_on.data, form.ends_on.data = service.default_dates(project)
    started = run_form(form, lambda: service.start(current_user, project, kind_id=form.kind.data,
                                                   starts_on=form.starts_on.data, ends_on=form.ends_on.data))
    if started:
        flash(_("The project is now run as a mission. Fill in its plan and its checklist."), "success")
        return redirect(_manage_url(started.value))
    return render_template("missions/plan/start.html", form=form, project=project), started.status


@bp.get("/projects/<id:project_id>/mission")
@login_required
def manage(project_id):
    mission = core.planned_mission(current_user, project_id)
    ready, total = core.readiness(mission)
    return render_template("missions/plan/manage.html", mission=mission, project=mission.project, ready=ready,
                           total=total, new_item_form=NewItemForm(formdata=None))


@bp.route("/projects/<id:project_id>/mission/plan", methods=["GET", "POST"])
@login_required
def edit_plan(project_id):
    mission = core.planned_mission(current_user, project_id)
    form = PlanForm(obj=mission if request.method == "GET" else None)
    if request.method == "GET":
        form.facility_kind.data = mission.facility_kind.value
    form.facility_kind.choices = [(kind.value, name) for kind, name in service.FACILITY_NAMES.items()]
    form.languages.choices = [(code, language_name(code)) for code in LANGUAGES]
    saved = run_form(form, lambda: service.update_plan(current_user, mission, **{
        name: form[name].data for name in ("starts_on", "ends_on", "facility_kind", "languages", "interpreters",
                                           "lat", "lon", *service.PLAN_LIMITS)}))
    if saved:
        flash(_("The mission's plan is saved."), "success")
        return redirect(_manage_url(mission))
    return render_template("missions/plan/edit_plan.html", form=form, mission=mission), saved.status


@bp.route("/missions/<id:mission_id>/items/<id:item_id>", methods=["GET", "POST"])
@login_required
def edit_item(mission_id, item_id):
    mission = service.mission_to_plan(current_user, mission_id)
    item = service.item_for_planning(current_user, mission, item_id)
    form = ItemForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.status.data, form.provider.data = item.status.value, item.provider.value
        form.need.data = item.need_id or 0
    form.status.choices = [(status.value, name) for status, name in service.STATUS_NAMES.items()]
    form.provider.choices = [(provider.value, name) for provider, name in service.PROVIDER_NAMES.items()]
    form.need.choices = [(0, "—")] + [(need.id, need.label) for need in service.in_kind_needs(mission.project)]
    saved = run_form(form, lambda: service.update_item(
        current_user, mission, item, status=form.status.data, note=form.note.data, provider=form.provider.data,
        need_id=form.need.data, photos=form.photos.data))
    if saved:
        flash(_("The checklist item is saved."), "success")
        return redirect(f"{_manage_url(mission)}#item-{item.id}")
    return render_template("missions/plan/edit_item.html", form=form, mission=mission, item=item,
                           in_kind=ItemProvider.IN_KIND_NEED.value, max_photos=service.MAX_PHOTOS), saved.status


@bp.post("/missions/<id:mission_id>/items/<id:item_id>/photos/<id:photo_id>/remove")
@login_required
def remove_item_photo(mission_id, item_id, photo_id):
    mission = service.mission_to_plan(current_user, mission_id)
    item = service.item_for_planning(current_user, mission, item_id)
    if run_action(lambda: service.remove_item_photo(current_user, mission, item, photo_id)):
        flash(_("The photo has been removed."), "success")
    return redirect(url_for("missions.edit_item", mission_id=mission.id, item_id=item.id))


@bp.post("/missions/<id:mission_id>/items")
@login_required
def add_item(mission_id):
    mission = service.mission_to_plan(current_user, mission_id)
    form = NewItemForm()
    added = run_form(form, lambda: service.add_item(current_user, mission, form.name.data))
    if added:
        flash(_("The item is added to the checklist."), "success")
        return redirect(f"{_manage_url(mission)}#item-{added.value.id}")
    ready, total = core.readiness(mission)
    return render_template("missions/plan/manage.html", mission=mission, project=mission.project, ready=ready,
                           total=total, new_item_form=form), added.status


@bp.post("/missions/<id:mission_id>/items/<id:item_id>/remove")
@login_required
def remove_item(mission_id, item_id):
    mission = service.mission_to_plan(current_user, mission_id)
    item = service.item_for_planning(current_user, mission, item_id)
    if run_action(lambda: service.remove_item(current_user, mission, item)):
        flash(_("The item is removed from the checklist."), "success")
    return redirect(_manage_url(mission))
