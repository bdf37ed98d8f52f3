"""The worker's reminders: each told once per occasion to the right people, never before its time.

Time moves with the ``clock`` fixture (tests/conftest.py), never with sleeps."""
from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import NeedKind, Notification, ScheduledTask
from app.schedule import run_due
from app.services import notifications
from app.services import pledges as pledge_service
from app.services import projects
from app.services.reminders import send_reminders
from app.worker import SCHEDULE, run
from tests.factories import make_lsg, make_membership, make_official, make_project, make_user

START = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def lsg(app):
    return make_lsg()


@pytest.fixture
def officials(lsg):
    first = make_official(lsg)
    second = make_user()
    make_membership(second, lsg, approved=True)
    return [first, second]


@pytest.fixture
def project(officials, lsg, clock):
    clock.set(START)
    return make_project(officials[0], lsg, publish=True)


def _need(project, kind):
    return next(need for need in project.needs if need.kind == kind)


def _pledge(project, member=None, method="bank_transfer"):
    pledge = pledge_service.pledge_money(member or make_user(), _need(project, NeedKind.FUNDS), amount=1_000_00,
                                         currency="KGS", method=method, reference="KICB 1")
    db.session.commit()
    return pledge


def _told(kind):
    return db.session.scalars(db.select(Notification).filter_by(kind=kind).order_by(Notification.id)).all()


def _recipients(kind):
    return sorted(n.user_id for n in _told(kind))


def _ids(users):
    return sorted(u.id for u in users)


def _run():
    told = send_reminders()
    db.session.commit()
    return told


def test_waiting_pledges_recall_the_officials_once_then_the_moderators(app, clock, project, officials):
    _pledge(project)
    _pledge(project, method="cash")
    clock.advance(days=6, hours=23)
    _run()
    assert _told("pledges_waiting") == []  # not before its time

    clock.advance(hours=2)
    _run()
    told = _told("pledges_waiting")
    assert _recipients("pledges_waiting") == _ids(officials)  # each official once, for the project
    assert {(n.project_id, n.params["count"], n.params["days"]) for n in told} == {(project.id, 2, 7)}
    with force_locale("en"):
        assert notifications.text_of(told[0]) == (
            "Offline pledges to “Bridge over the Naryn river” waiting for confirmation for more than 7 days: 2.")
    with force_locale("ru"):
        assert notifications.text_of(told[0]) == (
            "Офлайн-взносы на «Bridge over the Naryn river», ждущие подтверждения дольше 7 дн.: 2.")
    assert _told("pledges_waiting_escalated") == []

    _run()
    clock.advance(days=3)
    _run()
    assert len(_told("pledges_waiting")) == 2  # a rerun, a later run: nobody is told twice

    clock.advance(days=4, hours=1)  # 14 days and more: the moderators hear of it
    _run()
    escalated = _told("pledges_waiting_escalated")
    assert _recipients("pledges_waiting_escalated") == _ids(notifications.moderators())
    assert {(n.project_id, n.params["count"], n.params["days"]) for n in escalated} == {(project.id, 2, 14)}
    assert escalated[0].params["lsg"]["en"] == "At-Bashy ayil okmotu"
    _run()
    assert len(_told("pledges_waiting_escalated")) == len(escalated)
    assert len(_told("pledges_waiting")) == 2


def test_a_pledge_that_passes_the_period_later_is_a_new_reminder_counting_all(app, clock, project, officials):
    _pledge(project)
    clock.advance(days=3)
    _pledge(project)
    clock.advance(days=4, hours=1)
    _run()
    assert [n.params["count"] for n in _told("pledges_waiting")] == [1, 1]
    clock.advance(days=3)
    _run()
    assert [n.params["count"] for n in _told("pledges_waiting")] == [1, 1, 2, 2]
    assert _recipients("pledges_waiting") == sorted(_ids(officials) * 2)


def test_confirmed_rejected_and_card_pledges_are_not_recalled(app, clock, project, officials):
    confirmed, rejected = _pledge(project), _pledge(project)
    pledge_service.confirm_pledge(officials[0], confirmed, reference="received")
    pledge_service.reject_pledge(officials[0], rejected, reason="Never arrived")
    goods_and_skills = pledge_service.offer_skill(make_user(), _need(project, NeedKind.SKILL),
                                                  starts_on=date(2027, 5, 11), ends_on=date(2027, 5, 12))
    db.session.commit()
    clock.advance(days=20)
    _run()
    assert _told("pledges_waiting") == [] and _told("pledges_waiting_escalated") == []
    assert goods_and_skills.status.value == "pending"  # an offer is answered, not recalled here


