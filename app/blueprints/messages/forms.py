from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.services.messages import BODY_MAX, REPORT_MAX


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[
        DataRequired(message=_l("Write a message.")),
        Length(max=BODY_MAX, message=_l("At most %(max)d characters."))])


class ConsentForm(FlaskForm):
    share_phone = BooleanField(_l("Share my phone number with this LSG"))
    share_email = BooleanField(_l("Share my e-mail address with this LSG"))


class ReportForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong (optional)"), validators=[
        Optional(), Length(max=REPORT_MAX, message=_l("At most %(max)d characters."))])


class ButtonForm(FlaskForm):
    """A button: only its CSRF token."""
