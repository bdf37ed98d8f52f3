"""The officials' editor as steps on a phone: checks where the value is entered, errors that can be
seen (a summary linking to each field, the first one focused), removal asked before it happens."""
import re
from datetime import date
from decimal import Decimal

import pytest

from app.errors import InvalidInput
from app.extensions import db
from app.models import Need, Role, Skill
from app.services import pledges as pledge_service
from app.services import projects as service
from tests.factories import make_official, make_project, make_user


def surgeon():
    return db.session.scalar(db.select(db.text("id FROM skills WHERE code = 'surgeon'")))


# ---------------------------------------------------------------- checks that came too late (regressions)


def test_a_funds_need_larger_than_the_whole_budget_is_refused_on_its_amount(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)
    with pytest.raises(InvalidInput) as refused:
        service.add_need(official, project, "funds", title="Steel", target_amount=100_000_01, currency="KGS")
    assert refused.value.field == "target_amount" and "more than the whole budget" in refused.value.message
    assert service.add_need(official, project, "funds", title="Steel", target_amount=100_000_00, currency="KGS")


def test_a_funds_need_in_another_currency_is_converted_before_it_is_compared(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)  # 100 000 KGS
    pledge_service.set_rate(make_user(role=Role.ADMIN), "USD", Decimal("87.45"))
    with pytest.raises(InvalidInput) as refused:  # 1 200 USD = 104 940 KGS
        service.add_need(official, project, "funds", title="Steel", target_amount=1_200_00, currency="USD")
    assert refused.value.field == "target_amount"
    assert service.add_need(official, project, "funds", title="Steel", target_amount=1_000_00, currency="USD")


def test_a_funds_need_in_a_currency_without_a_rate_is_not_compared(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)
    need = service.add_need(official, project, "funds", title="Steel", target_amount=5_000_00, currency="EUR")
    assert need.currency == "EUR"


@pytest.mark.parametrize("window, field", [
    ((date(2027, 3, 25), date(2027, 4, 5)), "starts_on"),   # the project starts on 1 April 2027
    ((date(2027, 9, 25), date(2027, 10, 5)), "ends_on"),    # and ends on 30 September 2027
])
def test_a_skill_window_outside_the_projects_dates_is_refused_on_its_date(app, window, field):
    official = make_official()
    project = make_project(official, complete=False)
    with pytest.raises(InvalidInput) as refused:
        service.add_need(official, project, "skill", skill=db.session.get(Skill, surgeon()), slots=1,
                         starts_on=window[0], ends_on=window[1])
    assert refused.value.field == field
    assert db.session.scalar(db.select(db.func.count(Need.id))) == 0

