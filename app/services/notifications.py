"""Notifications: telling each person what concerns them, in the app and, if they chose, by mail.

A service that changes something calls ``notify`` (or ``notify_all``) in the same transaction: it
writes one Notification per person, and for those who chose mail one "mail" job, which the worker
sends after the commit (``send_notification``), once. Nothing here sends mail inside a request.

Every kind of event is declared once in KINDS: its words (rendered in the reader's language when
shown or mailed, from the params saved with it), where it links to, and how people hear of it
unless they chose otherwise on their preferences page.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from app.errors import NotFound
from app.extensions import db
from app.mail import absolute_url, send_mail, stable_message_id
from app.models import LsgMembership, MembershipStatus, Question, Role, User
from app.models._common import current_language, utcnow
from app.models.notifications import Channel, Notification, NotificationPreference
from app.money import format_money
from app.outbox import enqueue

ALL_KINDS = "all"


@dataclass(frozen=True)
class Kind:
    label: object  # what the preferences page calls it
    text: object  # a lazy string with %(name)s placeholders filled from the notification's params
    endpoint: str  # what it links to; url values are the params named in ``values``
    values: tuple = ()
    default: Channel = Channel.MAIL
    group: object = None  # heading on the preferences page
    anchor: str | None = None
    audience: str = "member"  # who may receive it: "member" (anyone), "official", "moderator"


_MINE = _l("My pledges, offers and profile")
_LSG = _l("For officials of my LSG")
_FOLLOWED = _l("Projects and places I follow")
_DIALOGUE = _l("Questions and messages")

KINDS = {
    # to the member: their requests decided
    "membership_approved": Kind(_l("My request to act for an LSG is approved"), _l("You are now an official of %(lsg)s."), "lsgs.index", group=_MINE),
    "membership_rejected": Kind(_l("My request to act for an LSG is declined"), _l("Your request to act for %(lsg)s was declined: %(reason)s"), "lsgs.index", group=_MINE),
    "credential_verified": Kind(_l("A credential of mine is verified"), _l("Your credential for %(skill)s was verified."), "profiles.me", group=_MINE),
    "credential_rejected": Kind(_l("A credential of mine is not accepted"), _l("Your credential for %(skill)s was not accepted: %(reason)s"), "profiles.me", group=_MINE),
    "pledge_confirmed": Kind(_l("A pledge of mine is confirmed"), _l("Your pledge of %(amount)s to “%(title)s” was confirmed."), "pledges.receipt", ("pledge_id",), group=_MINE),
    # A receipt exists only for a pledge that counts: the others link to the member's list of pledges.
    "pledge_rejected": Kind(_l("A pledge of mine is not confirmed"), _l("Your pledge to “%(title)s” was not confirmed: %(reason)s"), "pledges.mine", group=_MINE),
    "pledge_expired": Kind(_l("A card payment of mine was not completed"), _l("Your card payment for “%(title)s” did not go through; nothing was charged."), "pledges.mine", group=_MINE),
    "pledge_lapsed": Kind(_l("A pledge of mine expired unconfirmed"), _l("Your pledge to “%(title)s” was not confirmed within %(days)s days and has expired."), "pledges.mine", group=_MINE),
    "pledge_refunded": Kind(_l("Money of mine is refunded"), _l("%(amount)s of your pledge to “%(title)s” was refunded."), "pledges.mine", group=_MINE),
    "need_closed": Kind(_l("A need I pledged to is closed"), _l("“%(need)s” on “%(title)s” takes no new pledges; your pledge on it still waits for the officials' decision. The reason: %(reason)s"), "pledges.mine", group=_MINE),
    "offer_accepted": Kind(_l("An offer of mine is accepted"), _l("Your offer for “%(need)s” on “%(title)s” was accepted."), "pledges.receipt", ("pledge_id",), group=_MINE),
    "offer_declined": Kind(_l("An offer of mine is declined"), _l("Your offer for “%(need)s” on “%(title)s” was declined: %(reason)s"), "pledges.mine", group=_MINE),
    "mission_soon": Kind(_l("A mission I volunteer for starts in a week"), _l("“%(need)s” on “%(title)s” starts on %(starts_on)s."), "pledges.receipt", ("pledge_id",), group=_MINE),
    # to the officials of the project's LSG
    "project_changes_requested": Kind(_l("Moderators ask for changes to a project"), _l("Changes were requested on “%(title)s”: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "project_published": Kind(_l("A project is published"), _l("“%(title)s” is published."), "projects.detail", ("project_id",), group=_LSG, audience="official"),
    "project_rejected": Kind(_l("A project is rejected"), _l("“%(title)s” was rejected: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "project_unpublished": Kind(_l("A project is unpublished"), _l("“%(title)s” was unpublished: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "pledge_received": Kind(_l("A new pledge of money"), _l("New pledge of %(amount)s to “%(title)s” from %(member)s."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "offer_received": Kind(_l("A new offer of skills"), _l("%(member)s offers to help with “%(need)s” on “%(title)s”."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "goods_pledge_received": Kind(_l("A new pledge of goods"), _l("%(member)s pledges goods for “%(need)s” on “%(title)s”."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "pledges_waiting": Kind(_l("Offline pledges wait for confirmation"), _l("Offline pledges to “%(title)s” waiting for confirmation for more than %(days)s days: %(count)s."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "pledges_waiting_escalated": Kind(_l("Offline pledges wait too long (moderators)"), _l("Offline pledges to “%(title)s” (%(lsg)s) waiting for confirmation for more than %(days)s days: %(count)s."), "projects.detail", ("project_id",), group=_LSG, anchor="ledger-heading", audience="moderator"),  # moderators see the public ledger
    "update_due": Kind(_l("A project needs an update"), _l("“%(title)s” has had no update for %(days)s days: post one before it is flagged as silent."), "projects.new_update", ("project_id",), group=_LSG, audience="official"),
    # an LSG's payment details (issue 12): to its officials, and to the donors whose offline pledges wait
    "payment_details_changed": Kind(_l("The payment details of an LSG I give to changed"), _l("The payment details of %(lsg)s changed on %(date)s, verified by the ministry. Use the new ones for any transfer."), "lsgs.detail", ("lsg_id",), group=_MINE, anchor="payment-details"),
    "payment_details_rejected": Kind(_l("A change to my LSG's payment details is not approved"), _l("The change to the payment details of %(lsg)s was not approved: %(reason)s"), "lsgs.detail", ("lsg_id",), group=_LSG, anchor="payment-details", audience="official"),
    # to followers and everyone who pledged
    "project_update": Kind(_l("An update on a project I follow or supported"), _l("New update on “%(title)s”: %(update)s"), "projects.detail", ("project_id",), Channel.DIGEST, _FOLLOWED, "updates"),
    "followed_project_published": Kind(_l("A new project in a place I follow"), _l("New project in %(place)s: “%(title)s”."), "projects.detail", ("project_id",), Channel.DIGEST, _FOLLOWED),
    # questions and messages
    "question_asked": Kind(_l("A new question to answer"), _l("New question on “%(title)s”: %(question)s"), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_answered": Kind(_l("My question is answered"), _l("Your question on “%(title)s” was answered."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_late": Kind(_l("A question waits past its due date"), _l("A question on “%(title)s” is waiting for your answer past its due date."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_escalated": Kind(_l("A question is unanswered past its due date (moderators)"), _l("A question to %(addressee)s on “%(title)s” is unanswered past its due date."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions", audience="moderator"),
    "message_received": Kind(_l("A new private message"), _l("New message from %(sender)s."), "messages.thread", ("thread_id",), group=_DIALOGUE),
    # missions: itinerary
    "mission_arrival_given": Kind(_l("A mission volunteer gives or changes their arrival"), _l("%(member)s arrives for “%(title)s” on %(arrives_on)s at %(time)s, flight %(flight)s, at %(airport)s."), "missions.itinerary", ("volunteer_id",), group=_LSG, audience="official"),
    "mission_in_14_days": Kind(_l("A mission I volunteer for starts in two weeks"), _l("“%(title)s” starts on %(starts_on)s: check your itinerary and give your arrival."), "missions.itinerary", ("volunteer_id",), group=_MINE),
    "mission_in_3_days": Kind(_l("A mission I volunteer for starts in three days"), _l("“%(title)s” starts on %(starts_on)s: your itinerary and the coordinator's contact."), "missions.itinerary", ("volunteer_id",), group=_MINE),
}


def localized(thing):
    """A name in the three languages, to be saved in params and read in the reader's language."""
    return {"ky": thing.name_ky, "ru": thing.name_ru, "en": thing.name_en}


