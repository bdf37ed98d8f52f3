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


# ---- issue 12: what the LSG's officials tell the public (the service checks formats: app/services/lsgs.py,
# app/services/payment_details.py)
def _at_most(limit):
    return Length(max=limit, message=_l("At most %(max)d characters."))


_REQUIRED = DataRequired(message=_l("This field is required."))


class LsgDetailsForm(FlaskForm):
    head_name = StringField(_l("Head of the LSG"), validators=[_at_most(200)])
    office_address = StringField(_l("Office address"), validators=[_at_most(300)])
    phone = StringField(_l("Office phone"), validators=[_at_most(40)])
    opening_hours = StringField(_l("Opening hours"), validators=[_at_most(300)])


class PaymentDetailsForm(FlaskForm):
    bank_name = StringField(_l("Bank"), validators=[_REQUIRED, _at_most(200)])
    bic = StringField(_l("BIC (SWIFT code)"), validators=[_REQUIRED, _at_most(20)])
    account = StringField(_l("Account number or IBAN"), validators=[_REQUIRED, _at_most(50)])
    recipient = StringField(_l("Recipient's name"), validators=[_REQUIRED, _at_most(200)])
    budget_code = StringField(_l("Treasury or budget code (if any)"), validators=[_at_most(32)])


def payment_details_form(kinds, **kwargs):
    """The form with one number field per wallet kind the admins offer (``wallet_<id>``)."""
    class Form(PaymentDetailsForm):
        pass

    for kind in kinds:
        setattr(Form, f"wallet_{kind.id}", StringField(_l("%(wallet)s number", wallet=kind.name),
                                                         validators=[_at_most(30)]))
    return Form(**kwargs)
