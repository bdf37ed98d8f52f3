"""Bad input is refused with 400/404/422 and a message, never a 500 (issue 9, item 5).

Ids beyond 32 or 64 bits, ids with leading zeros, NUL bytes, nan/inf as numbers: each is stopped
at one depth (the ``id`` URL converter, the shared form fields, the one parser of amounts and
rates, the request-wide NUL check), so every route is covered, also the ones added later.
"""
import re

import pytest
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.models import ExchangeRate, Project, Role, User
from tests.factories import make_official, make_project, make_user

HUGE_IDS = ["99999999999999999999", str(2**63), str(2**31), "007", "0"]


def _counts():
    return {model.__tablename__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, Project, ExchangeRate)}


def test_no_route_takes_a_plain_int(app):
    plain = [rule.rule for rule in app.url_map.iter_rules()
             if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]
    assert plain == []


@pytest.mark.parametrize("raw", HUGE_IDS)
def test_a_visitor_asking_for_an_impossible_project_id_gets_404(client, raw):
    response = client.get(f"/projects/{raw}")
    assert response.status_code == 404
    assert "does not exist" in response.get_data(as_text=True)


def test_the_largest_id_is_a_plain_404(client):
    assert client.get(f"/projects/{2**31 - 1}").status_code == 404


def test_urls_are_built_with_ids_as_before(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("projects.detail", project_id=42) == "/projects/42"


def test_every_route_with_an_id_refuses_huge_ids_without_a_500(client, login_as, app):
    login_as(make_user(role=Role.ADMIN))
    before = _counts()
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        path = fill_rule(rule.rule, str(2**63))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code < 500, (method, path, response.status_code)
    assert _counts() == before


_VARIABLE = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def fill_rule(rule, number, text="x"):
    """A path for the rule: ``number`` for each id, the first choice of an any(), ``text`` otherwise."""
    def value(match):
        converter, arguments, _name = match.groups()
        if converter in ("id", "int"):
            return number
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        return text
    return _VARIABLE.sub(value, rule)


def test_huge_ids_in_query_strings_and_forms_are_ignored_or_refused(client, login_as):
    login_as(make_user(role=Role.MODERATOR))
    big = "99999999999999999999"
    for url in (f"/projects/?page={big}", f"/decisions?page={big}", f"/moderation/projects?region={big}&sector={big}",
                f"/moderation/memberships?page={big}", f"/search/?region={big}&page={big}&near={big}"):
        assert client.get(url).status_code < 500, url
    response = client.post("/moderation/projects/bulk", data={"project_ids": [big, str(2**31)], "decision": "publish",
                                                              "reason": "Checked"})
    assert response.status_code < 500


def test_a_huge_quantity_in_a_form_is_a_form_error(client, login_as):
    official = make_official()
    project = make_project(official)
    login_as(official)
    response = client.post(f"/projects/{project.id}/needs/in-kind", data={
        "item": "Cement", "quantity": "99999999999999999999", "unit": "bags"})
    assert response.status_code in (302, 422)
    assert response.status_code < 500


def test_a_goods_pledge_of_a_huge_quantity_is_refused_with_a_message(client, login_as):
    from app.services import projects as project_service

    official = make_official()
    project = make_project(official)
    need = project_service.add_need(official, project, "in_kind", item="Cement", quantity=100, unit="bags")
    project_service.submit_project(official, project)
    project_service.publish_project(make_user(role=Role.MODERATOR), project, reason="Checked")
    db.session.commit()
    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={"quantity": "99999999999999999999"})
    assert response.status_code == 422
    assert "too large" in response.get_data(as_text=True)


@pytest.mark.parametrize("rate", ["nan", "NaN", "inf", "-Infinity", "sNaN", "1e999999"])
def test_rates_that_are_not_numbers_are_refused_with_a_message(client, login_as, rate):
    login_as(make_user(role=Role.ADMIN))
    response = client.post("/admin/rates", data={"currency": "USD", "rate": rate})
    assert response.status_code == 422
    assert "som one unit is worth" in response.get_data(as_text=True) or "decimals" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ExchangeRate.currency))) == 0


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "1e999999", "Infinity"])
def test_amounts_that_are_not_numbers_are_refused(app, amount):
    from app.money import parse_amount

    with pytest.raises(ValueError):
        parse_amount(amount)


def test_nul_bytes_in_text_are_refused_with_a_message_and_save_nothing(client, login_as):
    response = client.post("/auth/register", data={
        "name": "Nul\x00Name", "email": "nul@example.kg", "password": "long enough pw",
        "password_again": "long enough pw", "locale": "en"})
    assert response.status_code == 422
    assert "not allowed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0

    login_as(make_user(role=Role.ADMIN))
    for url in ("/search/?q=a%00b", "/moderation/audit?q=%00&action=%00", "/admin/users?q=x%00", "/projects/?q=%00"):
        assert client.get(url).status_code in (200, 404, 422), url


def test_an_lsg_statement_without_projects_is_an_empty_statement(client, login_as):
    official = make_official()
    lsg = official.memberships[0].lsg
    login_as(official)
    response = client.get(f"/pledges/lsgs/{lsg.id}/statement")
    assert response.status_code == 200
    assert "No money was received in this year." in response.get_data(as_text=True)
    assert client.get(f"/pledges/lsgs/0{lsg.id}/statement").status_code == 404


def test_a_profile_post_without_any_field_is_a_form_error_not_a_500(client, login_as):
    """Found by tests/test_fuzz.py: with no form at all the sectors' list was None."""
    login_as(make_user())
    assert client.post("/members/me", data={}).status_code in (302, 422)
