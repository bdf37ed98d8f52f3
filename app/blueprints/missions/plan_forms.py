"""Missions: the plan part's forms. The bounds are the service's (app/services/missions/plan.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import FiniteFloatField, MultiCheckboxField
from app.services.missions.plan import ITEM_NAME_LIMIT, NOTE_LIMIT, PLAN_LIMITS

REQUIRED = DataRequired(message=_l("This field is required."))
DATE_ERROR = _l("Enter a date.")


def at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _text(label, name, area=False):
    field = TextAreaField if area else StringField
    return field(label, validators=[Optional(), at_most(PLAN_LIMITS[name])])


class StartMissionForm(FlaskForm):
    kind = SelectField(_l("Kind of mission"), coerce=int, validators=[REQUIRED])
    starts_on = DateField(_l("First day"), validators=[DataRequired(message=DATE_ERROR)])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(message=DATE_ERROR)])


class PlanForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired(message=DATE_ERROR)])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(message=DATE_ERROR)])
    facility_kind = SelectField(_l("Kind of facility"))
    facility_name = _text(_l("Name of the facility"), "facility_name")
    facility_address = _text(_l("Address"), "facility_address")
    lat = FiniteFloatField(_l("Latitude"), validators=[Optional()])
    lon = FiniteFloatField(_l("Longitude"), validators=[Optional()])
    coordinator_name = _text(_l("Coordinator's name"), "coordinator_name")
    coordinator_role = _text(_l("Coordinator's role"), "coordinator_role")
    coordinator_phone = _text(_l("Coordinator's phone"), "coordinator_phone")
    coordinator_email = _text(_l("Coordinator's email"), "coordinator_email")
    languages = MultiCheckboxField(_l("Languages spoken on site"), validators=[Optional()])
    interpreters = BooleanField(_l("Interpreters are available"))
    interpreters_note = _text(_l("About the interpreters"), "interpreters_note")
    pickup = _text(_l("Pickup from the airport"), "pickup", area=True)
    accommodation = _text(_l("Accommodation"), "accommodation", area=True)
    daily_schedule = _text(_l("Daily schedule"), "daily_schedule", area=True)
    what_to_bring = _text(_l("What to bring"), "what_to_bring", area=True)
    what_is_provided = _text(_l("What is provided"), "what_is_provided", area=True)


class ItemForm(FlaskForm):
    status = SelectField(_l("Status"))
    provider = SelectField(_l("Who provides it"))
    need = SelectField(_l("The in-kind need"), coerce=int, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), at_most(NOTE_LIMIT)])
    photos = MultipleFileField(_l("Add photos (JPEG, PNG or WebP, at most 8 MB each)"))


class NewItemForm(FlaskForm):
    name = StringField(_l("New item"), validators=[REQUIRED, at_most(ITEM_NAME_LIMIT)])
