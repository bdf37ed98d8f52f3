"""An official's "needs attention" page: counts and links of what waits across their LSGs' projects,
their home after logging in; nobody else's."""
import re
from dataclasses import replace
from datetime import date, datetime

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import NeedKind, Role
from app.services import pledges as pledge_service
from app.services import messages, projects, questions
from app.services.attention import attention_items
from tests.factories import PASSWORD, make_lsg, make_official, make_project, make_user

START = datetime(2026, 12, 1, 9, 0)


def _need(project, kind):
    return next(need for need in project.needs if need.kind == kind)


def _money(project, member=None, method="bank_transfer"):
    return pledge_service.pledge_money(member or make_user(), _need(project, NeedKind.FUNDS), amount=1_000_00,
                                       currency="KGS", method=method, reference="KICB 1")


@pytest.fixture
def lsg(app):
    return make_lsg()


@pytest.fixture
def official(lsg):
    return make_official(lsg)


@pytest.fixture
def busy(app, clock, lsg, official):
    """An LSG with some of everything: returns its projects by name."""
    moderator = make_user(role=Role.MODERATOR)
    clock.set(START)
    old = make_project(official, lsg, title="Old bridge", publish=True)  # silent for 95 days at the end
    clock.advance(days=10)
    soon = make_project(official, lsg, title="Soon silent canal", publish=True)  # 85 days at the end
    clock.advance(days=75)
    fresh = make_project(official, lsg, title="Fresh school roof")
    projects.add_need(official, fresh, "in_kind", item="Cement bags", quantity=200, unit="bags")
    projects.submit_project(official, fresh)
    projects.publish_project(moderator, fresh, reason="Documents checked")
    sent_back = make_project(official, lsg, title="Clinic sent back", submit=True)
    projects.request_changes(moderator, sent_back, reason="Add the estimate")
    draft = make_project(official, lsg, title="Draft kindergarten")
    db.session.commit()

    oldest = _money(fresh)
    clock.advance(days=2)
    _money(fresh, method="cash")
    _money(old, method="mobile_wallet")
    _money(fresh, member=official)  # their own: someone else confirms it
    confirmed = _money(fresh)
    pledge_service.confirm_pledge(official, confirmed, reference="received")
    pledge_service.offer_skill(make_user(), _need(fresh, NeedKind.SKILL), starts_on=date(2027, 5, 11),
                               ends_on=date(2027, 5, 12))
    pledge_service.pledge_goods(make_user(), _need(fresh, NeedKind.IN_KIND), quantity=20)
    asker = make_user(name="Asel Asker")
    questions.ask_question(asker, fresh, to="lsg", body="When does the roof work start?", show_name=True)
    writer = make_user(name="Bakyt Writer")
    _money(fresh, member=writer)
    messages.write_to_lsg(writer, lsg.id, "Did my transfer arrive?")
    db.session.commit()
    clock.advance(days=8)  # the oldest pledge: 10 days
    assert (clock.now - oldest.created_at).days == 10
    return dict(old=old, soon=soon, fresh=fresh, sent_back=sent_back, draft=draft)


def _items(app, official):
    """The items as an English reader's request gets them (labels read there)."""
    with app.test_request_context(), force_locale("en"):
        return [replace(item, label=str(item.label)) for item in attention_items(official)]


def _by_label(items):
    return {item.label: item for item in items}


def test_the_counts_and_links_of_an_official_with_some_of_each(app, client, login_as, official, busy):
    items = _by_label(_items(app, official))
    old, soon, fresh = busy["old"], busy["soon"], busy["fresh"]
    money = items["Offline pledges of money to confirm"]
    assert money.count == 4  # not the confirmed one, not the official's own
    assert money.url == f"/pledges/projects/{fresh.id}"  # where the oldest waits
    assert money.links == (("Fresh school roof", 3, f"/pledges/projects/{fresh.id}"),
                           ("Old bridge", 1, f"/pledges/projects/{old.id}"))
    assert money.detail == "The oldest has waited 10 days."
    assert (items["Offers of skills to answer"].count, items["Offers of skills to answer"].url) == (
        1, f"/pledges/projects/{fresh.id}")
    assert (items["Pledges of goods to answer"].count, items["Pledges of goods to answer"].url) == (
        1, f"/pledges/projects/{fresh.id}")
    overdue = items["Updates overdue: shown as silent to the public"]
    assert (overdue.count, overdue.url, overdue.detail) == (
        1, f"/projects/{old.id}/updates/new", "The longest without an update: 95 days.")
    due = items["Updates due soon"]
    assert (due.count, due.url) == (1, f"/projects/{soon.id}/updates/new")
    back = items["Sent back by moderators for changes"]
    assert (back.count, back.url) == (1, f"/projects/{busy['sent_back'].id}/manage")
    asked = items["Questions to answer"]
    assert (asked.count, asked.url) == (1, f"/projects/{fresh.id}")
    # asked on Friday 26 February 2027, due at the end of the third working day (Wednesday), read 8 days on
    assert asked.detail == "The oldest is late by 2 days."
    unread = items["Messages not read yet"]
    assert (unread.count, unread.links[0][:2]) == (1, ("Bakyt Writer", 1))
    assert unread.url.startswith("/messages/")
    drafts = items["Drafts not yet sent for review"]
    assert (drafts.count, drafts.url) == (1, f"/projects/{busy['draft'].id}/manage")

    login_as(official)
    page = client.get("/attention/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for item in items.values():
        assert re.search(rf'href="{re.escape(item.url)}"><span class="attention-count">{item.count}</span>', html)
    assert "The oldest has waited 10 days." in html
    assert f'<a href="/pledges/projects/{old.id}">Old bridge</a>' in html  # each project with some
    assert "Nothing needs your attention" not in html


def test_an_official_of_another_lsg_sees_none_of_it(app, client, login_as, busy):
    other = make_official(make_lsg("KG-N-KOC-01", name="Kochkor"))
    assert all(item.count == 0 for item in _items(app, other))
    login_as(other)
    html = client.get("/attention/").get_data(as_text=True)
    assert "Nothing needs your attention now" in html
    assert "attention-count" not in html


def test_a_pledge_made_today_says_so(app, official, lsg):
    project = make_project(official, lsg, publish=True)
    _money(project)
    db.session.commit()
    assert _by_label(_items(app, official))["Offline pledges of money to confirm"].detail == "The oldest came today."


def test_an_official_with_nothing_waiting_sees_the_empty_state(client, login_as, official):
    login_as(official)
    page = client.get("/attention/")
    assert page.status_code == 200
    assert "Nothing needs your attention now" in page.get_data(as_text=True)
    assert 'href="/attention/"' in page.get_data(as_text=True)  # the header links it for officials


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR, Role.ADMIN])
def test_people_who_are_not_officials_are_refused(client, login_as, app, role):
    login_as(make_user(role=role))
    assert client.get("/attention/").status_code == 403
    assert 'href="/attention/"' not in client.get("/").get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in(client, app):
    response = client.get("/attention/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_officials_land_on_it_after_logging_in_others_on_the_home_page(client, app, official):
    response = client.post("/auth/login", data={"email": official.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/attention/")
    client.post("/auth/logout")
    member = make_user()
    response = client.post("/auth/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/")
    assert not response.location.endswith("/attention/")


def test_a_next_page_still_wins_for_an_official(client, app, official):
    response = client.post("/auth/login?next=/pledges/", data={"email": official.email,
                                                               "password": PASSWORD,
                                                               "next": "/pledges/"})
    assert response.status_code == 302 and response.location.endswith("/pledges/")
