"""Officials join an LSG; moderators approve or reject with a reason; every decision audited."""
import pytest

from app.errors import PermissionDenied
from app.extensions import db
from app.models import AuditEvent, LsgMembership, MembershipStatus, Role
from app.services.memberships import approve_membership, reject_membership
from tests.factories import make_lsg, make_membership, make_user


def events(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def test_member_asks_to_join_and_sees_the_request_waiting(client, login_as):
    lsg = make_lsg()
    user = login_as(make_user())
    response = client.post(f"/lsgs/{lsg.id}/join", data={"position": "Accountant", "message": "Call 0312 000000"})
    assert response.status_code == 302
    membership = db.session.scalar(db.select(LsgMembership).filter_by(user_id=user.id))
    assert membership.status == MembershipStatus.PENDING and membership.position == "Accountant"
    assert "Waiting for a moderator" in client.get("/account/").get_data(as_text=True)
    (event,) = events("membership.requested")
    assert event.actor_id == user.id and event.target_id == membership.id


def test_asking_twice_is_refused_with_a_clear_message(client, login_as):
    lsg = make_lsg()
    user = login_as(make_user())
    make_membership(user, lsg)
    response = client.post(f"/lsgs/{lsg.id}/join", data={"position": "Accountant"})
    assert response.status_code == 409
    assert "already waiting for a moderator" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(LsgMembership.id))) == 1


def test_join_needs_a_position_and_an_existing_lsg(client, login_as):
    lsg = make_lsg()
    login_as(make_user())
    response = client.post(f"/lsgs/{lsg.id}/join", data={"position": ""})
    assert response.status_code == 422
    assert "position in the LSG" in response.get_data(as_text=True)
    assert client.post("/lsgs/9999/join", data={"position": "Head"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(LsgMembership.id))) == 0


def test_visitor_must_log_in_to_join(client):
    lsg = make_lsg()
    response = client.post(f"/lsgs/{lsg.id}/join", data={"position": "Head"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_moderator_sees_queue_oldest_first_and_approves_with_reason(client, login_as):
    lsg = make_lsg()
    first = make_membership(make_user(name="First Applicant"), lsg)
    make_membership(make_user(name="Second Applicant"), lsg)
    moderator = login_as(make_user(role=Role.MODERATOR))

    page = client.get("/moderation/memberships").get_data(as_text=True)
    assert page.index("First Applicant") < page.index("Second Applicant")

    response = client.post(f"/moderation/memberships/{first.id}",
                           data={"reason": "Confirmed by the akim's office", "approve": "Approve"})
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status == MembershipStatus.APPROVED and first.decided_by_id == moderator.id
    (event,) = events("membership.approved")
    assert (event.actor_id, event.target_id, event.reason) == (moderator.id, first.id, "Confirmed by the akim's office")

    audit = client.get("/moderation/audit?action=membership.approved").get_data(as_text=True)
    assert "Confirmed by the akim&#39;s office" in audit and moderator.email in audit


def test_approved_official_sees_it_on_the_account_page(client, login_as):
    lsg = make_lsg()
    user = make_user()
    make_membership(user, lsg, approved=True)
    login_as(user)
    page = client.get("/account/").get_data(as_text=True)
    assert "Official" in page and "Checked by phone" in page


def test_only_an_approved_official_has_the_projects_menu(client, login_as):
    lsg = make_lsg()
    waiting, official = make_user(), make_user()
    make_membership(waiting, lsg)
    make_membership(official, lsg, approved=True)
    login_as(waiting)
    assert "My LSG's projects" not in client.get("/lsgs/").get_data(as_text=True)
    login_as(official)
    assert "My LSG's projects" in client.get("/lsgs/").get_data(as_text=True)


def test_reject_needs_a_reason_and_changes_nothing_without_one(client, login_as):
    membership = make_membership(make_user(), make_lsg())
    login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/memberships/{membership.id}", data={"reason": "  ", "reject": "Reject"})
    assert response.status_code == 422
    assert "give a reason" in response.get_data(as_text=True)
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.PENDING
    assert events("membership.rejected") == []

    response = client.post(f"/moderation/memberships/{membership.id}", data={"reason": "Not on the staff list", "reject": "Reject"})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.REJECTED
    assert events("membership.rejected")[0].reason == "Not on the staff list"


def test_a_decided_request_cannot_be_decided_again(client, login_as):
    membership = make_membership(make_user(), make_lsg(), approved=True)
    login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/memberships/{membership.id}", data={"reason": "Changed my mind", "reject": "Reject"})
    assert response.status_code == 409
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.APPROVED


def test_rejected_applicant_may_ask_again(client, login_as):
    lsg = make_lsg()
    user = make_user()
    membership = make_membership(user, lsg)
    reject_membership(make_user(role=Role.MODERATOR), membership, reason="No proof")
    db.session.commit()
    login_as(user)
    assert client.post(f"/lsgs/{lsg.id}/join", data={"position": "Deputy head", "message": "Order No. 12"}).status_code == 302
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.PENDING and membership.decision_reason is None


@pytest.mark.parametrize("role", [None, Role.MEMBER, "official", Role.ADMIN])
def test_only_moderators_may_decide(client, login_as, role):
    lsg = make_lsg()
    membership = make_membership(make_user(), lsg)
    if role == "official":
        official = make_user()
        make_membership(official, lsg, approved=True)
        login_as(official)
    elif role is not None:
        login_as(make_user(role=role))
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))

    post = client.post(f"/moderation/memberships/{membership.id}", data={"reason": "ok", "approve": "Approve"})
    queue = client.get("/moderation/memberships")
    audit = client.get("/moderation/audit")
    if role == Role.ADMIN:  # admins moderate too
        assert post.status_code == 302 and queue.status_code == 200
        return
    expected = 302 if role is None else 403
    assert (post.status_code, queue.status_code, audit.status_code) == (expected,) * 3
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.PENDING
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before


def test_services_enforce_permissions_not_only_views(app):
    membership = make_membership(make_user(), make_lsg())
    for outsider in (make_user(), make_user(role=Role.MEMBER)):
        with pytest.raises(PermissionDenied):
            approve_membership(outsider, membership, reason="self-service")
    with pytest.raises(PermissionDenied):
        approve_membership(None, membership, reason="anonymous")
    db.session.rollback()
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.PENDING


def test_moderator_cannot_approve_their_own_request(client, login_as):
    moderator = make_user(role=Role.MODERATOR)
    membership = make_membership(moderator, make_lsg())
    login_as(moderator)
    response = client.post(f"/moderation/memberships/{membership.id}", data={"reason": "It is me", "approve": "Approve"})
    assert response.status_code == 403
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.PENDING


def test_audit_log_filters_by_action_and_actor(client, login_as):
    lsg = make_lsg()
    approved = make_membership(make_user(), lsg, approved=True)
    make_membership(make_user(), lsg)
    login_as(make_user(role=Role.MODERATOR))
    everything = client.get("/moderation/audit").get_data(as_text=True)
    assert "membership.requested" in everything and "membership.approved" in everything
    only_approved = client.get("/moderation/audit?action=membership.approved").get_data(as_text=True)
    assert "Membership requested" not in only_approved.split("<tbody>")[1]
    assert f"LSG memberships #{approved.id}" in only_approved
    by_nobody = client.get("/moderation/audit?actor=nobody@example.kg").get_data(as_text=True)
    assert "No event matches." in by_nobody
