"""Following projects, LSGs and places; who hears of an update or a new project; the weekly (or
daily) digest, mailed once by the worker, grouped by project, with links and a one-click unsubscribe.

Mail goes to the real SMTP server of tests/mailbox.py; time moves with the ``clock`` fixture."""
import re
import threading

import pytest
from flask_babel import force_locale

from app.extensions import db
from app.models import Channel, Notification, OutboxJob, User
from app.models.follows import DigestMail, Follow, FollowTarget
from app.services import follows, notifications
from app.services import pledges as pledge_service
from app.services import projects
from app.worker import drain
from tests.factories import make_lsg, make_official, make_project, make_user

PUBLIC_URL = "https://birge.example/"


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port, "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def official():
    """Hears everything in the app only: these tests count the digests' mails."""
    official = make_official(make_lsg())
    notifications.set_preference(official, notifications.ALL_KINDS, Channel.APP)
    return official


@pytest.fixture
def project(official):
    return make_project(official, title="Bridge over the Naryn river", publish=True)


def _funds(project):
    return next(n for n in project.needs if n.kind.value == "funds")


def _post(official, project, body="The foundations are poured."):
    update = projects.post_update(official, project, body=body)
    db.session.commit()
    return update


def _told(user, kind="project_update"):
    return db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind=kind)).all()


def _links(message):
    return re.findall(r"https://birge\.example/\S+", message.get_content())


# ---------------------------------------------------------------- following from the pages


def test_follow_and_unfollow_from_the_project_page(app, client, login_as, project):
    member = login_as(make_user())
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Follow this project" in page and "Follow At-Bashy ayil aymak" in page  # the project and its village
    back = client.post(f"/following/project/{project.id}", data={"next": f"/projects/{project.id}"})
    assert back.status_code == 302 and back.location.endswith(f"/projects/{project.id}")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Unfollow this project" in page and "Follow this project" not in page
    client.post(f"/following/project/{project.id}", data={"next": f"/projects/{project.id}"})  # twice is once
    assert db.session.scalar(db.select(db.func.count(Follow.id)).filter_by(user_id=member.id)) == 1
    client.post(f"/following/project/{project.id}/unfollow", data={"next": f"/projects/{project.id}"})
    assert "Follow this project" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Follow.id)).filter_by(user_id=member.id)) == 0


def test_follow_from_the_lsg_page_and_unfollow_from_the_list(app, client, login_as, project):
    login_as(make_user())
    lsg = project.lsg
    assert f"Follow {lsg.name_en}" in client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    client.post(f"/following/lsg/{lsg.id}", data={"next": f"/lsgs/{lsg.id}"})
    client.post(f"/following/municipality/{project.municipality_id}")
    listed = client.get("/following/").get_data(as_text=True)
    assert lsg.name_en in listed and project.municipality.name_en in listed
    assert f'action="/following/lsg/{lsg.id}/unfollow"' in listed
    gone = client.post(f"/following/lsg/{lsg.id}/unfollow")
    assert gone.status_code == 302 and gone.location.endswith("/following/")
    listed = client.get("/following/").get_data(as_text=True)
    assert f'action="/following/lsg/{lsg.id}/unfollow"' not in listed
    assert f'action="/following/municipality/{project.municipality_id}/unfollow"' in listed
    assert 'href="/following/"' in listed  # the header menu links the list


def test_a_visitor_is_sent_to_log_in_and_comes_back(app, client, project):
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/auth/login?next=/projects/{project.id}"' in page
    refused = client.post(f"/following/project/{project.id}")
    assert refused.status_code == 302 and "/auth/login" in refused.location
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


def test_a_project_the_public_cannot_see_cannot_be_followed(app, client, login_as, official):
    draft = make_project(official, title="Draft canal")
    login_as(make_user())
    assert client.post(f"/following/project/{draft.id}").status_code == 404
    assert client.post("/following/region/999999").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Follow.id))) == 0


# ---------------------------------------------------------------- who hears of what


def test_an_update_tells_each_follower_and_supporter_once_never_its_author(app, official, project):
    village_follower, pledger, withdrawn, stranger = make_user(), make_user(), make_user(), make_user()
    for kind, target in [("municipality", project.municipality_id), ("project", project.id), ("lsg", project.lsg_id),
                         ("region", project.municipality.district.region_id)]:
        follows.follow(village_follower, kind, target)  # four ways of following: still told once
    follows.follow(official, "project", project.id)  # the author follows their own project
    pledge_service.pledge_money(pledger, _funds(project), amount=1_000_00, currency="KGS", method="cash")
    follows.follow(pledger, "district", project.municipality.district_id)
    gone = pledge_service.pledge_money(withdrawn, _funds(project), amount=1_000_00, currency="KGS", method="cash")
    pledge_service.withdraw_pledge(withdrawn, gone)
    db.session.commit()
    _post(official, project, body="The foundations are poured. " + "Concrete " * 40)
    assert [len(_told(u)) for u in (village_follower, pledger, withdrawn, stranger, official)] == [1, 1, 0, 0, 0]
    told = _told(village_follower)[0]
    assert told.channel == Channel.DIGEST and told.project_id == project.id
    with force_locale("en"):
        text = notifications.text_of(told)
    assert text.startswith("New update on “Bridge over the Naryn river”: The foundations are poured.")
    assert len(text) < 220  # one line: the update's beginning, not all of it


