from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField

from app.models import Channel

CHANNEL_LABELS = {
    Channel.APP: _l("In the app only"),
    Channel.MAIL: _l("Also by mail"),
    Channel.DIGEST: _l("In the digest"),
}
DIGEST_LABELS = {"week": _l("Weekly"), "day": _l("Daily")}


class PreferencesForm(FlaskForm):
    """One radio group per kind of event, added by ``for_kinds``."""

    digest_every = RadioField(_l("Digest mail"), choices=list(DIGEST_LABELS.items()), default="week")


def preferences_form(kinds, chosen, digest_every, formdata=None):
    """A form with a field per kind named in ``kinds`` ({name: label}), preset to ``chosen``."""

    class Form(PreferencesForm):
        pass

    for name, label in kinds.items():
        setattr(Form, f"kind_{name}", SelectField(label, choices=[(c.value, text) for c, text in CHANNEL_LABELS.items()]))
    data = {f"kind_{name}": chosen[name].value for name in kinds}
    data["digest_every"] = digest_every
    return Form(formdata=formdata, data=data)
