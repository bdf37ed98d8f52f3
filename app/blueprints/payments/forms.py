from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import MoneyField
from app.models import CURRENCIES


class CardPledgeForm(FlaskForm):
    amount = MoneyField(_l("Amount"), validators=[InputRequired(message=_l("Enter the amount you give."))])
    currency = SelectField(_l("Currency"), choices=[(c, c) for c in CURRENCIES], default="KGS")
    anonymous = BooleanField(_l("Show me as “anonymous” in the public ledger"))
    # Filled in by Stripe.js on the page: the id of the card's payment method, never the card itself.
    payment_method = HiddenField(validators=[
        DataRequired(message=_l("The card details could not be read; please enter them again.")),
        Length(max=128, message=_l("The card details could not be read; please enter them again."))])
