from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class JoinLsgForm(FlaskForm):
    position = StringField(
        _l("Your position in the LSG"),
        validators=[DataRequired(message=_l("Please say what your position in the LSG is.")),
                    Length(max=200, message=_l("At most %(max)d characters."))],
    )
    message = TextAreaField(
        _l("How can a moderator check this? (work phone, order of appointment, ...)"),
        validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
    )
