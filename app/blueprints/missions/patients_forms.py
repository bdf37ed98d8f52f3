"""Missions: the patients part's forms. The count and the report each have one number field per
procedure of the mission's kind, added to a subclass made for that mission (``count_form``)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.forms import BoundedIntegerField

_NOT_NEGATIVE = NumberRange(min=0, message=_l("A count cannot be negative."))


def _count(label, required=True, message=_l("Enter a number.")):
    validators = [InputRequired(message=message)] if required else [Optional()]
    return BoundedIntegerField(label, validators=[*validators, _NOT_NEGATIVE], render_kw={"inputmode": "numeric"})


class PatientCountForm(FlaskForm):
    counted_on = DateField(_l("Date of the count"), validators=[InputRequired(message=_l("Give the date of the count."))])
    screened = _count(_l("Patients screened"), message=_l("Enter how many patients were screened."))
    ready = _count(_l("Ready for surgery (waiting for the mission)"),
                   message=_l("Enter how many are ready for surgery."))
    more_tests = _count(_l("Need more tests"), required=False)
    not_suitable = _count(_l("Not suitable"), required=False)


class MissionReportForm(FlaskForm):
    patients_seen = _count(_l("Patients seen"), message=_l("Enter how many patients were seen."))
    body = TextAreaField(_l("What the mission did"), validators=[Optional(), Length(max=20000)])
    follow_up = TextAreaField(_l("Follow-up plan"), validators=[Optional(), Length(max=5000)])
    photos = MultipleFileField(_l("Photos (at most 6)"))


def with_procedures(form_class, procedures, field_of):
    """A subclass of ``form_class`` with one optional count per procedure, named ``field_of(p)``."""
    fields = {field_of(p): _count(p.name, required=False) for p in procedures}
    return type(form_class.__name__, (form_class,), fields)
