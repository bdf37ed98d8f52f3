"""Missions: the signoff part's forms (the ministry's decisions; the admins' kinds and templates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

_REQUIRED = DataRequired(message=_l("This field is required."))
_NAME = [_REQUIRED, Length(max=200, message=_l("At most %(max)d characters."))]
_REASON = [DataRequired(message=_l("Please give a reason for your decision.")),
           Length(max=2000, message=_l("At most %(max)d characters."))]


class RequestSignoffForm(FlaskForm):
    """The officials' button: no field but the CSRF token."""


class SignoffDecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the officials; public when you sign or send the checklist back)"),
                           validators=_REASON)


class ItemSendBackForm(FlaskForm):
    reason = TextAreaField(_l("What is missing on this item (shown to the officials)"), validators=_REASON)


class _Names(FlaskForm):
    code = StringField(_l("Code"), validators=[_REQUIRED, Length(max=40, message=_l("At most %(max)d characters."))])
    name_ky = StringField(_l("Name in Kyrgyz"), validators=_NAME)
    name_ru = StringField(_l("Name in Russian"), validators=_NAME)
    name_en = StringField(_l("Name in English"), validators=_NAME)


class MissionKindForm(_Names):
    sector = SelectField(_l("Sector whose ministry signs the site off"), coerce=int, validate_choice=False)


class TemplateItemForm(_Names):
    position = IntegerField(_l("Position in the checklist"), default=100, validators=[
        InputRequired(message=_l("A whole number from 0 to 10000.")),
        NumberRange(min=0, max=10_000, message=_l("A whole number from 0 to 10000."))])


class ProcedureForm(_Names):
    kind = SelectField(_l("Kind of mission"), coerce=int, validate_choice=False)


class RetireForm(FlaskForm):
    """Retire or bring back a template item: no field but the CSRF token."""
