"""Private messages between a member and an LSG's officials: who may write, order, read receipts,
the daily cap, blocks, reports (moderators see reported threads only), contact details shown
only with the member's consent, and one notification per unread thread."""
import re

import pytest

from app.extensions import db
from app.models import Message, MessageThread, Notification, NeedKind, Role
from app.services import pledges
from tests.factories import make_lsg, make_official, make_profile, make_project, make_user


@pytest.fixture
def app_overrides():
    return {"MESSAGES_PER_DAY": 3}


@pytest.fixture
def scene():
    """An LSG with two officials and a published project; a member who pledged to it, one who did not."""
    lsg = make_lsg()
    official = make_official(lsg, name="Official One")
    colleague = make_official(lsg, name="Official Two")
    other_lsg = make_lsg("KG-N-KOC-01", name="Kochkor ayil okmotu")
    stranger_official = make_official(other_lsg, name="Official Elsewhere")
    project = make_project(official, lsg, publish=True)
    need = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    donor = make_user(name="Aigul Donor")
    pledges.pledge_money(donor, need, amount=1_000_00, currency="KGS", method="bank_transfer", reference="r")
    make_profile(donor, contact_phone="+996 555 123 456", visibility="private")
    outsider = make_user(name="Bakyt Outsider")
    db.session.commit()
    return dict(lsg=lsg, official=official, colleague=colleague, stranger_official=stranger_official,
                project=project, donor=donor, outsider=outsider)


def _page(response):
    return response.get_data(as_text=True)


def _write_to_lsg(client, lsg, body):
    return client.post(f"/messages/to-lsg/{lsg.id}", data={"body": body})


def _thread_of(member, lsg):
    return db.session.scalar(db.select(MessageThread).filter_by(member_id=member.id, lsg_id=lsg.id))


def _notes(user, thread):
    return [n for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id, kind="message_received"))
            if n.params.get("thread_id") == thread.id]


def test_a_member_who_pledged_writes_to_the_lsg_from_the_project_page(client, login_as, scene):
    login_as(scene["donor"])
    detail = _page(client.get(f"/projects/{scene['project'].id}"))
    assert f"/messages/to-lsg/{scene['lsg'].id}" in detail and "Write to the LSG" in detail
    assert client.get(f"/messages/to-lsg/{scene['lsg'].id}").status_code == 200
    response = _write_to_lsg(client, scene["lsg"], "When does the work start? See https://example.kg/plan <b>bold</b>")
    assert response.status_code == 302
    thread = _thread_of(scene["donor"], scene["lsg"])
    assert response.headers["Location"].startswith(f"/messages/{thread.id}")
    page = _page(client.get(f"/messages/{thread.id}"))
    assert '<a href="https://example.kg/plan" rel="nofollow noopener">' in page  # a link
    assert "&lt;b&gt;bold&lt;/b&gt;" in page  # and the rest as text
    # Going to "write" again leads into the same thread: one per member and LSG.
    assert client.get(f"/messages/to-lsg/{scene['lsg'].id}").headers["Location"].startswith(f"/messages/{thread.id}")
    _write_to_lsg(client, scene["lsg"], "And a second question.")
    assert db.session.scalar(db.select(db.func.count(MessageThread.id))) == 1


def test_who_may_not_start_a_thread(client, login_as, scene):
    lsg = scene["lsg"]
    login_as(scene["outsider"])  # never pledged
    assert "Write to the LSG" not in _page(client.get(f"/projects/{scene['project'].id}"))
    assert client.get(f"/messages/to-lsg/{lsg.id}").status_code == 403
    assert _write_to_lsg(client, lsg, "Hello").status_code == 403
    assert client.get("/messages/to-lsg/999999").status_code == 404
    login_as(scene["donor"])  # a member writes to an LSG, not "as the LSG" to herself
    assert client.post(f"/messages/lsg/{lsg.id}/to/{scene['donor'].id}", data={"body": "Hi"}).status_code == 403
    login_as(scene["official"])  # an official writes for the LSG, not to it
    assert _write_to_lsg(client, lsg, "Hello").status_code == 403
    # Officials write to members who pledged; not to others with a private profile, nor for another LSG.
    assert client.post(f"/messages/lsg/{lsg.id}/to/{scene['outsider'].id}", data={"body": "Hi"}).status_code == 403
    login_as(scene["stranger_official"])
    assert client.post(f"/messages/lsg/{lsg.id}/to/{scene['donor'].id}", data={"body": "Hi"}).status_code == 403
    assert client.get(f"/messages/lsg/{lsg.id}/to/999999").status_code == 404
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_an_official_writes_to_a_member_with_a_public_profile_or_who_pledged(client, login_as, scene):
    lsg = scene["lsg"]
    make_profile(scene["outsider"], visibility="public")
    login_as(scene["official"])
    incoming = _page(client.get(f"/pledges/projects/{scene['project'].id}"))
    assert f"/messages/lsg/{lsg.id}/to/{scene['donor'].id}" in incoming
    assert client.post(f"/messages/lsg/{lsg.id}/to/{scene['outsider'].id}", data={"body": "Hi"}).status_code == 302
    assert client.post(f"/messages/lsg/{lsg.id}/to/{scene['donor'].id}", data={"body": "Thanks"}).status_code == 302
    assert {t.member_id for t in db.session.scalars(db.select(MessageThread))} == {scene["outsider"].id, scene["donor"].id}


