from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.blueprints import form_status, redirect_next
from app.blueprints.forms import run_action, run_form
from app.blueprints.auth.forms import LoginForm, NewPasswordForm, RegisterForm, ResetRequestForm
from app.extensions import limiter
from app.models import normalize_email
from app.services import accounts

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = get_locale().language
    registered = run_form(form, lambda: accounts.register_user(
        email=form.email.data, password=form.password.data, name=form.name.data, locale=form.locale.data,
    ))
    if registered:
        login_user(registered.value)
        flash(_("Welcome to Birge, %(name)s! Your account is ready.", name=registered.value.name), "success")
        return redirect(url_for("account.settings"))
    return render_template("auth/register.html", form=form), registered.status


def _login_email_key():
    return "login:" + normalize_email(request.form.get("email", ""))


def _limit_login(limit_name):
    return lambda: current_app.config[limit_name]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit_login("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit_login("LOGIN_RATE_LIMIT_PER_EMAIL"), key_func=_login_email_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            # One message for unknown email and wrong password: no account discovery.
            form.password.errors.append(_("The email or password is not correct."))
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=form.remember.data)
        flash(_("You are logged in."), "success")
        return redirect_next("public.index")
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit_login("LOGIN_RATE_LIMIT"), methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data)
        flash(_("If an account exists for that address, we have sent it a link to choose a new "
                "password. Check your mailbox."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    valid = run_action(lambda: accounts.user_for_reset_token(token))
    if not valid:
        return render_template("auth/reset_invalid.html"), valid.status
    form = NewPasswordForm()
    reset = run_form(form, lambda: accounts.reset_password(token, form.password.data))
    if reset:
        flash(_("Your password has been changed. You can log in with it now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), reset.status