def money_param(amount, currency):
    return {"amount": amount, "currency": currency}


def need_param(need):
    """A need's name: its own title as written, else its skill's name in the three languages."""
    if not need.title and need.skill is not None:
        return localized(need.skill)
    return need.label


def date_param(day):
    """A date, written in the reader's language when shown ("10 мая 2027 г.")."""
    return {"date": day.isoformat()}


def _param(value):
    if isinstance(value, dict) and "currency" in value:
        return format_money(value["amount"], value["currency"])
    if isinstance(value, dict) and "date" in value:
        return format_date(date.fromisoformat(value["date"]), "long")
    if isinstance(value, dict) and "en" in value:
        return value.get(current_language()) or value["en"]
    return value if value not in (None, "") else "—"


def channel_for(user, kind):
    chosen = db.session.scalar(db.select(NotificationPreference.channel).filter_by(user_id=user.id, kind=kind))
    return chosen or KINDS[kind].default


def kinds_for(user):
    """The kinds this person can receive (an official's and a moderator's kinds only to them)."""
    audiences = {"member"}
    if any(m.status == MembershipStatus.APPROVED for m in user.memberships):
        audiences.add("official")
    if user.role in (Role.MODERATOR, Role.ADMIN):
        audiences.add("moderator")
    return {name: kind for name, kind in KINDS.items() if kind.audience in audiences}