def test_a_new_project_tells_the_followers_of_its_lsg_and_places(app, official, project):
    of_lsg, of_district, of_other_project, of_elsewhere = make_user(), make_user(), make_user(), make_user()
    follows.follow(of_lsg, "lsg", project.lsg_id)
    follows.follow(of_district, "district", project.municipality.district_id)
    follows.follow(of_other_project, "project", project.id)
    elsewhere = make_project(make_official(make_lsg("KG-N-KOC-01", name="Kochkor")), title="School roof", publish=True)
    follows.follow(of_elsewhere, "lsg", elsewhere.lsg_id)
    db.session.commit()
    second = make_project(official, title="Water pipe in At-Bashy", publish=True)
    told = {u: _told(u, "followed_project_published") for u in (of_lsg, of_district, of_other_project, of_elsewhere)}
    assert [len(t) for t in told.values()] == [1, 1, 0, 0]
    with force_locale("en"):
        assert notifications.text_of(told[of_lsg][0]) == "New project in At-Bashy ayil aymak: “Water pipe in At-Bashy”."
    assert told[of_lsg][0].project_id == second.id


# ---------------------------------------------------------------- the digest


def _follower(project, **fields):
    user = make_user(**fields)
    follows.follow(user, "municipality", project.municipality_id)
    db.session.commit()
    return user


def _digests(user):
    return db.session.scalars(db.select(DigestMail).filter_by(user_id=user.id)).all()


def test_the_weekly_digest_comes_after_a_week_grouped_by_project_newest_first(app, mailbox, clock, official, project):
    member = _follower(project)
    school = make_project(official, title="School roof in At-Bashy", publish=True)
    clock.advance(days=1)
    _post(official, project, body="Foundations poured.")
    clock.advance(hours=1)
    _post(official, school, body="Roof beams delivered.")
    clock.advance(hours=1)
    _post(official, project, body="Deck laid.")
    drain()
    clock.advance(days=5)
    drain()
    assert mailbox.messages == []  # not a week yet since they registered
    clock.advance(days=1)
    drain()
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["To"] == member.email and "digest" in mail["Subject"]
    body = mail.get_content()
    # The bridge had the newest event, so it comes first; inside it the newest first.
    assert body.index("Bridge over the Naryn river") < body.index("Deck laid") < body.index("Foundations poured") \
        < body.index("School roof in At-Bashy") < body.index("Roof beams delivered")
    # The school was published after the member followed the village: that is told too.
    assert "New project in At-Bashy ayil aymak: “School roof in At-Bashy”." in body
    links = _links(mail)
    assert f"{PUBLIC_URL}projects/{project.id}#updates" in links and f"{PUBLIC_URL}projects/{school.id}#updates" in links
    assert f"{PUBLIC_URL}following/" in links
    assert mail["List-Unsubscribe"].strip().startswith(f"<{PUBLIC_URL}notifications/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert all(n.digested_at is not None for n in _told(member))

    drain()
    clock.advance(hours=1)
    drain()  # the schedule runs again: nothing is due
    clock.advance(days=8)
    drain()  # a week later, but nothing new: nothing sent
    assert len(mailbox.messages) == 1
    assert len(_digests(member)) == 1

    _post(official, project, body="Railings painted.")
    clock.advance(hours=1)
    drain()  # the last digest is more than a week old: the news goes out at the next run
    assert len(mailbox.messages) == 2
    second = mailbox.messages[1].get_content()
    assert "Railings painted" in second and "Deck laid" not in second


def test_a_daily_digest_in_the_readers_language(app, mailbox, clock, official, project):
    member = _follower(project, locale="ru")
    member.digest_every = "day"
    db.session.commit()
    clock.advance(hours=2)
    _post(official, project)
    drain()
    assert mailbox.messages == []
    clock.advance(days=1)
    drain()
    assert len(mailbox.messages) == 1
    body = mailbox.messages[0].get_content()
    assert "Bridge over the Naryn river" in body and "Новость проекта" in body  # the event's words in Russian


def test_a_digest_job_run_twice_sends_one_mail(app, mailbox, clock, official, project):
    member = _follower(project)
    _post(official, project)
    clock.advance(days=7, hours=1)
    drain()
    digest = _digests(member)[0]
    db.session.add(OutboxJob(kind="mail", entity="digest", entity_id=digest.id))  # a retry
    db.session.commit()
    drain()
    assert len(mailbox.messages) == 1


def test_the_digests_unsubscribe_link_works_without_a_session(app, client, mailbox, clock, official, project):
    member = _follower(project)
    _post(official, project)
    clock.advance(days=7, hours=1)
    drain()
    link = next(url for url in _links(mailbox.messages[0]) if "/unsubscribe/" in url)
    path = link.removeprefix(PUBLIC_URL.rstrip("/"))
    assert "Digest mail" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 200  # no session, no CSRF token: the mail client's POST
    db.session.expire_all()
    chosen = notifications.preferences_of(db.session.get(User, member.id))
    assert chosen["project_update"] == Channel.APP and chosen["followed_project_published"] == Channel.APP
    _post(official, project, body="More news.")
    clock.advance(days=8)
    drain()
    assert len(mailbox.messages) == 1  # no more digests


@pytest.mark.committed  # two workers, each a thread with its own session, on the same database
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # several workers: PostgreSQL's deployment
def test_two_workers_at_once_send_one_digest(app, mailbox, clock, official, project):
    member = _follower(project)
    _post(official, project)
    clock.advance(days=7, hours=1)
    email, member_id = member.email, member.id
    db.session.remove()
    barrier, errors = threading.Barrier(2), []

    def worker():
        with app.app_context():
            try:
                barrier.wait()
                drain()
            except Exception as error:  # noqa: BLE001 — any failure is what this test looks for
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [m["To"] for m in mailbox.messages] == [email]
    assert len(_digests(db.session.get(User, member_id))) == 1
