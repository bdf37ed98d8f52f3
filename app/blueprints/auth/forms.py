from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.services.accounts import PASSWORD_LENGTH_MESSAGE, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

PASSWORD_LENGTH = Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH, message=PASSWORD_LENGTH_MESSAGE)

def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


EMAIL_VALIDATORS = [
    DataRequired(message=_l("Please enter your email address.")),
    Length(max=254, message=_l("The email address is too long.")),
    Email(message=_l("Please enter a valid email address."), check_deliverability=False),
]
NAME_VALIDATORS = [
    DataRequired(message=_l("Please enter your name.")),
    Length(max=120, message=_l("The name can have at most %(max)d characters.")),
]


def language_select(label=_l("Language")):
    return SelectField(label, choices=[("ky", "Кыргызча"), ("ru", "Русский"), ("en", "English")])


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=NAME_VALIDATORS)
    email = EmailField(_l("Email"), validators=EMAIL_VALIDATORS, filters=[strip_whitespace])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Please choose a password.")), PASSWORD_LENGTH]
    )
    password_again = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(message=_l("Please repeat the password.")),
                    EqualTo("password", message=_l("The two passwords do not match."))],
    )
    locale = language_select()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL_VALIDATORS, filters=[strip_whitespace])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Please enter your password.")), Length(max=128)],
    )
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField("")  # no label: WTForms would load its catalogue on every request to translate one


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=EMAIL_VALIDATORS, filters=[strip_whitespace])


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(message=_l("Please choose a password.")), PASSWORD_LENGTH]
    )
    password_again = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Please repeat the password.")),
                    EqualTo("password", message=_l("The two passwords do not match."))],
    )