def preferences_of(user):
    """Every kind with the channel this person hears it by, grouped as the preferences page shows them."""
    chosen = dict(db.session.execute(db.select(NotificationPreference.kind, NotificationPreference.channel)
                                     .filter_by(user_id=user.id)).all())
    return {name: chosen.get(name, kind.default) for name, kind in KINDS.items()}


def set_preference(user, kind, channel):
    """Flushes; unknown kinds are refused (ValueError), "all" sets every kind."""
    names = list(KINDS) if kind == ALL_KINDS else [kind]
    if any(name not in KINDS for name in names):
        raise ValueError(kind)
    for name in names:
        row = db.session.scalar(db.select(NotificationPreference).filter_by(user_id=user.id, kind=name))
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=name, channel=channel))
        else:
            row.channel = channel
    db.session.flush()


def notify(user, kind, *, project=None, **params):
    """Tell one person of one event; flushes. Returns the notification, or None for a person who
    can no longer be told (a deactivated account)."""
    if kind not in KINDS:
        raise KeyError(kind)
    if user is None or not user.active:
        return None
    if project is not None:
        params.setdefault("project_id", project.id)
        params.setdefault("title", project.told_title)
    channel = channel_for(user, kind)
    notification = Notification(user_id=user.id, kind=kind, project_id=project.id if project else None,
                                params=params, channel=channel)
    db.session.add(notification)
    db.session.flush()
    if channel == Channel.MAIL:
        enqueue("mail", "notification", notification.id)
    return notification


def notify_all(users, kind, *, project=None, besides=(), **params):
    """The same event to several people, each once (``besides``: people not to tell, e.g. whoever
    caused it); returns the notifications written."""
    seen = {u.id for u in besides if u is not None}
    written = []
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        notification = notify(user, kind, project=project, **dict(params))
        if notification is not None:
            written.append(notification)
    return written


def officials_of(lsg):
    if lsg is None:
        return []
    return db.session.scalars(
        db.select(User).join(LsgMembership, LsgMembership.user_id == User.id)
        .where(LsgMembership.lsg_id == lsg.id, LsgMembership.status == MembershipStatus.APPROVED,
               User.active.is_(True))
        .order_by(User.id)).all()


def moderators():
    return db.session.scalars(db.select(User).where(User.role.in_((Role.MODERATOR, Role.ADMIN)),
                                                    User.active.is_(True)).order_by(User.id)).all()


def text_of(notification):
    """Its words in the current language."""
    kind = KINDS[notification.kind]
    params = notification.params or {}
    values = {name: _param(value) for name, value in params.items()}
    if "question" in values and _is_hidden(params.get("question_id")):
        values["question"] = _("(hidden by a moderator)")
    try:
        return str(kind.text) % values
    except (KeyError, TypeError, ValueError):  # params saved by an older version: say what it is about
        return str(kind.text).split("%(")[0].strip() or notification.kind


