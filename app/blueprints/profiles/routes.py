from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.blueprints.forms import run_action, run_form
from app.blueprints.profiles.forms import (
    AvailabilityForm,
    CredentialForm,
    ProfileForm,
    SkillForm,
    country_name,
    language_name,
)
from app.extensions import db
from app.models import District, Municipality, Region, Sector, Skill
from app.services import profiles as service
from app.services import reference

bp = Blueprint("profiles", __name__)


@bp.context_processor
def inject_names():
    return {"country_name": country_name, "language_name": language_name}


def _profile_form(profile=None):
    choices = dict(
        regions=reference.regions(),
        districts=db.session.scalars(db.select(District).order_by(District.name_en)).all(),
        municipalities=reference.municipalities(),
        sectors=db.session.scalars(db.select(Sector).order_by(Sector.id)).all(),
    )
    if profile is None:
        return ProfileForm(**choices)
    return ProfileForm(data=dict(
        country=profile.country or "", city=profile.city, bio=profile.bio, languages=profile.languages,
        home_region=profile.home_region_id or 0, home_district=profile.home_district_id or 0,
        home_municipality=profile.home_municipality_id or 0, sectors=[s.id for s in profile.sectors],
        visibility=profile.visibility.value, contact_email_ok=profile.contact_email_ok,
        contact_phone=profile.contact_phone, contact_messenger=profile.contact_messenger,
        contact_officials_ok=profile.contact_officials_ok,
    ), **choices)


def _profile_fields(form):
    def chosen(model, object_id):
        return db.session.get(model, object_id) if object_id else None

    return dict(
        country=form.country.data, city=form.city.data, bio=form.bio.data, languages=form.languages.data,
        home_region=chosen(Region, form.home_region.data), home_district=chosen(District, form.home_district.data),
        home_municipality=chosen(Municipality, form.home_municipality.data),
        sectors=[chosen(Sector, sector_id) for sector_id in form.sectors.data],
        visibility=form.visibility.data, contact_email_ok=form.contact_email_ok.data,
        contact_phone=form.contact_phone.data, contact_messenger=form.contact_messenger.data,
        contact_officials_ok=form.contact_officials_ok.data,
    )


def _skill_choices(profile):
    held = {s.skill_id for s in profile.skills}
    skills = db.session.scalars(db.select(Skill).order_by(Skill.id)).all()
    return [(s.id, s.name) for s in skills if s.id not in held]


def _credential_prefix(held_id):
    return f"credential-{held_id}"


def render_me(status=200, form=None, credential=None, **bound):
    """The profile editor; ``credential`` is (held skill id, form) when that upload failed."""
    profile = service.profile_for_editing(current_user)
    forms = {
        "form": form if form is not None else _profile_form(profile),
        "window_form": AvailabilityForm(prefix="window", formdata=None),
        "skill_form": SkillForm(prefix="skill", formdata=None),
        **bound,
    }
    forms["skill_form"].skill.choices = _skill_choices(profile)
    credential_forms = {held.id: CredentialForm(prefix=_credential_prefix(held.id), formdata=None)
                        for held in profile.skills}
    if credential is not None:
        credential_forms[credential[0]] = credential[1]
    return render_template("profiles/me.html", profile=profile, credential_forms=credential_forms,
                           **forms), status


@bp.route("/me", methods=["GET", "POST"])
@login_required
def me():
    if request.method == "GET":
        return render_me()
    form = _profile_form()
    saved = run_form(form, lambda: service.update_profile(current_user, **_profile_fields(form)))
    if not saved:
        return render_me(saved.status, form=form)
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("profiles.me"))


def _me_action(bound, form, action, success_message):
    """Run one of the small forms of the profile page, or show the page with its errors."""
    done = run_form(form, lambda: action(form))
    if not done:
        return render_me(done.status, **bound)
    flash(success_message, "success")
    return redirect(url_for("profiles.me"))


def _me_button(action, success_message):
    """A delete button of the profile page: the service's refusal is flashed on the page."""
    done = run_action(action)
    if not done:
        return render_me(done.status)
    flash(success_message, "success")
    return redirect(url_for("profiles.me"))


@bp.post("/me/availability")
@login_required
def add_availability():
    form = AvailabilityForm(prefix="window")
    return _me_action({"window_form": form}, form, lambda f: service.add_availability(
        current_user, starts_on=f.starts_on.data, ends_on=f.ends_on.data), _("The dates have been added."))


@bp.post("/me/availability/<id:window_id>/delete")
@login_required
def remove_availability(window_id):
    return _me_button(lambda: service.remove_availability(current_user, window_id), _("Removed."))


@bp.post("/me/skills")
@login_required
def add_skill():
    form = SkillForm(prefix="skill")
    form.skill.choices = _skill_choices(service.profile_for_editing(current_user))
    return _me_action({"skill_form": form}, form, lambda f: service.add_skill(
        current_user, db.session.get(Skill, f.skill.data)), _("The skill has been added."))


@bp.post("/me/skills/<id:held_id>/delete")
@login_required
def remove_skill(held_id):
    return _me_button(lambda: service.remove_skill(current_user, held_id), _("Removed."))


@bp.post("/me/skills/<id:held_id>/credential")
@login_required
def submit_credential(held_id):
    form = CredentialForm(prefix=_credential_prefix(held_id))
    return _me_action({"credential": (held_id, form)}, form, lambda f: service.submit_credential(
        current_user, held_id, f.credential.data),
        _("Your document has been sent. A moderator will check it."))


@bp.get("/<id:user_id>")
def detail(user_id):
    return render_template("profiles/detail.html", **service.profile_page(current_user, user_id))
