"""Private messages between a member and the officials of an LSG, with consent.

One thread per (member, LSG). A member who pledged or offered to one of the LSG's projects (any
pledge not withdrawn) may write to its officials; the officials may write to a member who pledged
or offered, or whose profile is shown to everyone. Each person sends at most MESSAGES_PER_DAY
messages in 24 hours. Either side may block the other from writing, and report the thread:
moderators see reported threads, and no other. The member's phone and e-mail are shown to the
officials only when the member turned their sharing on in that thread.
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.authz import (
    Contact,
    can_read_thread,
    can_see_reported_threads,
    can_share_contacts,
    can_write_to_lsg,
    can_write_to_member,
    can_write_in_thread,
    is_thread_member,
    require,
    require_visible,
)
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.extensions import db
from app.ledger import lsgs_pledged_to_by
from app.models import Lsg, MemberProfile, Notification, ProfileVisibility, User
from app.models._common import utcnow
from app.models.messages import Message, MessageThread
from app.services.audit import record_event
from app.services.notifications import notify, officials_of
from app.services.projects.lookups import lsgs_of_official

BODY_MAX = 4000
REPORT_MAX = 500


# ---------------------------------------------------------------- who may write to whom


def _contact(member, lsg):
    pledged = lsg.id in lsgs_pledged_to_by([member.id]).get(member.id, set())
    profile = db.session.scalar(db.select(MemberProfile).filter_by(user_id=member.id))
    # What app/services/profiles.py `profile_visible_to` grants an LSG's officials as such: a public
    # profile, or one shown to the LSGs the member pledged to (``pledged`` covers those).
    visible = profile is not None and profile.visibility == ProfileVisibility.PUBLIC
    return Contact(member, lsg, pledged=pledged, profile_visible=visible)


def may_write_to_lsg(user, lsg):
    """For the project page's "Write to the LSG" link."""
    return lsg is not None and getattr(user, "is_authenticated", False) and can_write_to_lsg(user, _contact(user, lsg))


def _thread_of(member, lsg):
    return db.session.scalar(db.select(MessageThread).filter_by(member_id=member.id, lsg_id=lsg.id))


def _lsg(lsg_id):
    lsg = db.session.get(Lsg, lsg_id)
    if lsg is None:
        raise NotFound()
    return lsg


def _member(user_id):
    member = db.session.get(User, user_id)
    if member is None or not member.active:
        raise NotFound()
    return member


def start_to_lsg(user, lsg_id):
    """(lsg, existing thread or None) for a member about to write to an LSG."""
    lsg = _lsg(lsg_id)
    require(can_write_to_lsg, user, _contact(user, lsg))
    return lsg, _thread_of(user, lsg)


def start_to_member(user, lsg_id, member_id):
    """(lsg, member, existing thread or None) for an official about to write to a member."""
    lsg, member = _lsg(lsg_id), _member(member_id)
    require(can_write_to_member, user, _contact(member, lsg))
    return lsg, member, _thread_of(member, lsg)


def write_to_lsg(user, lsg_id, body):
    lsg = _lsg(lsg_id)
    require(can_write_to_lsg, user, _contact(user, lsg))
    return _send(user, _thread_of(user, lsg) or _new_thread(user, lsg), body)


def write_to_member(user, lsg_id, member_id, body):
    lsg, member = _lsg(lsg_id), _member(member_id)
    require(can_write_to_member, user, _contact(member, lsg))
    return _send(user, _thread_of(member, lsg) or _new_thread(member, lsg), body)


def _new_thread(member, lsg):
    thread = MessageThread(member_id=member.id, lsg_id=lsg.id)
    db.session.add(thread)
    db.session.flush()
    return thread


# ---------------------------------------------------------------- writing


def _thread(user, thread_id, permission=can_read_thread):
    thread = db.session.get(MessageThread, thread_id)
    require_visible(permission, user, thread)  # someone else's conversation does not exist
    return thread


def send_message(user, thread_id, body):
    thread = _thread(user, thread_id)
    require(can_write_in_thread, user, thread)
    return _send(user, thread, body)


def _send(user, thread, body):
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Write a message."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(_l("A message is at most %(count)d characters.", count=BODY_MAX), field="body")
    from_member = thread.member_id == user.id
    if (thread.blocked_by_lsg_at if from_member else thread.blocked_by_member_at) is not None:
        raise PermissionDenied(_l("You cannot write here: the other side has blocked this conversation."))
    if (thread.blocked_by_member_at if from_member else thread.blocked_by_lsg_at) is not None:
        raise Conflict(_l("You blocked this conversation. Unblock it to write again."))
    cap = current_app.config["MESSAGES_PER_DAY"]
    sent = db.session.scalar(db.select(db.func.count(Message.id))
                             .where(Message.sender_id == user.id, Message.created_at > utcnow() - timedelta(days=1)))
    if sent >= cap:
        raise InvalidInput(_l("You have sent %(count)d messages in the last 24 hours, the most allowed. "
                              "Your message was not sent; please write again later.", count=cap), field="body")
    message = Message(thread_id=thread.id, sender_id=user.id, from_member=from_member, body=body)
    db.session.add(message)
    thread.last_message_at = utcnow()
    db.session.flush()
    recipients = [thread.member] if not from_member else [u for u in officials_of(thread.lsg) if u.id != user.id]
    for recipient in recipients:
        _tell(recipient, thread, user)
    return thread


