from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.forms import MultiCheckboxField

_REQUIRED = DataRequired(message=_l("This field is required."))


def _at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


class AskForm(FlaskForm):
    to = SelectField(_l("Ask"), validators=[InputRequired(message=_l("Choose whom to ask."))])
    body = TextAreaField(_l("Your question"), validators=[DataRequired(message=_l("Please write your question.")),
                                                          _at_most(3000)])
    show_as = RadioField(_l("Show my question as asked by"), default="name",
                         choices=[("name", _l("My name")), ("country", _l("A member from my country"))])


class AnswerForm(FlaskForm):
    body = TextAreaField(_l("Your answer"), validators=[DataRequired(message=_l("Please write your answer.")),
                                                        _at_most(5000)])


class HideForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown in place of the text)"),
                           validators=[DataRequired(message=_l("Please give a reason.")), _at_most(1000)])


class ReportForm(FlaskForm):
    """A button: nothing but the CSRF token."""


class MinistryForm(FlaskForm):
    name_ky = StringField(_l("Name in Kyrgyz"), validators=[_REQUIRED, _at_most(200)])
    name_ru = StringField(_l("Name in Russian"), validators=[_REQUIRED, _at_most(200)])
    name_en = StringField(_l("Name in English"), validators=[_REQUIRED, _at_most(200)])
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int)


class MemberForm(FlaskForm):
    email = StringField(_l("E-mail address of the member's account"),
                        validators=[_REQUIRED, Email(message=_l("Please enter a valid email address."), check_deliverability=False), _at_most(254)])


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter a date."))])
    name = StringField(_l("Holiday"), validators=[_REQUIRED, _at_most(200)])
