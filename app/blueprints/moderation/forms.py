from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (shown to the applicant and kept in the audit log)"),
        validators=[DataRequired(message=_l("Please give a reason for your decision.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
    )
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    actor = StringField(_l("Actor's email"), validators=[Optional(), Length(max=254)])
    target_type = SelectField(_l("Object"), choices=[], validators=[Optional()])


class ProjectDecisionForm(FlaskForm):
    # No decision is chosen for the moderator: the placeholder comes first and is refused.
    decision = SelectField(_l("Decision"), choices=[
        ("", _l("Choose a decision")), ("publish", _l("Publish")), ("request_changes", _l("Request changes")),
        ("reject", _l("Reject"))], validators=[DataRequired(message=_l("Choose a decision."))])
    reason = TextAreaField(
        _l("Reason (shown to the officials; public for publish and reject)"),
        validators=[DataRequired(message=_l("Please give a reason for your decision.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
    )


class UnpublishForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the project is taken down (public)"),
        validators=[DataRequired(message=_l("Please give a reason for your decision.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
    )


class VerifyLsgForm(FlaskForm):
    reason = TextAreaField(
        _l("How you checked it (kept in the audit log)"),
        validators=[DataRequired(message=_l("Please give a reason for your decision.")),
                    Length(max=2000, message=_l("At most %(max)d characters."))],
    )
