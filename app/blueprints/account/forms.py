from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.blueprints.auth.forms import NAME_VALIDATORS, PASSWORD_LENGTH, language_select


class SettingsForm(FlaskForm):
    name = StringField(_l("Full name"), validators=NAME_VALIDATORS)
    locale = language_select()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please enter your current password.")), Length(max=128)],
    )
    password = PasswordField(
        _l("New password"), validators=[DataRequired(message=_l("Please choose a password.")), PASSWORD_LENGTH]
    )
    password_again = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(message=_l("Please repeat the password.")),
                    EqualTo("password", message=_l("The two passwords do not match."))],
    )
