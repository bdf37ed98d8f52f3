from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.blueprints import form_status
from app.blueprints.account import bp
from app.blueprints.account.forms import ChangePasswordForm, SettingsForm
from app.errors import InvalidInput
from app.services import accounts
from app.services.memberships import memberships_of


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.name.data = current_user.name
        form.locale.data = current_user.locale or "ru"
    if form.validate_on_submit():
        accounts.update_settings(current_user, name=form.name.data, locale=form.locale.data)
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for("account.settings"))
    return (
        render_template("account/settings.html", form=form, memberships=memberships_of(current_user)),
        form_status(form),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, current_password=form.current_password.data, new_password=form.password.data
            )
        except InvalidInput as error:
            form.current_password.errors.append(error.message)
            return render_template("account/password.html", form=form), error.status_code
        # The password change ended every other session; keep this one.
        login_user(current_user._get_current_object())
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("account.settings"))
    return render_template("account/password.html", form=form), form_status(form)
