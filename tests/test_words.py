"""Words a reader sees: one sense per word, no doubled full stop, no name said twice, rates as
people write them, the true reason an offer is refused, a map in the reader's language, and an
official who sees who offered their time."""
import re
from decimal import Decimal
from datetime import timedelta

from flask_babel import force_locale

from app.extensions import db
from app.models import ProfileVisibility, Role, Skill
from app.money import format_rate
from app.services import pledges as pledge_service
from app.services import profiles, projects
from tests.factories import jpeg_upload, make_official, make_profile, make_project, make_user
from tests.test_skill_offers import surgery_week, verified_surgeon


def _text(response):
    return response.get_data(as_text=True)


def test_city_where_one_lives_is_not_the_municipality_type(client, login_as):
    login_as(make_user(locale="ru"))
    profile_page = _text(client.get("/members/me"))
    assert "Город республиканского значения" not in profile_page
    assert ">Город<" in profile_page

    login_as(make_user(role=Role.ADMIN, locale="ru"))
    admin_page = _text(client.get("/admin/municipalities"))
    assert "Город республиканского значения" in admin_page


def test_a_sentence_ending_with_a_date_has_one_full_stop(client, login_as):
    _project, need = surgery_week(make_official(), verified_required=False)
    login_as(make_user(locale="ru"))
    page = _text(client.get(f"/pledges/needs/{need.id}"))
    assert "г.." not in page
    assert "Предложите себя на одно место" in page


def test_an_in_kind_need_without_title_names_its_item_once(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    projects.add_need(official, project, "in_kind", item="Cement M400", quantity=40, unit="boxes")
    db.session.commit()
    login_as(official)
    manage = _text(client.get(f"/projects/{project.id}/manage"))
    listed = manage.split("<strong>Cement M400</strong>", 1)[1].split("</li>", 1)[0]
    assert "Cement M400" not in listed and "40 boxes" in listed
    detail = _text(client.get(f"/projects/{project.id}"))
    assert detail.count("Cement M400") == 1


def test_a_rate_has_no_trailing_zeros_and_the_readers_decimal_mark(app):
    with app.test_request_context(), force_locale("ru"):
        assert format_rate(87_450_000) == "87,45"
        assert format_rate(87_000_000) == "87"
        assert format_rate(1_234_567) == "1,234567"
    with app.test_request_context(), force_locale("en"):
        assert format_rate(87_450_000) == "87.45"


def test_the_admins_rates_page_shows_rates_without_trailing_zeros(client, login_as):
    admin = login_as(make_user(role=Role.ADMIN, locale="ru"))
    pledge_service.set_rate(admin, "USD", Decimal("87.45"))
    db.session.commit()
    page = _text(client.get("/admin/rates"))
    assert "1 USD = 87,45 KGS" in page
    assert "87.4500" not in page


def test_an_offer_waiting_for_the_licence_check_says_so(client, login_as):
    _project, need = surgery_week(make_official())
    member = make_user()
    held = profiles.add_skill(member, db.session.scalar(db.select(Skill).filter_by(code="surgeon")))
    profiles.submit_credential(member, held.id, jpeg_upload())
    db.session.commit()
    login_as(member)
    response = client.post(f"/pledges/needs/{need.id}", data={
        "starts_on": need.starts_on.isoformat(), "ends_on": need.ends_on.isoformat()})
    assert response.status_code == 422
    page = _text(response)
    assert "waiting for a moderator" in page
    assert "Upload your licence" not in page


def test_the_map_speaks_the_readers_language(client):
    project = make_project(make_official(), publish=True)
    page = _text(client.get(f"/projects/{project.id}", headers={"Accept-Language": "ru"}))
    assert 'data-zoom-in-title="Приблизить"' in page
    assert 'data-zoom-out-title="Отдалить"' in page
    assert "участники OpenStreetMap" in page
    assert 'data-leaflet-title="Библиотека JavaScript для интерактивных карт"' in page


def _offer(member, need):
    pledge_service.offer_skill(member, need, starts_on=need.starts_on, ends_on=need.starts_on + timedelta(days=1))
    db.session.commit()


def test_incoming_offers_have_a_positive_accept_and_a_danger_decline(client, login_as):
    official = make_official()
    _project, need = surgery_week(official)
    _offer(verified_surgeon(name="Dr Aibek"), need)
    login_as(official)
    page = _text(client.get(f"/pledges/projects/{need.project_id}"))
    accept = re.search(r'<button[^>]*class="([^"]*)"[^>]*>Accept: give them a place', page)
    decline = re.search(r'<button[^>]*class="([^"]*)"[^>]*>Decline<', page)
    assert "button-positive" in accept.group(1) and "button-danger" not in accept.group(1)
    assert "button-danger" in decline.group(1) and "button-secondary" in decline.group(1)


def test_incoming_offers_link_a_visible_profile_and_show_the_licence(client, login_as):
    official = make_official()
    _project, need = surgery_week(official, verified_required=False)
    shown = verified_surgeon(name="Dr Aibek")
    make_profile(shown, visibility=ProfileVisibility.PUBLIC)
    waiting = make_user(name="Dr Nurlan")
    held = profiles.add_skill(waiting, db.session.scalar(db.select(Skill).filter_by(code="surgeon")))
    profiles.submit_credential(waiting, held.id, jpeg_upload())
    make_profile(waiting, visibility=ProfileVisibility.PRIVATE)
    without = make_user(name="Dr Asel")
    for member in (shown, waiting, without):
        _offer(member, need)
    login_as(official)
    page = _text(client.get(f"/pledges/projects/{need.project_id}"))
    assert f'<a href="/members/{shown.id}">Dr Aibek</a>' in page
    assert f'/members/{waiting.id}"' not in page and "Dr Nurlan" in page
    assert f'/members/{without.id}"' not in page and "Dr Asel" in page
    cards = {name: page.split(name, 1)[1].split("</li>", 1)[0] for name in ("Dr Aibek", "Dr Nurlan", "Dr Asel")}
    assert "licence verified" in cards["Dr Aibek"]
    assert "licence waiting for a moderator" in cards["Dr Nurlan"]
    assert "no licence uploaded" in cards["Dr Asel"]
