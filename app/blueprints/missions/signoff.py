"""Missions: the signoff part's views — the officials send the checklist to the ministry, the
ministry's queue, review and decisions, and the admins' kinds of mission, templates and procedures."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints import redirect_next
from app.blueprints.forms import flash_form_errors, run_form
from app.blueprints.missions.routes import bp
from app.blueprints.missions.signoff_forms import (
    ItemSendBackForm,
    MissionKindForm,
    ProcedureForm,
    RequestSignoffForm,
    RetireForm,
    SignoffDecisionForm,
    TemplateItemForm,
)
from app.services.ministries import all_sectors
from app.services.missions import kinds as kinds_service
from app.services.missions import signoff as service
from app.services.missions.core import get_mission


@bp.app_template_global("signoff_ministry")
def signoff_ministry(mission):
    """The ministry that signed ``mission``'s site (the public page names it, not the person)."""
    return service.signing_ministry(mission)


@bp.post("/missions/<id:mission_id>/signoff/request")
@login_required
def request_signoff(mission_id):
    mission = get_mission(mission_id)
    form = RequestSignoffForm()
    outcome = run_form(form, lambda: service.request_signoff(current_user, mission))
    if not outcome:
        # Refused: what is wrong, on a page of its own (the officials' mission page includes the button).
        if form.errors:
            flash_form_errors(form)
        return render_template("missions/signoff/request.html", mission=mission,
                               request_form=RequestSignoffForm(formdata=None)), outcome.status
    flash(_("The checklist has been sent to the ministry."), "success")
    return redirect_next("projects.detail", project_id=mission.project_id)


@bp.get("/moderation/missions")
@login_required
def signoff_queue():
    return render_template("missions/signoff/queue.html", missions=service.signoff_queue(current_user))


def _render_review(mission, form=None, item_forms=None, status=200):
    item_forms = item_forms or {}
    forms = {item.id: item_forms.get(item.id) or ItemSendBackForm(formdata=None, prefix=f"item-{item.id}")
             for item in mission.items}
    return render_template("missions/signoff/review.html", mission=mission,
                           form=form or SignoffDecisionForm(formdata=None), item_forms=forms,
                           ministries=service.signing_ministries(mission)), status


@bp.get("/moderation/missions/<id:mission_id>")
@login_required
def review(mission_id):
    return _render_review(service.mission_for_review(current_user, mission_id))


def _done(mission_id, message):
    flash(message, "success")
    return redirect(url_for("missions.review", mission_id=mission_id))


@bp.post("/moderation/missions/<id:mission_id>/items/<id:item_id>/send-back")
@login_required
def send_item_back(mission_id, item_id):
    mission = service.mission_for_review(current_user, mission_id)
    form = ItemSendBackForm(prefix=f"item-{item_id}")
    outcome = run_form(form, lambda: service.send_item_back(current_user, mission, item_id, form.reason.data))
    if outcome:
        return _done(mission_id, _("The item has been sent back to the officials."))
    return _render_review(service.mission_for_review(current_user, mission_id), item_forms={item_id: form},
                          status=outcome.status)


@bp.post("/moderation/missions/<id:mission_id>/send-back")
@login_required
def send_back(mission_id):
    mission = service.mission_for_review(current_user, mission_id)
    form = SignoffDecisionForm()
    outcome = run_form(form, lambda: service.send_back(current_user, mission, form.reason.data))
    if outcome:
        return _done(mission_id, _("The checklist has been sent back to the officials."))
    return _render_review(service.mission_for_review(current_user, mission_id), form, status=outcome.status)


@bp.post("/moderation/missions/<id:mission_id>/sign")
@login_required
def sign(mission_id):
    mission = service.mission_for_review(current_user, mission_id)
    form = SignoffDecisionForm()
    outcome = run_form(form, lambda: service.sign(current_user, mission, form.reason.data))
    if outcome:
        return _done(mission_id, _("The site is signed ready."))
    return _render_review(service.mission_for_review(current_user, mission_id), form, status=outcome.status)


# ---- admins


def _kind_choices(kinds):
    return [(0, _("Any kind"))] + [(kind.id, kind.name) for kind in kinds]


