"""Notifications: one per person and event, words in the reader's language, mail once through the
worker, a one-click unsubscribe that needs no login, and the schedule that runs each task once.

Mail goes to the real SMTP server of tests/mailbox.py."""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Channel, Notification, OutboxJob, ScheduledTask
from app.schedule import Task, run_due
from app.services import notifications
from app.worker import drain
from tests.factories import make_lsg, make_membership, make_official, make_project, make_user

PUBLIC_URL = "https://birge.example/"


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def project():
    lsg = make_lsg()
    # These tests count mails: the official hears of the approval and the project in the app only.
    official = make_user()
    notifications.set_preference(official, notifications.ALL_KINDS, Channel.APP)
    make_membership(official, lsg, approved=True)
    return make_project(official, lsg, title="Bridge over the Naryn river")


def _confirmed(member, project, amount=500_000):
    return notifications.notify(member, "pledge_confirmed", project=project, pledge_id=1,
                                amount=notifications.money_param(amount, "KGS"))


def _links(message):
    return re.findall(r"https://birge\.example/\S+", message.get_content())


def test_a_notification_is_written_in_the_readers_language_when_shown(app, client, login_as, project):
    member = make_user(locale="ru")
    _confirmed(member, project)
    db.session.commit()
    login_as(member)
    page = client.get("/notifications/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Bridge over the Naryn river" in page
    assert "подтвержден" in page  # Russian words around the project's own title
    client.post("/lang", data={"lang": "ky", "next": "/notifications/"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "ырасталды" in page  # the same notification, now read in Kyrgyz


def test_the_bell_counts_unread_ones_and_reading_them_clears_it(app, client, login_as, project):
    member = make_user()
    first = _confirmed(member, project)
    _confirmed(member, project, amount=100_000)
    db.session.commit()
    login_as(member)
    assert re.search(r'class="bell-count">2<', client.get("/notifications/").get_data(as_text=True))
    opened = client.post(f"/notifications/{first.id}/open")
    assert opened.status_code == 302 and opened.location.endswith("/pledges/1/receipt")
    assert re.search(r'class="bell-count">1<', client.get("/notifications/").get_data(as_text=True))
    client.post("/notifications/read")
    assert "bell-count" not in client.get("/notifications/").get_data(as_text=True)


def test_someone_elses_notification_cannot_be_opened(app, client, login_as, project):
    owner, other = make_user(), make_user()
    theirs = _confirmed(owner, project)
    db.session.commit()
    login_as(other)
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_centre_groups_by_project_newest_first(app, client, login_as, project, clock):
    member = make_user()
    other = make_project(make_official(make_lsg("KG-N-KOC-01", name="Kochkor")), title="School roof in Kochkor")
    _confirmed(member, project)
    clock.advance(minutes=1)
    _confirmed(member, other)
    clock.advance(minutes=1)
    notifications.notify(member, "membership_approved", lsg={"ky": "Ат-Башы", "ru": "Ат-Баши", "en": "At-Bashy"})
    db.session.commit()
    login_as(member)
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.index("About you") < page.index("School roof in Kochkor") < page.index("Bridge over the Naryn")


def test_mail_is_sent_once_by_the_worker_in_the_readers_language(app, mailbox, project):
    member = make_user(locale="ky")
    notification = _confirmed(member, project)
    db.session.commit()
    assert mailbox.messages == []  # nothing is sent inside the transaction that notified
    drain()
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == member.email
    assert "ырасталды" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert db.session.get(Notification, notification.id).mail_sent_at is not None
    db.session.add(OutboxJob(kind="mail", entity="notification", entity_id=notification.id))  # a retry
    db.session.commit()
    drain()
    assert len(mailbox.messages) == 1


def test_in_app_only_means_no_mail(app, mailbox, project):
    member = make_user()
    notifications.set_preference(member, "pledge_confirmed", Channel.APP)
    _confirmed(member, project)
    db.session.commit()
    drain()
    assert mailbox.messages == []
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(user_id=member.id)) == 1


def test_a_refused_mail_is_retried_and_does_not_stop_the_others(app, mailbox, project):
    first, second = make_user(), make_user()
    _confirmed(first, project)
    _confirmed(second, project)
    db.session.commit()
    mailbox.refuse(1)
    drain()
    assert [m["To"] for m in mailbox.messages] == [second.email]
    for job in db.session.scalars(db.select(OutboxJob)):
        job.available_at = job.available_at - timedelta(minutes=10)
    db.session.commit()
    drain()
    assert sorted(m["To"] for m in mailbox.messages) == sorted([first.email, second.email])


def test_the_unsubscribe_link_works_without_logging_in(app, client, mailbox, project):
    member = make_user()
    _confirmed(member, project)
    db.session.commit()
    drain()
    link = next(url for url in _links(mailbox.messages[0]) if "/unsubscribe/" in url)
    path = link.removeprefix(PUBLIC_URL.rstrip("/"))
    page = client.get(path)
    assert page.status_code == 200 and "Stop these mails" in page.get_data(as_text=True)
    assert notifications.channel_for(member, "pledge_confirmed") == Channel.MAIL  # a GET changes nothing
    done = client.post(path)  # what a mail client's one-click button sends: no session, no CSRF token
    assert done.status_code == 200 and "no more mail" in done.get_data(as_text=True)
    assert notifications.channel_for(member, "pledge_confirmed") == Channel.APP
    assert notifications.channel_for(member, "pledge_rejected") == Channel.MAIL  # only that kind


def test_a_forged_unsubscribe_token_is_not_found(app, client, project):
    member = make_user()
    token = notifications.unsubscribe_token(member, "pledge_confirmed")
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx").status_code == 404
    assert notifications.channel_for(member, "pledge_confirmed") == Channel.MAIL


def test_preferences_are_saved_per_kind(app, client, login_as):
    member = login_as(make_user())
    form = {f"kind_{kind}": "mail" for kind in notifications.KINDS}
    form.update(kind_project_update="app", digest_every="day")
    assert client.post("/notifications/preferences", data=form).status_code == 302
    assert notifications.channel_for(member, "project_update") == Channel.APP
    assert member.digest_every == "day"
    form["kind_pledge_confirmed"] = "pigeon"
    page = client.post("/notifications/preferences", data=form)
    assert page.status_code == 422 and "Not a valid choice" in page.get_data(as_text=True)
    assert notifications.channel_for(member, "pledge_confirmed") == Channel.MAIL


def test_a_deactivated_account_is_not_told(app, project):
    member = make_user()
    member.active = False
    assert _confirmed(member, project) is None


def test_notify_all_tells_each_person_once_and_not_whoever_caused_it(app, project):
    official, member = make_user(), make_user()
    written = notifications.notify_all([official, member, member], "project_update", project=project,
                                       besides=[official], update="New photos")
    assert [n.user_id for n in written] == [member.id]


def test_every_kind_has_words_a_label_and_a_link(app):
    member = make_user()
    for name, kind in notifications.KINDS.items():
        assert str(kind.label) and str(kind.text)
        with app.test_request_context():
            notification = Notification(user=member, kind=name, params={"project_id": 1, "pledge_id": 1, "thread_id": 1, "lsg_id": 1, "volunteer_id": 1})
            assert notifications.link_of(notification).startswith("/")
            assert notifications.text_of(notification)  # missing params: still something to read


# ---------------------------------------------------------------- the schedule


def test_a_scheduled_task_runs_when_due_and_not_again_before_its_next_time(app, clock):
    runs = []
    schedule = {"count": Task(timedelta(days=1), lambda: runs.append(clock.now))}
    assert run_due(schedule) == ["count"]
    assert run_due(schedule) == []
    clock.advance(hours=23)
    assert run_due(schedule) == []
    clock.advance(hours=1)
    assert run_due(schedule) == ["count"]
    assert len(runs) == 2
    assert db.session.get(ScheduledTask, "count").next_run_at == clock.now + timedelta(days=1)


def test_a_failing_task_does_not_stop_the_others_and_is_tried_again_later(app, clock, caplog):
    runs = []

    def broken():
        raise RuntimeError("the digest could not be built")

    schedule = {"broken": Task(timedelta(hours=1), broken), "fine": Task(timedelta(hours=1), lambda: runs.append(1))}
    assert run_due(schedule) == ["fine"]
    assert "broken failed" in caplog.text
    clock.advance(hours=1)
    assert run_due(schedule) == ["fine"]
    assert runs == [1, 1]


def test_each_person_chooses_only_for_what_they_can_receive(app, client, login_as, project):
    login_as(make_user())
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "A pledge of mine is confirmed" in page and "A new pledge of money" not in page
    login_as(make_official(project.lsg))
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "A new pledge of money" in page and "Offline pledges wait too long" not in page


def test_a_mail_not_sent_yet_is_not_sent_after_its_kind_was_unsubscribed(app, mailbox, project):
    member = make_user()
    _confirmed(member, project)
    notifications.unsubscribe(member, "pledge_confirmed")  # before the worker got to it
    db.session.commit()
    drain()
    assert mailbox.messages == []
