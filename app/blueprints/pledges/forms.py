from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import BoundedIntegerField, MoneyField
from app.models import CURRENCIES


class MoneyPledgeForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired(message=_l("Enter the amount you give."))])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES], default="KGS")
    method = SelectField(_l("How you pay"), choices=[
        ("bank_transfer", _l("Bank transfer")), ("mobile_wallet", _l("Mobile wallet")),
        ("cash", _l("Cash at the LSG's office"))])
    reference = StringField(_l("Payment reference (transfer number, receipt no.)"),
                            validators=[Optional(), Length(max=120, message=_l("At most %(max)d characters."))])
    anonymous = BooleanField(_l("Show me as “anonymous” in the public ledger"))


class GoodsPledgeForm(FlaskForm):
    quantity = BoundedIntegerField(_l("Quantity"), validators=[
        InputRequired(message=_l("Enter how many you give.")),
        NumberRange(min=1, message=_l("At least %(min)s."))])
    note = TextAreaField(_l("How and when you deliver"), validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])
    anonymous = BooleanField(_l("Show me as “anonymous” in the public ledger"))


class ConfirmForm(FlaskForm):
    reference = StringField(_l("Reference of the payment or delivery"), validators=[
        Optional(), Length(max=120, message=_l("At most %(max)d characters."))])


class FindByReferenceForm(FlaskForm):
    ref = StringField(_l("Payment reference"), validators=[Length(max=40)])


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Please give a reason for your decision.")),
        Length(max=2000, message=_l("At most %(max)d characters."))])


class SkillOfferForm(FlaskForm):
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=_l("Enter the last day."))])
    note = TextAreaField(_l("About you (experience, what you bring)"), validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])
