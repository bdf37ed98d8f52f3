from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from app.blueprints import form_status, redirect_next
from app.blueprints.forms import run_action, run_form
from app.blueprints.auth.forms import LoginForm, NewPasswordForm, RegisterForm, ResetRequestForm
from app.authz import is_official
from app.extensions import limiter
from app.i18n import take_choice_made_before_login
from app.models import normalize_email
from app.services import accounts

bp = Blueprint("auth", __name__)


def _limit(limit_name):
    return lambda: current_app.config[limit_name]


def _account_and_address_key():
    """Wrong passwords count per account *and* address: an attacker elsewhere never locks the
    owner out, and one address still cannot try many accounts (the per-address limit)."""
    return f"login:{normalize_email(request.form.get('email', ''))}:{get_remote_address()}"


def _refused_login(response):
    return response.status_code == 401


def _account_created(response):
    return response.status_code == 302


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("REGISTER_RATE_LIMIT"), key_func=lambda: "register:" + get_remote_address(),
               methods=["POST"], deduct_when=_account_created)
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
        take_choice_made_before_login()  # the form's language field already asked for it
        flash(_("Welcome to Birge, %(name)s! Your account is ready.", name=registered.value.name), "success")
        return redirect(url_for("account.settings"))
    return render_template("auth/register.html", form=form), registered.status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT_PER_ACCOUNT"), key_func=_account_and_address_key, methods=["POST"],
               deduct_when=_refused_login)
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
        accounts.keep_language_chosen_before_login(user, take_choice_made_before_login())
        refresh()  # the language was chosen for the visitor this request began as: now it is theirs
        flash(_("You are logged in."), "success")
        # An official lands on what waits for them (app/services/attention.py).
        return redirect_next("attention.index" if is_official(user) else "public.index")
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@login_required
def logout():
    # One token per account: logging out ends this account's sessions on every device, and a
    # cookie copied before (session or remember-me) is refused from now on.
    current_user.end_sessions()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("LOGIN_RATE_LIMIT"), methods=["POST"])
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
