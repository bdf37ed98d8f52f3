"""Skill offers: a member offers days inside a need's window; officials accept or decline;
places are never overbooked, even when two officials accept at the same moment."""
import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale

from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.models import NeedKind, Pledge, PledgeStatus, Role, Skill
from app.services import pledges as service
from app.services import profiles, projects
from tests.conftest import empty_database, make_app, prepare_database
from tests.factories import jpeg_upload, make_official, make_project, make_user


def surgery_week(official, *, slots=2, verified_required=True):
    project = make_project(official, complete=True)
    surgeon = db.session.scalar(db.select(Skill).filter_by(code="surgeon"))
    start = project.starts_on + timedelta(days=10)
    projects.add_need(official, project, "skill", skill=surgeon, slots=slots, starts_on=start,
                      ends_on=start + timedelta(days=6), on_site=True, verified_required=verified_required)
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    db.session.commit()
    return project, next(n for n in project.needs if n.skill and n.skill.code == "surgeon")


def verified_surgeon(**user_fields):
    member = make_user(**user_fields)
    held = profiles.add_skill(member, db.session.scalar(db.select(Skill).filter_by(code="surgeon")))
    profiles.submit_credential(member, held.id, jpeg_upload())
    profiles.verify_credential(make_user(role=Role.MODERATOR), held, reason="Licence seen")
    db.session.commit()
    return member


def test_verified_surgeon_offers_a_place_and_the_official_accepts(client, login_as):
    official = make_official()
    project, need = surgery_week(official)
    member = login_as(verified_surgeon(name="Dr Aibek"))
    response = client.post(f"/pledges/needs/{need.id}", data={
        "starts_on": need.starts_on.isoformat(), "ends_on": (need.starts_on + timedelta(days=2)).isoformat(),
        "note": "General surgeon, 12 years"})
    assert response.status_code == 302
    offer = db.session.scalar(db.select(Pledge).filter_by(member_id=member.id))
    assert offer.status == PledgeStatus.PENDING

    login_as(official)
    assert client.post(f"/pledges/{offer.id}/accept").status_code == 302
    db.session.refresh(offer)
    assert offer.status == PledgeStatus.ACCEPTED
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "1 of 2 places filled" in page and "Dr Aibek" in page


def test_unverified_offer_is_refused_where_a_credential_is_required(client, login_as):
    _project, need = surgery_week(make_official())
    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={
        "starts_on": need.starts_on.isoformat(), "ends_on": need.ends_on.isoformat()})
    assert response.status_code == 422
    assert "needs a verified credential" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) == 0


def test_days_outside_the_window_are_refused(client, login_as):
    _project, need = surgery_week(make_official(), verified_required=False)
    login_as(make_user())
    response = client.post(f"/pledges/needs/{need.id}", data={
        "starts_on": (need.starts_on - timedelta(days=1)).isoformat(), "ends_on": need.ends_on.isoformat()})
    assert response.status_code == 422 and "Choose days between" in response.get_data(as_text=True)


def test_a_full_need_refuses_more_acceptances_and_a_withdrawal_frees_the_place(client, login_as):
    official = make_official()
    _project, need = surgery_week(official, slots=1, verified_required=False)
    first, second = (service.offer_skill(make_user(), need, starts_on=need.starts_on, ends_on=need.ends_on)
                     for _ in range(2))
    db.session.commit()
    login_as(official)
    assert client.post(f"/pledges/{first.id}/accept").status_code == 302
    response = client.post(f"/pledges/{second.id}/accept")
    assert response.status_code == 409 and "All places of this need are taken." in response.get_data(as_text=True)
    login_as(first.member)
    assert client.post(f"/pledges/{first.id}/withdraw").status_code == 302
    login_as(official)
    assert client.post(f"/pledges/{second.id}/accept").status_code == 302


def test_decline_needs_a_reason(client, login_as):
    official = make_official()
    _project, need = surgery_week(official, verified_required=False)
    offer = service.offer_skill(make_user(), need, starts_on=need.starts_on, ends_on=need.ends_on)
    db.session.commit()
    login_as(official)
    assert client.post(f"/pledges/{offer.id}/decline", data={"reason": ""}).status_code == 422
    assert client.post(f"/pledges/{offer.id}/decline", data={"reason": "We need a paediatric surgeon"}).status_code == 302
    db.session.refresh(offer)
    assert offer.status == PledgeStatus.DECLINED and offer.decision_reason == "We need a paediatric surgeon"


@pytest.fixture(scope="module")
def concurrency_db(postgres):
    url = postgres.create_database("birge_concurrency")
    prepare_database(url)
    return url


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_acceptances_never_overbook_on_postgresql(concurrency_db, attempt):
    """Two officials accept two offers for the last place at the same instant: one wins."""
    app = make_app(concurrency_db)
    with app.app_context():
        official = make_official()
        other_official = make_official(official.memberships[0].lsg)
        _project, need = surgery_week(official, slots=1, verified_required=False)
        offers = [service.offer_skill(make_user(), need, starts_on=need.starts_on, ends_on=need.ends_on).id
                  for _ in range(2)]
        db.session.commit()
        acting, need_id = [official.id, other_official.id], need.id

    barrier = threading.Barrier(2)
    outcomes = []

    def accept(offer_id, official_id):
        with app.app_context():
            from app.models import User

            actor = db.session.get(User, official_id)
            offer = db.session.get(Pledge, offer_id)
            barrier.wait()
            try:
                service.accept_offer(actor, offer)
                db.session.commit()
                outcomes.append("accepted")
            except Conflict:
                db.session.rollback()
                outcomes.append("full")

    threads = [threading.Thread(target=accept, args=(offer, actor)) for offer, actor in zip(offers, acting)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        accepted = db.session.scalar(db.select(db.func.count(Pledge.id)).where(
            Pledge.need_id == need_id, Pledge.status == PledgeStatus.ACCEPTED))
        assert sorted(outcomes) == ["accepted", "full"] and accepted == 1
    empty_database(app)


def test_skill_needs_are_only_offered_with_time(app):
    official = make_official()
    project = make_project(official, publish=True)
    money = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    with force_locale("en"), pytest.raises(InvalidInput, match="not for a skill"):
        service.offer_skill(make_user(), money, starts_on=project.starts_on, ends_on=project.starts_on)


def test_the_yearly_statement_counts_skill_days_as_hours(client, login_as):
    official = make_official()
    _project, need = surgery_week(official, verified_required=False)
    member = make_user()
    offer = service.offer_skill(member, need, starts_on=need.starts_on, ends_on=need.starts_on + timedelta(days=2))
    service.accept_offer(official, offer)
    db.session.commit()
    login_as(member)
    page = client.get(f"/pledges/statement?year={offer.created_at.year}").get_data(as_text=True)
    assert "24 hours of volunteer work" in page
