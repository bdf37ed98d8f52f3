"""Regressions found reviewing the dialogue (issue 11): what the public must not read, a page any
member could break, a rule an addressee could game, mail after "stop", words in the wrong form."""
from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.markdown import render_markdown
from app.models import NeedKind, Notification, Role, Sector
from app.services import follows, ministries, notifications, projects, questions, reminders
from app.services import pledges as pledge_service
from app.worker import drain
from tests.factories import make_lsg, make_official, make_project, make_user

PUBLIC_URL = "https://birge.example/"
THURSDAY = datetime(2027, 3, 4, 4, 0)


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def official():
    official = make_official(make_lsg())
    notifications.set_preference(official, notifications.ALL_KINDS, notifications.Channel.APP)
    return official


@pytest.fixture
def project(official):
    return make_project(official, title="Bridge over the Naryn river", publish=True)


def _told(user, kind):
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind=kind)).all()


def test_a_title_waiting_for_review_never_reaches_followers(app, client, login_as, official, project):
    follower = make_user()
    follows.follow(follower, "project", project.id)
    projects.update_project(official, project, title="SECRET DRAFT TITLE", currency="KGS", budget=project.budget,
                            lat=None, lon=None, starts_on=project.starts_on, ends_on=project.ends_on,
                            summary=project.summary, description=project.description, sector=project.sector)
    projects.post_update(official, project, body="Poured.")
    db.session.commit()
    [told] = _told(follower, "project_update")
    with app.test_request_context():
        assert "Bridge over the Naryn river" in notifications.text_of(told)
    login_as(follower)
    for page in ("/notifications/", "/following/"):
        html = client.get(page).get_data(as_text=True)
        assert "SECRET DRAFT TITLE" not in html and "Bridge over the Naryn river" in html, page


def test_a_hidden_question_is_not_read_in_the_bell_either(app, client, login_as, official, project):
    asker = make_user()
    question = questions.ask_question(asker, project, to="lsg", body="ABUSIVE TEXT here", show_name=True)
    questions.hide(make_user(role=Role.MODERATOR), question, reason="Insults")
    db.session.commit()
    login_as(official)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "ABUSIVE TEXT" not in html and "Bridge over the Naryn river" in html


def test_markdown_nested_too_deep_is_shown_as_text_not_an_error(app, client, login_as, project):
    hostile = "1. " * 600
    assert render_markdown(hostile)  # no RecursionError
    login_as(make_user())
    assert client.post(f"/projects/{project.id}/ask", data={"to": "lsg", "body": hostile, "show_as": "name"}
                       ).status_code == 302
    assert client.get(f"/projects/{project.id}").status_code == 200


def test_hiding_the_only_answer_reopens_the_question(app, clock, official, project):
    clock.set(THURSDAY)
    question = questions.ask_question(make_user(), project, to="lsg", body="When?", show_name=True)
    answer = questions.answer_question(official, question, body="...")
    questions.hide(make_user(role=Role.MODERATOR), answer, reason="Not an answer")
    db.session.commit()
    assert question.answered_at is None
    clock.advance(days=20)
    assert question.is_late(clock.now)
    assert questions.late_questions()[0] == 1
    record = ministries.answer_record(project.lsg)
    assert (record.counted, record.answered) == (1, 0)


def test_a_question_on_a_project_taken_down_is_not_chased_nor_counted(app, clock, official, project):
    clock.set(THURSDAY)
    questions.ask_question(make_user(), project, to="lsg", body="When?", show_name=True)
    projects.unpublish_project(make_user(role=Role.MODERATOR), project, reason="Documents to check again")
    db.session.commit()
    clock.advance(days=20)
    assert questions.late_questions() == (0, 0)
    assert ministries.answer_record(project.lsg).counted == 0


def test_no_digest_after_stop_digest_mails(app, mailbox, clock, official, project):
    member = make_user()
    follows.follow(member, "project", project.id)
    projects.post_update(official, project, body="Foundations.")
    db.session.commit()
    notifications.unsubscribe(member, "digest")
    db.session.commit()
    clock.advance(days=8)
    drain()
    assert [m for m in mailbox.messages if m["To"] == member.email] == []


def test_the_mission_date_is_written_in_the_readers_language(app, clock, official):
    project = make_project(official, title="Surgery week", publish=True)
    need = next(n for n in project.needs if n.kind == NeedKind.SKILL)
    volunteer = make_user(locale="ru")
    offer = pledge_service.offer_skill(volunteer, need, starts_on=need.starts_on, ends_on=need.ends_on)
    pledge_service.accept_offer(official, offer)
    db.session.commit()
    clock.set(datetime.combine(need.starts_on - timedelta(days=5), datetime.min.time()))
    reminders.send_reminders()
    [told] = _told(volunteer, "mission_soon")
    with app.test_request_context(), force_locale("ru"):
        text = notifications.text_of(told)
    assert need.starts_on.isoformat() not in text and "мая 2027" in text, text


def test_an_update_is_told_as_plain_text(app, official, project):
    follower = make_user()
    follows.follow(follower, "project", project.id)
    projects.post_update(official, project, body="The **deck** is laid: [photos](https://example.kg/p).")
    db.session.commit()
    [told] = _told(follower, "project_update")
    with app.test_request_context():
        text = notifications.text_of(told)
    assert "**" not in text and "](" not in text and "The deck is laid" in text