def _render_kinds(kind_form=None, common_form=None, procedure_form=None, status=200):
    kinds, common, procedures = kinds_service.kinds_page(current_user)
    kind_form = kind_form or MissionKindForm(formdata=None, prefix="kind")
    kind_form.sector.choices = [(0, _("The project's sector"))] + [(s.id, s.name) for s in all_sectors()]
    procedure_form = procedure_form or ProcedureForm(formdata=None, prefix="procedure")
    procedure_form.kind.choices = _kind_choices(kinds)
    return render_template("missions/signoff/admin_kinds.html", kinds=kinds, common=common, procedures=procedures,
                           kind_form=kind_form, common_form=common_form or TemplateItemForm(formdata=None,
                                                                                            prefix="common"),
                           procedure_form=procedure_form, retire_form=RetireForm(formdata=None)), status


@bp.route("/admin/mission-kinds", methods=["GET", "POST"])
@login_required
def admin_kinds():
    kinds_service.kinds_page(current_user)  # admins only, before any form is read
    which = request.form.get("form") if request.method == "POST" else None
    forms = {"kind": MissionKindForm(prefix="kind") if which == "kind" else None,
             "common": TemplateItemForm(prefix="common") if which == "common" else None,
             "procedure": ProcedureForm(prefix="procedure") if which == "procedure" else None}
    form = forms.get(which)
    if form is None:
        return _render_kinds(status=422 if request.method == "POST" else 200)
    if which == "kind":
        form.sector.choices = [(0, "")] + [(s.id, s.name) for s in all_sectors()]
        action = lambda: kinds_service.add_kind(  # noqa: E731
            current_user, code=form.code.data, name_ky=form.name_ky.data, name_ru=form.name_ru.data,
            name_en=form.name_en.data, sector_id=form.sector.data)
    elif which == "common":
        action = lambda: kinds_service.add_template_item(  # noqa: E731
            current_user, None, code=form.code.data, name_ky=form.name_ky.data, name_ru=form.name_ru.data,
            name_en=form.name_en.data, position=form.position.data)
    else:
        form.kind.choices = _kind_choices(kinds_service.kinds_page(current_user)[0])
        action = lambda: kinds_service.add_procedure(  # noqa: E731
            current_user, code=form.code.data, name_ky=form.name_ky.data, name_ru=form.name_ru.data,
            name_en=form.name_en.data, kind_id=form.kind.data)
    outcome = run_form(form, action)
    if outcome:
        flash(_("Saved."), "success")
        return redirect(url_for("missions.admin_kinds"))
    return _render_kinds(**{f"{which}_form": form}, status=outcome.status)


def _render_kind(kind, form=None, status=200):
    return render_template("missions/signoff/admin_kind.html", kind=kind,
                           form=form or TemplateItemForm(formdata=None, prefix="item"),
                           retire_form=RetireForm(formdata=None)), status


@bp.route("/admin/mission-kinds/<id:kind_id>", methods=["GET", "POST"])
@login_required
def admin_kind(kind_id):
    kind = kinds_service.kind_for_admin(current_user, kind_id)
    if request.method == "GET":
        return _render_kind(kind)
    form = TemplateItemForm(prefix="item")
    outcome = run_form(form, lambda: kinds_service.add_template_item(
        current_user, kind, code=form.code.data, name_ky=form.name_ky.data, name_ru=form.name_ru.data,
        name_en=form.name_en.data, position=form.position.data))
    if outcome:
        flash(_("Saved."), "success")
        return redirect(url_for("missions.admin_kind", kind_id=kind_id))
    return _render_kind(kinds_service.kind_for_admin(current_user, kind_id), form, outcome.status)


@bp.post("/admin/mission-kinds/items/<id:item_id>/retire")
@login_required
def admin_retire_item(item_id):
    retired = request.form.get("retired") == "1"
    outcome = run_form(RetireForm(), lambda: kinds_service.set_template_item_retired(current_user, item_id, retired))
    if not outcome:
        return _render_kinds(status=outcome.status)
    flash(_("Saved."), "success")
    item = outcome.value
    if item.kind_id is None:
        return redirect(url_for("missions.admin_kinds"))
    return redirect(url_for("missions.admin_kind", kind_id=item.kind_id))
