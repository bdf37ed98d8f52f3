"""Races on counted things, through the app served by gunicorn with several processes, on SQLite
and on PostgreSQL: places are never given twice, money is never counted beyond a need's target
(unless its officials opted in), and a card pledge for money that is no longer needed is refused
before Stripe is asked for anything."""
import pytest

from app.extensions import db
from app.models import NeedKind, Pledge, PledgeStatus, Role, Skill
from app.services import pledges as pledge_service
from app.services import projects as project_service
from tests.conftest import SearchEngine, make_app, prepare_database
from tests.factories import PASSWORD, make_official, make_project, make_user
from tests.served import ServedApp, at_once
from tests.stripe_server import localstripe  # noqa: F401  (the session's localstripe)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('races') / 'birge.db'}"
    else:
        url = request.getfixturevalue("postgres").create_database("birge_races")
    prepare_database(url)
    return url


@pytest.fixture(scope="module")
def served(database, localstripe, tmp_path_factory):  # noqa: F811
    config = {"SQLALCHEMY_DATABASE_URI": database, "WTF_CSRF_ENABLED": False,
              "LOGIN_RATE_LIMIT": "1000 per minute", "LOGIN_RATE_LIMIT_PER_EMAIL": "1000 per minute",
              "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")), **localstripe.app_config()}
    if database.startswith("postgresql"):
        config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=SearchEngine.url(),
                      SEARCH_INDEX_PREFIX="races")
    server = ServedApp(config, workers=3).start()
    yield server
    server.stop()


@pytest.fixture
def local(database):
    """The same database, from the test's own process: to set up and to read what the server did."""
    app = make_app(database, SEARCH_INDEX_PREFIX="races")
    with app.app_context():
        yield app
        db.session.remove()


def funds_need(project):
    return next(n for n in project.needs if n.kind == NeedKind.FUNDS)


def counted(need_id, statuses=(PledgeStatus.CONFIRMED, PledgeStatus.PAID)):
    db.session.rollback()
    return db.session.scalar(db.select(db.func.coalesce(db.func.sum(Pledge.converted_amount), 0)).where(
        Pledge.need_id == need_id, Pledge.status.in_(statuses)))


def no_server_errors(responses, server):
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}\n{server.output()}"


@pytest.mark.parametrize("attempt", range(2))
def test_seven_acceptances_at_once_never_fill_more_than_four_places(served, local, attempt):
    official = make_official()
    lsg = official.memberships[0].lsg
    officials = [official] + [make_official(lsg) for _ in range(6)]
    project = make_project(official)
    engineer = db.session.scalar(db.select(Skill).filter_by(code="civil_engineer"))
    need = project_service.add_need(official, project, "skill", skill=engineer, slots=4,
                                    starts_on=project.starts_on, ends_on=project.ends_on, on_site=True,
                                    requirements="")
    project_service.submit_project(official, project)
    project_service.publish_project(make_user(role=Role.MODERATOR), project, reason="Checked")
    db.session.commit()
    offers = [pledge_service.offer_skill(make_user(), need, starts_on=need.starts_on, ends_on=need.ends_on).id
              for _ in range(7)]
    db.session.commit()
    sessions = [served.session_for(o, PASSWORD) for o in officials]

    responses = at_once([
        (lambda s=s, o=o: s.post(f"{served.url}/pledges/{o}/accept", allow_redirects=False, timeout=60))
        for s, o in zip(sessions, offers)])

    no_server_errors(responses, served)
    db.session.rollback()
    accepted = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
        Pledge.need_id == need.id, Pledge.status == PledgeStatus.ACCEPTED))
    assert accepted == 4
    assert sorted(r.status_code for r in responses) == [302] * 4 + [409] * 3


@pytest.mark.parametrize("attempt", range(2))
def test_two_officials_confirming_two_offline_pledges_at_once_never_go_beyond_the_target(served, local, attempt):
    official = make_official()
    other_official = make_official(official.memberships[0].lsg)
    project = make_project(official, publish=True)
    need = funds_need(project)
    pledges = [pledge_service.pledge_money(make_user(), need, amount=need.target_amount, currency="KGS",
                                           method="bank_transfer").id for _ in range(2)]
    db.session.commit()
    sessions = [served.session_for(o, PASSWORD) for o in (official, other_official)]

    responses = at_once([
        (lambda s=s, p=p: s.post(f"{served.url}/pledges/{p}/confirm", data={"reference": "TR-1"},
                                 allow_redirects=False, timeout=60))
        for s, p in zip(sessions, pledges)])

    no_server_errors(responses, served)
    assert counted(need.id) == need.target_amount
    assert sorted(r.status_code for r in responses) == [302, 409]


@pytest.mark.parametrize("attempt", range(2))
def test_five_card_pledges_for_everything_left_at_once_get_one_payment_intent(served, local, attempt):
    official = make_official()
    project = make_project(official, publish=True)
    need = funds_need(project)
    members = [make_user() for _ in range(5)]
    sessions = [served.session_for(m, PASSWORD) for m in members]
    everything_left = str(need.target_amount // 100)

    responses = at_once([
        (lambda s=s: s.post(f"{served.url}/pay/needs/{need.id}/intent",
                            data={"amount": everything_left, "currency": "KGS", "payment_method": "pm_card_visa"},
                            headers={"Accept": "application/json"}, timeout=60))
        for s in sessions])

    no_server_errors(responses, served)
    started = [r for r in responses if r.status_code == 200]
    assert len(started) == 1, [(r.status_code, r.text[:200]) for r in responses]
    for refused in (r for r in responses if r.status_code != 200):
        assert refused.status_code == 409
        assert "still needed" in refused.json()["error"] or "no longer" in refused.json()["error"]
    db.session.rollback()
    intents = db.session.scalars(db.select(Pledge.stripe_payment_intent).where(
        Pledge.need_id == need.id, Pledge.stripe_payment_intent.is_not(None))).all()
    assert len(intents) == 1



@pytest.mark.parametrize("attempt", range(2))
def test_the_same_membership_asked_five_times_at_once_is_one_request(served, local, attempt):
    from app.models import LsgMembership
    from tests.factories import make_lsg

    lsg = make_lsg()
    applicant = make_user()
    sessions = [served.session_for(applicant, PASSWORD) for _ in range(5)]
    url = f"{served.url}/lsgs/{lsg.id}/join"

    responses = at_once([
        (lambda s=s: s.post(url, data={"position": "Accountant"},
                            allow_redirects=False, timeout=60))
        for s in sessions])

    no_server_errors(responses, served)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(LsgMembership.id)).filter_by(
        user_id=applicant.id, lsg_id=lsg.id)) == 1
    assert sorted(r.status_code for r in responses)[0] == 302
    assert all(r.status_code in (302, 409) for r in responses)