def test_nobody_else_sees_a_thread(client, login_as, scene):
    login_as(scene["donor"])
    _write_to_lsg(client, scene["lsg"], "Private words")
    thread = _thread_of(scene["donor"], scene["lsg"])
    moderator = make_user(role=Role.MODERATOR)
    db.session.commit()
    for someone in (scene["outsider"], scene["stranger_official"], moderator):
        login_as(someone)
        assert client.get(f"/messages/{thread.id}").status_code == 404
        assert client.post(f"/messages/{thread.id}", data={"body": "x"}).status_code == 404
        assert "Private words" not in _page(client.get("/messages/"))
    login_as(scene["colleague"])  # every official of the LSG reads it
    assert "Private words" in _page(client.get(f"/messages/{thread.id}"))


def test_messages_are_in_order_with_read_receipts_and_unread_counts(client, login_as, scene, clock):
    lsg, donor, official = scene["lsg"], scene["donor"], scene["official"]
    login_as(donor)
    _write_to_lsg(client, lsg, "First from the member")
    thread = _thread_of(donor, lsg)
    clock.advance(minutes=1)
    client.post(f"/messages/{thread.id}", data={"body": "Second from the member"})
    assert _page(client.get(f"/messages/{thread.id}")).count('class="message-receipt muted">Not read yet') == 2
    login_as(official)
    inbox = _page(client.get("/messages/"))
    assert "2 unread" in inbox and "Aigul Donor" in inbox
    clock.advance(minutes=5)
    read_time = clock.now
    page = _page(client.get(f"/messages/{thread.id}"))
    assert page.index("First from the member") < page.index("Second from the member")
    clock.advance(minutes=1)
    client.post(f"/messages/{thread.id}", data={"body": "Answer from the official"})
    assert "message-inbox-row unread" not in _page(client.get("/messages/"))
    assert all(m.read_at == read_time for m in thread.messages if m.from_member)
    login_as(donor)
    assert "1 unread" in _page(client.get("/messages/"))
    page = _page(client.get(f"/messages/{thread.id}"))
    assert page.count('class="message-receipt muted">Read ') == 2  # the officials read both of hers
    assert page.index("Second from the member") < page.index("Answer from the official")


def test_the_daily_cap_refuses_with_a_clear_message_and_saves_nothing(client, login_as, scene, clock):
    login_as(scene["donor"])
    _write_to_lsg(client, scene["lsg"], "one")
    thread = _thread_of(scene["donor"], scene["lsg"])
    for body in ("two", "three"):
        assert client.post(f"/messages/{thread.id}", data={"body": body}).status_code == 302
    response = client.post(f"/messages/{thread.id}", data={"body": "four"})
    assert response.status_code == 422
    assert re.search(r'class="field-error"[^>]*>You have sent 3 messages in the last 24 hours', _page(response))
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 3
    clock.advance(hours=24, minutes=1)
    assert client.post(f"/messages/{thread.id}", data={"body": "four"}).status_code == 302


def test_a_block_stops_the_other_side_writing(client, login_as, scene):
    login_as(scene["donor"])
    _write_to_lsg(client, scene["lsg"], "Hello")
    thread = _thread_of(scene["donor"], scene["lsg"])
    assert client.post(f"/messages/{thread.id}/block").status_code == 302
    login_as(scene["official"])
    response = client.post(f"/messages/{thread.id}", data={"body": "Please answer"})
    assert response.status_code == 403
    assert "the other side has blocked this conversation" in _page(response)
    assert client.post(f"/messages/lsg/{scene['lsg'].id}/to/{scene['donor'].id}",
                       data={"body": "Again"}).status_code == 403
    login_as(scene["donor"])
    assert client.post(f"/messages/{thread.id}", data={"body": "More"}).status_code == 409  # unblock first
    client.post(f"/messages/{thread.id}/block")  # unblock
    login_as(scene["official"])
    assert client.post(f"/messages/{thread.id}", data={"body": "Thank you"}).status_code == 302
    assert [m.body for m in thread.messages] == ["Hello", "Thank you"]


