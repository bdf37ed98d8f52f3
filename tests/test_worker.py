"""The worker: one bad job never stops the others, a failing job ends up parked, nothing is mailed twice.

Mail goes to the real SMTP server of tests/mailbox.py, which can refuse messages; the bad jobs are
made of real data (a saved search an older version stored, a currency with no exchange rate), not
mocks.
"""
import logging
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from osmem_server import OsmemServer

from app.extensions import db
from app.models import AlertDelivery, Channel, OutboxJob, Role, SavedSearch
from app.models._common import utcnow
from app.outbox import enqueue
from app.search import backend
from app.search.query import SearchQuery
from app.services import notifications
from app.services import projects as project_service
from app.services.search import save_search
from app.worker import drain, run
from tests.conftest import make_app
from tests.factories import make_lsg, make_membership, make_user
from tests.search_data import _sector, publish

PUBLIC_HOST = "birge.example"


@pytest.fixture
def own_engine():
    """An Elasticsearch stand-in this test may stop."""
    server = OsmemServer.start()
    yield server
    server.close()


@pytest.fixture
def app_overrides(request, mailbox):
    overrides = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port, "PUBLIC_URL": f"https://{PUBLIC_HOST}/",
                 "OUTBOX_MAX_ATTEMPTS": 3}
    if "own_engine" in request.fixturenames:
        overrides.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=request.getfixturevalue("own_engine").url)
    return overrides


def _followers(count, sector="health", words=""):
    members = [make_user(name=f"Follower of {sector} {n}") for n in range(count)]
    for member in members:
        save_search(member, SearchQuery(q=words, sector=(_sector(sector).id,)))
    db.session.commit()
    return members


def _official(code="KG-N-ATB-01"):
    lsg = make_lsg(code, name=f"LSG {code}")
    # These tests count the alert mails: the official hears of the approval and of each
    # publication in the app only.
    official = make_user()
    notifications.set_preference(official, notifications.ALL_KINDS, Channel.APP)
    make_membership(official, lsg, approved=True)
    db.session.commit()
    return official, lsg


def _publish(official, lsg, moderator, *, title, sector="health"):
    return publish(official, lsg, moderator=moderator, title=title, summary=f"{title}: details.", sector=sector)


def _due_now():
    """Skip the backoff wait (a test does not sleep it out)."""
    for job in db.session.scalars(db.select(OutboxJob)):
        job.available_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def _sent():
    return db.session.scalars(db.select(AlertDelivery).where(AlertDelivery.sent_at.is_not(None))).all()


def test_a_refused_mail_is_retried_later_and_the_others_go_out_once(app, mailbox):
    members = _followers(3)
    official, lsg = _official()
    project = _publish(official, lsg, make_user(role=Role.MODERATOR), title="Хирургическая неделя")
    mailbox.refuse(1)  # the server refuses the first alert

    drain()
    assert mailbox.refused == 1
    assert sorted(m["To"] for m in mailbox.messages) == sorted(m.email for m in members[1:])
    db.session.rollback()  # what was accepted is committed, not waiting for the end of a batch
    assert len(_sent()) == 2
    job = db.session.scalar(db.select(OutboxJob))
    assert job.kind == "mail" and job.attempts == 1 and "554" in job.last_error
    assert job.available_at > utcnow() and job.dead_at is None
    unsent = db.session.scalar(db.select(AlertDelivery).where(AlertDelivery.sent_at.is_(None)))
    assert unsent.id == job.entity_id and unsent.saved_search.user == members[0]

    assert drain() == (0, 0)  # backing off: nothing is due
    _due_now()
    drain()
    drain()  # running again sends nothing twice
    assert sorted(m["To"] for m in mailbox.messages) == sorted(m.email for m in members)
    assert all(f"/projects/{project.id}" in m.get_content() for m in mailbox.messages)
    assert len(_sent()) == 3
    assert db.session.scalar(db.select(db.func.count(OutboxJob.id))) == 0


