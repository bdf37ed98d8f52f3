"""Registration, authentication, password changes and resets, personal settings."""
import hashlib

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.mail import absolute_url, send_mail
from app.models import User, normalize_email
from app.outbox import enqueue

RESET_SALT = "birge.password-reset"
# The one password rule: the forms' validator, the CLI and every service that sets a password use it.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
PASSWORD_LENGTH_MESSAGE = _l("The password must have between %(min)d and %(max)d characters.")
# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class EmailTaken(Conflict):
    default_message = _l("An account with this email address already exists.")


class InvalidResetToken(InvalidInput):
    default_message = _l("This password reset link is invalid or has already been used.")


class ExpiredResetToken(InvalidInput):
    default_message = _l("This password reset link has expired. Please ask for a new one.")


def check_password_rule(password):
    """Raise InvalidInput (on the form's "password" field) unless the password has an allowed length."""
    if not PASSWORD_MIN_LENGTH <= len(password or "") <= PASSWORD_MAX_LENGTH:
        raise InvalidInput(PASSWORD_LENGTH_MESSAGE % {"min": PASSWORD_MIN_LENGTH, "max": PASSWORD_MAX_LENGTH},
                           field="password")


def find_user_by_email(email):
    return db.session.scalar(db.select(User).where(User.email == normalize_email(email)))


def register_user(*, email, password, name, locale=None):
    email = normalize_email(email)
    check_password_rule(password)
    if find_user_by_email(email) is not None:
        raise EmailTaken(field="email")
    user = User(email=email, name=name.strip(), locale=locale)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """The user for these credentials, or None. Unknown email and wrong password look the same."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def change_password(user, *, current_password, new_password):
    if not user.check_password(current_password):
        raise InvalidInput(_("The current password is not correct."), field="current_password")
    check_password_rule(new_password)
    user.set_password(new_password)
    db.session.flush()


def update_settings(user, *, name, locale):
    if locale is not None and locale not in current_app.config["LANGUAGES"]:
        raise InvalidInput(_("Unknown language."))
    user.name = name.strip()
    user.locale = locale
    db.session.flush()


def set_language(user, locale):
    update_settings(user, name=user.name, locale=locale)


def keep_language_chosen_before_login(user, locale):
    """A language picked on this browser just before logging in is newer than the account's: save it."""
    if locale and locale != user.locale:
        set_language(user, locale)


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user):
    # Changes whenever the password changes, so a token works once.
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:16]


def make_reset_token(user):
    return _reset_serializer().dumps({"uid": user.id, "fp": _password_fingerprint(user)})


def send_password_reset(email):
    """Queue a reset mail if the account exists (the worker sends it: ``mail_password_reset``).
    Says nothing either way (no account discovery)."""
    user = find_user_by_email(email)
    if user is None:
        current_app.logger.info("Password reset asked for an unknown address.")
        return
    enqueue("mail", "password_reset", user.id)


def mail_password_reset(user_id):
    """The worker's "mail" job: the link is made when the mail is sent, so it is valid for
    PASSWORD_RESET_MAX_AGE from then, and a password changed meanwhile makes it void."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    link = absolute_url("auth.reset_password", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("Reset your Birge password")
        body = _(
            "Hello %(name)s,\n\nTo choose a new password, open this link within %(minutes)s "
            "minutes:\n%(link)s\n\nIf you did not ask for this, ignore this message.",
            name=user.name,
            minutes=minutes,
            link=link,
        )
    send_mail(user.email, subject, body)


def user_for_reset_token(token):
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise ExpiredResetToken() from None
    except BadSignature:
        raise InvalidResetToken() from None
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("fp") != _password_fingerprint(user):
        raise InvalidResetToken()
    return user


def reset_password(token, new_password):
    user = user_for_reset_token(token)
    check_password_rule(new_password)
    user.set_password(new_password)
    db.session.flush()
    return user