def _unread_notifications(user, thread):
    """This person's unread "message_received" notifications about this thread."""
    rows = db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "message_received", Notification.read_at.is_(None)))
    return [n for n in rows if (n.params or {}).get("thread_id") == thread.id]


def _tell(recipient, thread, sender):
    """At most one unread notification per thread and person: a second message adds none."""
    if not _unread_notifications(recipient, thread):
        notify(recipient, "message_received", thread_id=thread.id, sender=sender.name)


# ---------------------------------------------------------------- reading


@dataclass
class ThreadPage:
    thread: MessageThread
    messages: list
    as_member: bool  # the reader is the thread's member (else an official, or a moderator)
    as_moderator: bool  # a moderator reading a reported thread: nothing is marked read
    phone: str | None  # the member's phone, when the reader may see it
    email: str | None
    blocked_by_me: bool
    blocked_by_other: bool


def thread_page(user, thread_id):
    """The thread as ``user`` sees it; opening it marks the other side's messages (and the
    notifications about them) read, unless a moderator is looking."""
    thread = _thread(user, thread_id)
    as_member = is_thread_member(user, thread)
    as_moderator = not can_write_in_thread(user, thread)
    if not as_moderator:
        now = utcnow()
        db.session.execute(db.update(Message).where(Message.thread_id == thread.id, Message.read_at.is_(None),
                                                    Message.from_member.is_(not as_member)).values(read_at=now))
        for notification in _unread_notifications(user, thread):
            notification.read_at = now
        db.session.flush()
        db.session.expire(thread, ["messages"])
    phone = email = None  # shown to the officials only when the member shares them
    if as_member or (thread.share_phone and not as_moderator):
        profile = db.session.scalar(db.select(MemberProfile).filter_by(user_id=thread.member_id))
        phone = profile.contact_phone if profile else ""
    if as_member or (thread.share_email and not as_moderator):
        email = thread.member.email
    mine, theirs = ((thread.blocked_by_member_at, thread.blocked_by_lsg_at) if as_member
                    else (thread.blocked_by_lsg_at, thread.blocked_by_member_at))
    return ThreadPage(thread, list(thread.messages), as_member, as_moderator, phone, email,
                      mine is not None, theirs is not None)


@dataclass
class InboxRow:
    thread: MessageThread
    unread: int
    as_member: bool


def inbox(user):
    """The threads the person writes in (as a member, or for an LSG), newest first, with unread counts."""
    lsg_ids = [lsg.id for lsg in lsgs_of_official(user)]
    threads = db.session.scalars(
        db.select(MessageThread)
        .where((MessageThread.member_id == user.id) | MessageThread.lsg_id.in_(lsg_ids))
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())).all()
    unread = dict(((thread_id, from_member), count) for thread_id, from_member, count in db.session.execute(
        db.select(Message.thread_id, Message.from_member, db.func.count(Message.id))
        .where(Message.thread_id.in_([t.id for t in threads]), Message.read_at.is_(None))
        .group_by(Message.thread_id, Message.from_member)))
    # Unread for the reader: the other side's messages (the member reads the officials', and back).
    return [InboxRow(t, unread.get((t.id, t.member_id != user.id), 0), t.member_id == user.id) for t in threads]


def unread_count(user):
    return sum(row.unread for row in inbox(user))


# ---------------------------------------------------------------- consent, blocks, reports


def set_consent(user, thread_id, *, share_phone, share_email):
    thread = _thread(user, thread_id)
    require(can_share_contacts, user, thread)
    thread.share_phone, thread.share_email = bool(share_phone), bool(share_email)
    record_event(user, "thread.consent", thread, share_phone=thread.share_phone, share_email=thread.share_email)
    db.session.flush()
    return thread


def toggle_block(user, thread_id):
    """Block the other side from writing, or lift one's own block; returns whether it is now blocked."""
    thread = _thread(user, thread_id)
    require(can_write_in_thread, user, thread)
    column = "blocked_by_member_at" if is_thread_member(user, thread) else "blocked_by_lsg_at"
    blocked = getattr(thread, column) is None
    setattr(thread, column, utcnow() if blocked else None)
    record_event(user, "thread.blocked" if blocked else "thread.unblocked", thread)
    db.session.flush()
    return blocked


def report_thread(user, thread_id, reason=""):
    thread = _thread(user, thread_id)
    require(can_write_in_thread, user, thread)
    reason = (reason or "").strip()
    if len(reason) > REPORT_MAX:
        raise InvalidInput(_l("A reason is at most %(count)d characters.", count=REPORT_MAX), field="reason")
    if thread.reported_at is None:
        thread.reported_at, thread.reported_by_id, thread.report_reason = utcnow(), user.id, reason
        record_event(user, "thread.reported", thread, reason=reason or None)
        db.session.flush()
    return thread


def reported_threads(user):
    require(can_see_reported_threads, user)
    return db.session.scalars(db.select(MessageThread).where(MessageThread.reported_at.is_not(None))
                              .order_by(MessageThread.reported_at.desc())).all()
