"""Forms of the permits part: a button (request, confirm) and the ministry's decision."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class VolunteerActionForm(FlaskForm):
    """Request a permission, or confirm a volunteer: nothing to fill in but the CSRF token."""


class PermitDecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown to the volunteer and the officials, kept in the audit log)"),
        validators=[DataRequired(message=_l("Please give a reason for your decision.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    grant = SubmitField(_l("Grant the permission"))
    refuse = SubmitField(_l("Refuse"))
