from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.authz import can_administer, require
from app.blueprints.forms import run_action, run_form
from app.blueprints.admin.forms import LsgForm, MunicipalityForm, RateForm, RoleForm
from app.extensions import db
from app.forms import query_int
from app.models import District, Municipality
from app.services import pledges, reference, users

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def require_login():
    """Every admin page needs a login; each service checks the admin role itself."""


def _render_users(status=200):
    page = request.args.get("page", 1, type=query_int)
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "admin/users.html", users=users.list_users(current_user, query=query, page=page),
        query=query, role_form=RoleForm(formdata=None),
    ), status


@bp.get("/")
def index():
    return _render_users()


@bp.post("/users/<id:user_id>/role")
def change_role(user_id):
    require(can_administer, current_user)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    user = users.get_user(user_id)
    changed = run_action(lambda: users.set_role(current_user, user, form.role.data, reason=_("Changed by an admin")))
    if not changed:
        return _render_users(changed.status)
    flash(_("%(email)s is now: %(role)s.", email=user.email, role=dict(form.role.choices)[form.role.data]),
          "success")
    return redirect(url_for("admin.index"))


def _district_choices():
    districts = db.session.scalars(db.select(District).order_by(District.name_en)).all()
    return [(d.id, f"{d.name} ({d.region.name})") for d in districts]


@bp.route("/municipalities", methods=["GET", "POST"])
def municipalities():
    require(can_administer, current_user)
    form = MunicipalityForm()
    form.district.choices = _district_choices()
    added = run_form(form, lambda: reference.add_municipality(
        current_user, district=db.session.get(District, form.district.data), kind=form.kind.data,
        code=form.code.data, name_ky=form.name_ky.data, name_ru=form.name_ru.data,
        name_en=form.name_en.data, lat=form.lat.data, lon=form.lon.data,
    ))
    if added:
        flash(_("The municipality has been added."), "success")
        return redirect(url_for("admin.municipalities"))
    return (
        render_template("admin/municipalities.html", form=form, municipalities=reference.municipalities()),
        added.status,
    )


@bp.route("/lsgs", methods=["GET", "POST"])
def lsgs():
    require(can_administer, current_user)
    form = LsgForm()
    form.municipality.choices = [(m.id, f"{m.name} — {m.district.name}") for m in reference.municipalities()]
    added = run_form(form, lambda: reference.add_lsg(
        current_user, municipality=db.session.get(Municipality, form.municipality.data),
        name_ky=form.name_ky.data, name_ru=form.name_ru.data, name_en=form.name_en.data,
    ))
    if added:
        flash(_("The LSG has been added."), "success")
        return redirect(url_for("admin.lsgs"))
    return render_template("admin/lsgs.html", form=form, lsgs=reference.lsgs()), added.status


@bp.route("/rates", methods=["GET", "POST"])
def rates():
    require(can_administer, current_user)
    form = RateForm()
    saved = run_form(form, lambda: pledges.set_rate(current_user, form.currency.data, form.rate.data))
    if saved:
        flash(_("The exchange rate has been saved."), "success")
        return redirect(url_for("admin.rates"))
    return render_template("admin/rates.html", form=form, rates=pledges.rates()), saved.status