def _is_hidden(question_id):
    """Is this question hidden by a moderator (its words then no longer shown anywhere)?"""
    question = db.session.get(Question, question_id) if question_id else None
    return question is not None and question.hidden


def _url_values(notification):
    kind = KINDS[notification.kind]
    values = {name: (notification.params or {}).get(name) for name in kind.values}
    if kind.anchor:
        values["_anchor"] = kind.anchor
    return values


def link_of(notification):
    return url_for(KINDS[notification.kind].endpoint, **_url_values(notification))


def absolute_link_of(notification):
    return absolute_url(KINDS[notification.kind].endpoint, **_url_values(notification))


# ---- reading


def unread_count(user):
    return db.session.scalar(db.select(db.func.count(Notification.id))
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def recent(user, *, limit=100):
    """Newest first."""
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(limit)).all()


def grouped_by_project(notifications):
    """[(project or None, [notification, …])], groups in the order of their newest notification."""
    groups = {}
    for notification in notifications:
        groups.setdefault(notification.project_id, (notification.project, []))[1].append(notification)
    return list(groups.values())


def mark_read(user, notification_id=None):
    """One of this person's notifications, or all of them; flushes; returns how many changed."""
    statement = db.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    changed = db.session.execute(statement.values(read_at=utcnow())).rowcount
    db.session.flush()
    return changed


# ---- unsubscribing without logging in


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user, kind):
    return _serializer().dumps({"user": user.id, "kind": kind})


def read_unsubscribe_token(token):
    """(user, kind) the token was made for, or None when it is forged or its person is gone."""
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["user"]))
        kind = data["kind"]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    if user is None or (kind != ALL_KINDS and kind not in KINDS and kind != "digest"):
        return None
    return user, kind


def unsubscribe(user, kind):
    """What the one-click link does: that kind (or every kind) no longer comes by mail; flushes."""
    if kind == "digest":
        for name, channel in preferences_of(user).items():
            if channel == Channel.DIGEST:
                set_preference(user, name, Channel.APP)
    else:
        set_preference(user, kind, Channel.APP)


# ---- the "mail" job


def _language(user):
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def send_notification(notification_id):
    """The worker's "mail" job for one notification: sent once; True when a mail went out.

    The caller commits right after: ``mail_sent_at`` then records that the server accepted it."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.mail_sent_at is not None:
        return False
    user = notification.user
    if not user.active or channel_for(user, notification.kind) != Channel.MAIL:
        return False  # gone, or chose since not to get these by mail (unsubscribed): not sent
    with force_locale(_language(user)):
        text = text_of(notification)
        unsubscribe_link = absolute_url("notifications.unsubscribe",
                                        token=unsubscribe_token(user, notification.kind))
        body = "\n\n".join([
            text,
            absolute_link_of(notification),
            "—",
            _("You receive this mail because of your notification settings on Birge: %(link)s",
              link=absolute_url("notifications.preferences")),
            _("Stop mails of this kind with one click: %(link)s", link=unsubscribe_link),
        ])
        subject = text if len(text) <= 120 else text[:117] + "…"
    send_mail(user.email, subject, body, message_id=stable_message_id(f"notification-{notification.id}"),
              headers=unsubscribe_headers(unsubscribe_link))
    notification.mail_sent_at = utcnow()
    return True


def unsubscribe_headers(link):
    """RFC 8058: mail clients offer "unsubscribe" and POST to the link, no login, no second page."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def since(user, moment: datetime):
    """This person's notifications written after ``moment``, oldest first (for digests)."""
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id,
                                                            Notification.created_at > moment)
                              .order_by(Notification.created_at, Notification.id)).all()



def kind_label(kind):
    if kind == "digest":
        return _("Digest mail")
    if kind == ALL_KINDS:
        return _("All mail from Birge")
    return str(KINDS[kind].label)


def save_preferences(user, chosen, *, digest_every):
    """``chosen``: {kind: Channel} from the preferences page; flushes."""
    if digest_every not in ("week", "day"):
        raise ValueError(digest_every)
    for name, channel in chosen.items():
        set_preference(user, name, channel)
    user.digest_every = digest_every
    db.session.flush()


def opened(user, notification_id):
    """The person opened one of their notifications: it is read; NotFound if it is not theirs."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(_("This notification does not exist."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification
