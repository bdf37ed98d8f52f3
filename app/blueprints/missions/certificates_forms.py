"""Forms of the certificates part: the officials' hours, the public code lookup."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import NumberRange, Optional

from app.forms import BoundedIntegerField


def hours_form(lines, **kwargs):
    """One field ``hours_<volunteer id>`` per line of the hours sheet: 0 to 24 × their days."""

    class HoursForm(FlaskForm):
        pass

    for line in lines:
        setattr(HoursForm, f"hours_{line.volunteer.id}", BoundedIntegerField(
            _l("Hours given"), validators=[Optional(), NumberRange(
                min=0, max=line.most, message=_l("Between %(min)s and %(max)s hours (24 a day)."))],
            default=line.volunteer.hours, render_kw={"inputmode": "numeric", "placeholder": str(line.suggested)}))
    return HoursForm(**kwargs)


class FindCertificateForm(FlaskForm):
    class Meta:
        csrf = False  # a GET lookup anyone may make

    code = StringField(_l("Verification code"), validators=[Optional()],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})
