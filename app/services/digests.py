"""The digest: once a week (or a day, as each person chose) one mail with the events they hear of
"in the digest", grouped by project, newest first, each one line and a link.

The worker's schedule runs ``queue_digests`` hourly (app/worker.py, SCHEDULE "digests"). A person's
digest is due when their last one is a period old (or, for the first, since they registered); it is
written only when something is new. It becomes one DigestMail row, unique per person and period (two
workers building the same digest write one row), and one "mail" job; ``send_digest`` sends it once,
then marks what it told as digested.
"""
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.mail import absolute_url, send_mail, stable_message_id
from app.models import Channel, Notification, User
from app.models._common import utcnow
from app.models.follows import DigestMail
from app.outbox import enqueue
from app.services.notifications import (
    absolute_link_of,
    grouped_by_project,
    preferences_of,
    text_of,
    unsubscribe_headers,
    unsubscribe_token,
)

PERIODS = {"week": timedelta(days=7), "day": timedelta(days=1)}


def period_of(every, moment):
    """The name of the period ``moment`` is in: "week 2026-W49" or "day 2026-12-01"."""
    if every == "day":
        return f"day {moment.date().isoformat()}"
    year, week, _weekday = moment.isocalendar()
    return f"week {year}-W{week:02d}"


def _untold(user_id):
    """Their notifications for the digest not told in one yet, newest first."""
    return db.session.scalars(db.select(Notification).where(
        Notification.user_id == user_id, Notification.channel == Channel.DIGEST, Notification.digested_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())).all()


def _still_wanted(user, told):
    """Those of ``told`` whose kind this person still hears of in the digest: after "stop digest
    mails" (or a change of mind on the preferences page) nothing written before goes out either."""
    chosen = preferences_of(user)
    return [n for n in told if chosen.get(n.kind) == Channel.DIGEST]


def _is_due(user, now):
    every = PERIODS.get(user.digest_every, PERIODS["week"])
    last = db.session.scalar(db.select(db.func.max(DigestMail.created_at)).where(DigestMail.user_id == user.id))
    return (last or user.created_at) <= now - every


def queue_digests():
    """The scheduled task: one digest and "mail" job for each person whose digest is due and who has
    something new; returns how many were queued."""
    now = utcnow()
    waiting = db.select(Notification.user_id).where(Notification.channel == Channel.DIGEST,
                                                    Notification.digested_at.is_(None))
    users = db.session.scalars(db.select(User).where(User.id.in_(waiting), User.active.is_(True))
                               .order_by(User.id)).all()
    queued = 0
    for user in users:
        if not _is_due(user, now):
            continue
        told = [n.id for n in _still_wanted(user, _untold(user.id))]
        if not told:
            continue
        try:
            with db.session.begin_nested():
                digest = DigestMail(user_id=user.id, period=period_of(user.digest_every, now),
                                    notification_ids=told, created_at=now)
                db.session.add(digest)
        except IntegrityError:  # this period's digest is written already (by another worker)
            continue
        enqueue("mail", "digest", digest.id)
        queued += 1
    return queued


def _body(user, notifications):
    lines = [_("Hello %(name)s, this is what happened on Birge in what you follow and support:", name=user.name), ""]
    for project, told in grouped_by_project(notifications):
        heading = project.told_title if project is not None else (told[0].params or {}).get("title") or _("Other news")
        lines += [heading, "=" * min(len(heading), 60)]
        for notification in told:
            lines += [f"- {text_of(notification)}", f"  {absolute_link_of(notification)}"]
        lines.append("")
    unsubscribe_link = absolute_url("notifications.unsubscribe", token=unsubscribe_token(user, "digest"))
    lines += [
        "—",
        _("See what you follow, and unfollow: %(link)s", link=absolute_url("follows.index")),
        _("Choose how you are told, and how often the digest comes: %(link)s",
          link=absolute_url("notifications.preferences")),
        _("Stop digest mails with one click: %(link)s", link=unsubscribe_link),
    ]
    return "\n".join(lines), unsubscribe_link


def send_digest(digest_id):
    """The worker's "mail" job for one digest: sent once; True when a mail went out.

    The caller commits right after: ``sent_at`` then records that the server accepted it."""
    digest = db.session.get(DigestMail, digest_id)
    if digest is None or digest.sent_at is not None or not digest.user.active:
        return False
    user = digest.user
    notifications = db.session.scalars(db.select(Notification).where(
        Notification.id.in_(digest.notification_ids or []), Notification.user_id == user.id,
        Notification.digested_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc())).all()
    notifications = _still_wanted(user, notifications)
    if not notifications:
        return False  # what it was to tell is gone, no longer wanted, or an earlier digest told it
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body, unsubscribe_link = _body(user, notifications)
        subject = _("Your Birge digest: what is new in what you follow")
    send_mail(user.email, subject, body, message_id=stable_message_id(f"digest-{digest.id}"),
              headers=unsubscribe_headers(unsubscribe_link))
    digest.sent_at = utcnow()
    for notification in notifications:
        notification.digested_at = digest.sent_at
    return True