def test_moderators_see_reported_threads_only(client, login_as, scene):
    lsg = scene["lsg"]
    login_as(scene["donor"])
    _write_to_lsg(client, lsg, "Reported words")
    reported = _thread_of(scene["donor"], lsg)
    make_profile(scene["outsider"], visibility="public")
    login_as(scene["official"])
    client.post(f"/messages/lsg/{lsg.id}/to/{scene['outsider'].id}", data={"body": "Quiet words"})
    quiet = _thread_of(scene["outsider"], lsg)
    moderator = make_user(role=Role.MODERATOR)
    db.session.commit()
    login_as(scene["outsider"])
    assert client.post(f"/messages/{reported.id}/report", data={"reason": "x"}).status_code == 404
    login_as(scene["donor"])
    assert client.post(f"/messages/{reported.id}/report", data={"reason": "Rude answer"}).status_code == 302
    login_as(moderator)
    listing = _page(client.get("/messages/reported"))
    assert "Rude answer" in listing and f"/messages/{reported.id}" in listing
    assert f"/messages/{quiet.id}" not in listing
    page = _page(client.get(f"/messages/{reported.id}"))
    assert "Reported words" in page and 'name="body"' not in page  # read only
    assert client.get(f"/messages/{quiet.id}").status_code == 404
    assert client.post(f"/messages/{reported.id}", data={"body": "x"}).status_code == 403
    assert all(m.read_at is None for m in reported.messages)  # a moderator reading marks nothing read
    login_as(scene["donor"])
    assert client.get("/messages/reported").status_code == 403


def test_contact_details_are_shown_to_officials_only_when_the_member_shares_them(client, login_as, scene):
    login_as(scene["donor"])
    _write_to_lsg(client, scene["lsg"], "Hello")
    thread = _thread_of(scene["donor"], scene["lsg"])
    login_as(scene["official"])
    page = _page(client.get(f"/messages/{thread.id}"))
    assert "+996 555 123 456" not in page and scene["donor"].email not in page
    assert client.post(f"/messages/{thread.id}/consent", data={"share_phone": "y"}).status_code == 403
    login_as(scene["donor"])
    client.post(f"/messages/{thread.id}/consent", data={"share_phone": "y"})
    login_as(scene["official"])
    page = _page(client.get(f"/messages/{thread.id}"))
    assert "+996 555 123 456" in page and scene["donor"].email not in page
    login_as(scene["donor"])
    client.post(f"/messages/{thread.id}/consent", data={"share_email": "y"})
    login_as(scene["colleague"])
    page = _page(client.get(f"/messages/{thread.id}"))
    assert "+996 555 123 456" not in page and scene["donor"].email in page


def test_one_unread_notification_per_thread_and_person(client, login_as, scene):
    lsg, donor, official, colleague = scene["lsg"], scene["donor"], scene["official"], scene["colleague"]
    login_as(donor)
    _write_to_lsg(client, lsg, "one")
    thread = _thread_of(donor, lsg)
    client.post(f"/messages/{thread.id}", data={"body": "two"})
    assert len(_notes(official, thread)) == 1 and len(_notes(colleague, thread)) == 1
    assert _notes(official, thread)[0].params["sender"] == "Aigul Donor"
    login_as(official)
    notes = _page(client.get("/notifications/"))
    assert "New message from Aigul Donor." in notes
    opened = client.post(f"/notifications/{_notes(official, thread)[0].id}/open")
    assert opened.headers["Location"] == f"/messages/{thread.id}"
    client.get(opened.headers["Location"])  # reading the thread reads its notification
    client.post(f"/messages/{thread.id}", data={"body": "answer"})
    assert len(_notes(donor, thread)) == 1
    assert len(_notes(official, thread)) == 1  # the sender is not told of their own message
    login_as(donor)
    client.post(f"/messages/{thread.id}", data={"body": "three"})
    assert len(_notes(official, thread)) == 2  # the first was read: a new one
    assert len(_notes(colleague, thread)) == 1  # still unread: no second one
