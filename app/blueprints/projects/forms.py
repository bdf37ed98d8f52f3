from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import BoundedIntegerField, FiniteFloatField, MoneyField
from app.models import CURRENCIES

REQUIRED = DataRequired(message=_l("This field is required."))


def at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def currency_field(label=_l("Currency")):
    return SelectField(label, choices=[(c, c) for c in CURRENCIES], default="KGS")


# Each form's fields are declared in the order its page shows them: the error summary lists them so.


class ProjectForm(FlaskForm):
    lsg = SelectField(_l("Local government"), coerce=int)
    title = StringField(_l("Title"), validators=[REQUIRED, at_most(200)])
    summary = TextAreaField(_l("Summary (one or two sentences)"), validators=[Optional(), at_most(500)])
    description = TextAreaField(
        _l("Description (Markdown: **bold**, lists with -, links)"), validators=[Optional(), at_most(20000)]
    )
    sector = SelectField(_l("Sector"), coerce=int, validators=[Optional()])
    budget = MoneyField(_l("Total budget"), validators=[InputRequired(message=_l("Enter the total budget."))])
    currency = currency_field()
    starts_on = DateField(_l("Planned start"), validators=[Optional()])
    ends_on = DateField(_l("Planned end"), validators=[Optional()])
    lat = FiniteFloatField(_l("Map point: latitude (optional)"), validators=[Optional()])
    lon = FiniteFloatField(_l("Map point: longitude (optional)"), validators=[Optional()])


class FundsNeedForm(FlaskForm):
    title = StringField(_l("What the money is for"), validators=[REQUIRED, at_most(200)])
    target_amount = MoneyField(_l("Amount needed"), validators=[InputRequired(message=_l("Enter the amount needed."))])
    currency = currency_field()


class SkillNeedForm(FlaskForm):
    skill = SelectField(_l("Skill"), coerce=int)
    slots = BoundedIntegerField(_l("Number of places"), validators=[
        InputRequired(message=_l("Enter the number of places.")),
        NumberRange(min=1, max=500, message=_l("Between %(min)s and %(max)s."))])
    starts_on = DateField(_l("From"), validators=[InputRequired(message=_l("Enter the first day."))])
    ends_on = DateField(_l("To"), validators=[InputRequired(message=_l("Enter the last day."))])
    on_site = SelectField(_l("Where"), choices=[("1", _l("On site")), ("0", _l("Remote"))], default="1")
    requirements = TextAreaField(_l("Requirements"), validators=[Optional(), at_most(2000)])
    verified_required = BooleanField(_l("A verified credential (licence, diploma) is required"))
    title = StringField(_l("Title (optional)"), validators=[Optional(), at_most(200)])


class InKindNeedForm(FlaskForm):
    item = StringField(_l("Item"), validators=[REQUIRED, at_most(200)])
    quantity = BoundedIntegerField(_l("Quantity"), validators=[
        InputRequired(message=_l("Enter how many are needed.")),
        NumberRange(min=1, max=10**7, message=_l("Between %(min)s and %(max)s."))])
    unit = StringField(_l("Unit (pieces, bags, m³...)"), validators=[Optional(), at_most(40)])
    title = StringField(_l("Title (optional)"), validators=[Optional(), at_most(200)])


class ShareForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[
        ("lsg", _l("The LSG's own funds")), ("programme", _l("Government or donor programme")),
        ("diaspora", _l("Diaspora")), ("other", _l("Other"))])
    label = StringField(_l("Name (e.g. the programme)"), validators=[Optional(), at_most(200)])
    planned = MoneyField(_l("Planned amount"), validators=[InputRequired(message=_l("Enter the planned amount of this share."))])
    received = MoneyField(_l("Already received"), validators=[Optional()], default=0)
    conditional = BooleanField(_l("Conditional match"))
    condition = StringField(_l("Released when..."), validators=[Optional(), at_most(300)])
    counts_volunteer_work = BooleanField(_l("Volunteer work counts toward this share (diaspora only)"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("What will be done"), validators=[REQUIRED, at_most(200)])
    due_on = DateField(_l("By"), validators=[Optional()])
    amount = MoneyField(_l("Cost"), validators=[InputRequired(message=_l("Enter the cost of this milestone."))])


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 8 MB)"),
                      validators=[FileRequired(message=_l("Please choose an image file."))])
    caption = StringField(_l("Caption"), validators=[Optional(), at_most(200)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Please give a reason for your decision.")), at_most(2000)])


class SpendingLineForm(Form):
    milestone = SelectField(_l("Milestone"), coerce=int, validate_choice=False)
    amount = MoneyField(_l("Amount spent"), validators=[Optional()])
    purpose = StringField(_l("Spent on"), validators=[Optional(), at_most(300)])
    receipt = FileField(_l("Receipt (photo)"))


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("What happened"), validators=[REQUIRED, at_most(20000)])
    photos = MultipleFileField(_l("Photos"))
    spending = FieldList(FormField(SpendingLineForm), min_entries=3, max_entries=10)
    final_report = BooleanField(_l("This is the final report: the project is completed"))
