from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.forms import FiniteFloatField, RateField
from app.money import RATE_MESSAGE

_REQUIRED = DataRequired(message=_l("This field is required."))
_NAME = [_REQUIRED, Length(max=200, message=_l("At most %(max)d characters."))]


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[("member", _l("Member")), ("moderator", _l("Moderator")), ("admin", _l("Admin"))],
    )


class MunicipalityForm(FlaskForm):
    district = SelectField(_l("District"), coerce=int, validators=[_REQUIRED])
    kind = SelectField(
        _l("Kind"),
        choices=[("ayil_aymak", _l("Ayil aymak")), ("town", _l("Town")), ("city", lazy_pgettext("municipality type", "City"))],
    )
    code = StringField(_l("Code"), validators=[_REQUIRED, Length(max=32, message=_l("At most %(max)d characters."))])
    name_ky = StringField(_l("Name in Kyrgyz"), validators=_NAME)
    name_ru = StringField(_l("Name in Russian"), validators=_NAME)
    name_en = StringField(_l("Name in English"), validators=_NAME)
    lat = FiniteFloatField(_l("Latitude"), validators=[NumberRange(min=-90, max=90, message=_l("Not a latitude."))])
    lon = FiniteFloatField(_l("Longitude"), validators=[NumberRange(min=-180, max=180, message=_l("Not a longitude."))])


class LsgForm(FlaskForm):
    municipality = SelectField(_l("Municipality"), coerce=int, validators=[_REQUIRED])
    name_ky = StringField(_l("Name in Kyrgyz"), validators=_NAME)
    name_ru = StringField(_l("Name in Russian"), validators=_NAME)
    name_en = StringField(_l("Name in English"), validators=_NAME)


class RateForm(FlaskForm):
    currency = SelectField(_l("Currency"), choices=[("USD", "USD"), ("EUR", "EUR"), ("RUB", "RUB")])
    rate = RateField(_l("Som per one unit"), validators=[InputRequired(message=RATE_MESSAGE)])


class WalletKindForm(FlaskForm):
    name = StringField(_l("Name of the wallet service"), validators=[_REQUIRED, Length(max=60, message=_l("At most %(max)d characters."))])
