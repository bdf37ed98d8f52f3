"""The volunteer's arrival form (the itinerary page)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class ArrivalForm(FlaskForm):
    flight_number = StringField(_l("Flight number"), validators=[DataRequired(_l("Give your flight number.")),
                                                                  Length(max=16)])
    arrives_at = DateTimeLocalField(_l("Arrival (local time in Kyrgyzstan)"), format="%Y-%m-%dT%H:%M",
                                    validators=[InputRequired(_l("Give the date and time of your arrival."))])
    arrival_airport = SelectField(_l("Airport"), choices=[("FRU", _l("Bishkek (Manas, FRU)")),
                                                          ("OSS", _l("Osh (OSS)"))],
                                  validators=[InputRequired(_l("Choose the airport you land at."))])
    needs_pickup = BooleanField(_l("I need to be picked up at the airport"))

    @classmethod
    def of(cls, volunteer, **kwargs):
        form = cls(**kwargs)
        if not form.is_submitted():
            form.flight_number.data = volunteer.flight_number
            form.arrives_at.data = volunteer.arrives_at
            form.arrival_airport.data = volunteer.arrival_airport or "FRU"
            form.needs_pickup.data = volunteer.needs_pickup
        return form


class TeamNameForm(FlaskForm):
    """Whether the rest of the team sees the volunteer's name: apart from the arrival, since a
    volunteer who comes by road has no flight to give."""

    name_in_team = BooleanField(_l("Show my name to the rest of the team"))

    @classmethod
    def of(cls, volunteer, **kwargs):
        form = cls(**kwargs)
        if not form.is_submitted():
            form.name_in_team.data = volunteer.name_in_team
        return form