@pytest.mark.committed  # a real worker process reads what the test wrote
def test_a_worker_killed_while_mailing_repeats_at_most_one_mail(app, mailbox, tmp_path):
    members = _followers(20)
    official, lsg = _official()
    _publish(official, lsg, make_user(role=Role.MODERATOR), title="Хирургическая неделя")
    db.session.commit()
    mailbox.slow_down(0.05)
    config = app.config
    environment = {**os.environ, "BIRGE_CONFIG": "testing", "BIRGE_INSTANCE_DIR": str(tmp_path),
                   "TEST_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "FLASK_APP": "app:create_app",
                   "SEARCH_BACKEND": config["SEARCH_BACKEND"], "ELASTICSEARCH_URL": config["ELASTICSEARCH_URL"] or "",
                   "SEARCH_INDEX_PREFIX": config["SEARCH_INDEX_PREFIX"], "PUBLIC_URL": config["PUBLIC_URL"],
                   "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox.port)}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < 5 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.01)
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # mid-drain, as the OOM killer or a power cut would
        worker.wait()
    halfway = len(mailbox.messages)
    assert 5 <= halfway < 20

    mailbox.slow_down(0)
    db.session.expire_all()
    drain()  # another worker (or the same one restarted) takes over
    received = Counter(m["To"] for m in mailbox.messages)
    assert set(received) == {m.email for m in members}
    assert sum(received.values()) <= 21  # at most the one mail in flight at the kill goes twice
    assert len(_sent()) == 20


def test_each_alert_carries_a_stable_message_id(app, mailbox):
    _followers(2)
    official, lsg = _official()
    _publish(official, lsg, make_user(role=Role.MODERATOR), title="Хирургическая неделя")
    drain()
    ids = {m["Message-ID"] for m in mailbox.messages}
    deliveries = db.session.scalars(db.select(AlertDelivery).order_by(AlertDelivery.id)).all()
    assert ids == {f"<alert-{d.id}.{d.project_id}@{PUBLIC_HOST}>" for d in deliveries}


def test_a_job_that_raises_does_not_stop_the_other_jobs_of_its_batch(app, mailbox):
    moderator = make_user(role=Role.MODERATOR)
    official, lsg = _official()
    [health_follower] = _followers(1, sector="health")
    [school_follower] = _followers(1, sector="education")
    # A saved search as an older version stored it: sectors as a bare number, not a list.
    old = db.session.scalar(db.select(SavedSearch).filter_by(user_id=health_follower.id))
    old.query = {**old.query, "sector": old.query["sector"][0]}
    db.session.commit()

    _publish(official, lsg, moderator, title="Хирургическая неделя", sector="health")  # its alert job fails
    school = _publish(official, lsg, moderator, title="Новая крыша школы", sector="education")
    done, failed = drain()

    assert failed == 1 and done >= 2
    assert [m["To"] for m in mailbox.messages] == [school_follower.email]
    assert f"/projects/{school.id}" in mailbox.messages[0].get_content()
    job = db.session.scalar(db.select(OutboxJob))
    assert job.kind == "alert" and job.attempts == 1 and "TypeError" in job.last_error
    assert backend().search(SearchQuery(q="крыша")).total == 1  # the sync jobs of the batch were done


def test_a_document_the_engine_refuses_fails_only_its_own_projects_index_job(app, own_engine):
    moderator = make_user(role=Role.MODERATOR)
    official, lsg = _official()
    broken = _publish(official, lsg, moderator, title="Мост через реку")
    # A point no map has, as a version published before the editor checked points would hold.
    broken.published_snapshot = {**broken.published_snapshot, "lat": 123.0, "lon": 500.0}
    enqueue("sync", "project", broken.id)
    db.session.commit()
    roof = _publish(official, lsg, moderator, title="Новая крыша школы", sector="education")

    done, failed = drain()

    assert backend().search(SearchQuery(q="крыша")).total == 1
    jobs = db.session.scalars(db.select(OutboxJob).filter_by(kind="sync")).all()
    assert {(j.entity, j.entity_id) for j in jobs} == {("project", broken.id)}
    assert all(j.attempts == 1 and "latitude" in j.last_error for j in jobs)
    assert db.session.scalar(db.select(OutboxJob).filter_by(kind="sync", entity_id=roof.id)) is None


def test_a_job_failing_every_time_is_parked_dead_logged_and_shown(app, runner, caplog):
    enqueue("thumbnail", "upload", 7)  # a kind this version does not know (left by a newer one)
    db.session.commit()
    for attempt in range(3):  # OUTBOX_MAX_ATTEMPTS
        assert drain() == (0, 1)
        _due_now()
    job = db.session.scalar(db.select(OutboxJob))
    assert job.attempts == 3 and job.dead_at is not None and "thumbnail" in job.last_error
    assert any(r.levelno == logging.ERROR and "dead" in r.getMessage() for r in caplog.records)
    assert drain() == (0, 0)  # never claimed again

    enqueue("sync", "project", 1)
    db.session.commit()
    waiting = db.session.scalar(db.select(OutboxJob).filter_by(kind="sync"))
    waiting.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    result = runner.invoke(args=["worker", "status"])
    assert result.exit_code == 0, result.output
    assert "due: 1" in result.output and "retrying: 0" in result.output and "dead: 1" in result.output
    assert "oldest due job: 2 h 0 min" in result.output
    assert f"#{job.id} thumbnail upload 7" in result.output  # the dead jobs, with their error

    result = runner.invoke(args=["worker", "revive", str(job.id)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert job.dead_at is None and job.attempts == 0 and job.available_at <= utcnow()


def test_flask_worker_once_runs_what_is_due(app, runner):
    enqueue("alert", "project", 12345)  # unpublished (here: gone) before the worker got to it: done, nothing sent
    db.session.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "outbox: 1 job(s) done, 0 to retry later" in result.output
    assert db.session.scalar(db.select(db.func.count(OutboxJob.id))) == 0


def test_the_loop_goes_on_when_the_database_fails(tmp_path, caplog):
    broken = make_app(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
    rounds = []
    with broken.app_context():
        run(interval=0, should_stop=lambda: rounds.append(1) or len(rounds) > 3)
    assert len(rounds) == 4  # three rounds failed, the loop kept going until asked to stop
    assert sum("worker" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records) == 3


def test_the_loop_goes_on_while_elasticsearch_is_down(app, own_engine):
    official, lsg = _official()
    own_engine.close()
    _publish(official, lsg, make_user(role=Role.MODERATOR), title="Новая крыша школы", sector="education")
    rounds = []
    run(interval=0, should_stop=lambda: rounds.append(1) or len(rounds) > 2)
    assert len(rounds) == 3
    jobs = db.session.scalars(db.select(OutboxJob)).all()
    assert jobs and all(j.dead_at is None for j in jobs)  # an outage is waited out, never parked
    assert any(j.attempts == 1 and j.last_error for j in jobs)
