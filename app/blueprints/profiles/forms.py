from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import MultiCheckboxField
from app.models import COUNTRIES, LANGUAGES, OTHER_COUNTRY


def at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _capitalized(name):
    return name[:1].upper() + name[1:]


def country_name(code):
    if code == OTHER_COUNTRY:
        return _l("Another country")
    return get_locale().territories.get(code, code)


def language_name(code):
    return _capitalized(get_locale().languages.get(code, code))


def _within(place, parent):
    """"At-Bashy District (Naryn Region)"; a city that is its own district is named once."""
    return place.name if place.name == parent.name else f"{place.name} ({parent.name})"


VISIBILITY_CHOICES = [
    ("private", _l("Private: only me and the moderators")),
    ("pledged_lsgs", _l("Officials of the local governments I pledged to")),
    ("public", _l("Public: anyone")),
]


class ProfileForm(FlaskForm):
    # The service checks country and languages against its lists, with its own messages.
    country = SelectField(_l("Country where you live"), validate_choice=False)
    city = StringField(lazy_pgettext("where you live", "City"), validators=[Optional(), at_most(120)])
    home_region = SelectField(_l("Home region"), coerce=int, default=0)
    home_district = SelectField(_l("Home district"), coerce=int, default=0)
    home_municipality = SelectField(_l("Home ayil aymak or town"), coerce=int, default=0)
    bio = TextAreaField(_l("About you (at most 2000 characters)"), validators=[Optional()])
    languages = MultiCheckboxField(_l("Languages you speak"), validate_choice=False)
    sectors = MultiCheckboxField(_l("Sectors you are interested in"), coerce=int)
    visibility = SelectField(_l("Who may see your profile"), choices=VISIBILITY_CHOICES, default="private")
    contact_email_ok = BooleanField(_l("Show my account email as a way to contact me"))
    contact_phone = StringField(_l("Phone"), validators=[Optional()])
    contact_messenger = StringField(_l("Messenger (e.g. Telegram @name)"), validators=[Optional(), at_most(120)])
    contact_officials_ok = BooleanField(
        _l("Officials of the local governments I pledged to may see my contact details"))

    def __init__(self, *args, regions=(), districts=(), municipalities=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "—")] + [(code, country_name(code)) for code in COUNTRIES]
        self.languages.choices = [(code, language_name(code)) for code in LANGUAGES]
        self.home_region.choices = [(0, "—")] + [(r.id, r.name) for r in regions]
        self.home_district.choices = [(0, "—")] + [(d.id, _within(d, d.region)) for d in districts]
        self.home_municipality.choices = [(0, "—")] + [(m.id, _within(m, m.district)) for m in municipalities]
        self.sectors.choices = [(s.id, s.name) for s in sectors]


class AvailabilityForm(FlaskForm):
    starts_on = DateField(_l("From"), validators=[InputRequired(message=_l("Enter the first day."))])
    ends_on = DateField(_l("To"), validators=[InputRequired(message=_l("Enter the last day."))])


class SkillForm(FlaskForm):
    skill = SelectField(_l("Profession or skill"), coerce=int)


class CredentialForm(FlaskForm):
    credential = FileField(_l("Licence or diploma (JPEG, PNG or WebP photo or scan, at most 8 MB)"),
                           validators=[FileRequired(message=_l("Please choose an image file."))])
