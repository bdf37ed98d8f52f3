from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.blueprints.forms import run_form
from app.blueprints.account.forms import ChangePasswordForm, SettingsForm
from app.services import accounts
from app.services.memberships import memberships_of

bp = Blueprint("account", __name__)


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.name.data = current_user.name
        form.locale.data = current_user.locale or "ru"
    saved = run_form(form, lambda: accounts.update_settings(current_user, name=form.name.data,
                                                             locale=form.locale.data))
    if saved:
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for("account.settings"))
    return (
        render_template("account/settings.html", form=form, memberships=memberships_of(current_user)),
        saved.status,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    changed = run_form(form, lambda: accounts.change_password(
        current_user, current_password=form.current_password.data, new_password=form.password.data
    ))
    if changed:
        # The password change ended every other session; keep this one.
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("account.settings"))
    return render_template("account/password.html", form=form), changed.status