def test_accepted_volunteers_hear_a_week_before_their_days(app, clock, project, officials):
    need = _need(project, NeedKind.SKILL)  # its window: 10–17 May 2027
    first, second, waiting = make_user(), make_user(), make_user()
    offers = [pledge_service.offer_skill(member, need, starts_on=date(2027, 5, 11), ends_on=date(2027, 5, 12))
              for member in (first, second)]
    later = pledge_service.offer_skill(waiting, need, starts_on=date(2027, 5, 14), ends_on=date(2027, 5, 15))
    for offer in offers:
        pledge_service.accept_offer(officials[0], offer)
    db.session.commit()

    clock.set(datetime(2027, 5, 3, 8))
    _run()
    assert _told("mission_soon") == []  # eight days before: not yet
    clock.set(datetime(2027, 5, 4, 8))
    _run()
    told = _told("mission_soon")
    assert _recipients("mission_soon") == _ids([first, second])  # the pending offer hears nothing
    assert {(n.params["pledge_id"], n.params["starts_on"]["date"]) for n in told} == {
        (o.id, "2027-05-11") for o in offers}
    with force_locale("en"):
        assert notifications.text_of(told[0]) == (
            "“Civil engineer” on “Bridge over the Naryn river” starts on May 11, 2027.")
    clock.set(datetime(2027, 5, 6, 8))
    _run()
    assert len(_told("mission_soon")) == 2
    assert later.status.value == "pending"


def test_a_silent_project_recalls_its_officials_before_the_silent_flag(app, clock, project, officials, lsg):
    draft = make_project(officials[0], lsg, title="Draft road")
    clock.advance(days=79, hours=23)
    _run()
    assert _told("update_due") == []
    clock.advance(hours=2)
    _run()
    assert _recipients("update_due") == _ids(officials)
    assert {(n.project_id, n.params["days"]) for n in _told("update_due")} == {(project.id, 80)}
    assert draft.id not in {n.project_id for n in _told("update_due")}
    for _ in range(3):
        clock.advance(days=5)
        _run()
    assert len(_told("update_due")) == 2  # once per silence, however long it lasts

    projects.post_update(officials[1], project, body="The foundations are poured.")
    db.session.commit()
    clock.advance(days=81)
    _run()
    assert len(_told("update_due")) == 4  # a new silence, counted from the update: told again


def test_a_project_silent_past_the_flag_is_not_told_it_may_still_avoid_it(app, clock, project):
    clock.advance(days=95)  # the reminders started after the flag: its words would be untrue
    _run()
    assert _told("update_due") == []


def test_the_worker_runs_the_reminders_once_a_day(app, clock, project, officials):
    _pledge(project)
    clock.advance(days=8)
    run(interval=0, once=True)
    assert _recipients("pledges_waiting") == _ids(officials)
    row = db.session.get(ScheduledTask, "reminders")
    assert row.next_run_at == clock.now + timedelta(days=1)
    _pledge(project)
    clock.advance(days=8)  # the second pledge waits 8 days too; the schedule is due again
    assert "reminders" in run_due(SCHEDULE)
    assert "reminders" not in run_due(SCHEDULE)
    assert len(_told("pledges_waiting")) == 4


def test_a_deactivated_official_is_not_told(app, clock, project, officials):
    officials[1].active = False
    db.session.commit()
    _pledge(project)
    clock.advance(days=8)
    _run()
    assert _recipients("pledges_waiting") == [officials[0].id]
    assert _told("pledges_waiting_escalated") == []


def test_each_reminder_links_to_a_page_its_reader_may_open(app, clock, client, login_as, project, officials):
    _pledge(project)
    clock.advance(days=15)
    _run()
    for kind in ("pledges_waiting", "pledges_waiting_escalated"):
        notification = _told(kind)[0]
        login_as(db.session.get(type(officials[0]), notification.user_id))
        opened = client.post(f"/notifications/{notification.id}/open")
        assert opened.status_code == 302
        assert client.get(opened.location).status_code == 200, (kind, opened.location)
