from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional


class SaveSearchForm(FlaskForm):
    name = StringField(_l("Name this search"), validators=[Optional(), Length(max=120)])
    query = HiddenField("")  # no label: WTForms would load its catalogue on every request to translate one
