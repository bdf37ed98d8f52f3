"""An official's "needs attention" page: what waits for them across all their LSGs' projects.

``attention_items(user)`` builds one AttentionItem per entry of SECTIONS, in that order; each says
what waits (label), how many (count), where to act (url: the most urgent project's page), a line
of detail, and one link per project when several have some. A new entry is one function added to
SECTIONS (it gets the official and the ids of their LSGs and returns an AttentionItem).
"""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.authz import is_official, require
from app.extensions import db
from app.models import (
    UPDATABLE_STATUSES, Pledge, PledgeKind, PledgeStatus, Project, ProjectStatus, Question, RevisionState,
)
from app.models._common import utcnow
from app.services import messages
from app.services.pledges.making import OFFLINE_METHODS
from app.services.projects.lookups import lsgs_of_official
from app.services.projects.updates import STALE_AFTER


@dataclass(frozen=True)
class AttentionItem:
    label: object
    count: int
    url: str
    detail: str = ""
    links: tuple = ()  # (project title, count, url) for each project that has some, most urgent first


def _item(label, projects, endpoint, *, detail=""):
    """``projects``: most urgent first, one per thing that waits (a project twice for two pledges)."""
    seen = {}
    for project in projects:
        seen[project] = seen.get(project, 0) + 1
    links = tuple((project.title, n, url_for(endpoint, project_id=project.id)) for project, n in seen.items())
    total = sum(count for _title, count, _url in links)
    return AttentionItem(label, total, links[0][2] if links else "", detail if total else "", links)


def _days_ago(moment):
    return max((utcnow() - moment).days, 0)


def _pending(user, lsg_ids, *conditions):
    """Pending pledges on these LSGs' projects, oldest first (never the official's own: someone
    else decides on those)."""
    if not lsg_ids:
        return []
    return db.session.scalars(
        db.select(Pledge).join(Project, Pledge.project_id == Project.id)
        .where(Project.lsg_id.in_(lsg_ids), Pledge.status == PledgeStatus.PENDING, Pledge.member_id != user.id,
               *conditions)
        .order_by(Pledge.created_at, Pledge.id)).all()


def pledges_to_confirm(user, lsg_ids):
    pledges = _pending(user, lsg_ids, Pledge.kind == PledgeKind.FUNDS, Pledge.method.in_(OFFLINE_METHODS))
    detail = ""
    if pledges:
        days = _days_ago(pledges[0].created_at)
        detail = (ngettext("The oldest has waited %(num)d day.", "The oldest has waited %(num)d days.", days)
                  if days else _("The oldest came today."))
    return _item(_l("Offline pledges of money to confirm"), [p.project for p in pledges], "pledges.incoming",
                 detail=detail)


def offers_to_answer(user, lsg_ids):
    pledges = _pending(user, lsg_ids, Pledge.kind == PledgeKind.SKILL)
    return _item(_l("Offers of skills to answer"), [p.project for p in pledges], "pledges.incoming")


def goods_to_answer(user, lsg_ids):
    pledges = _pending(user, lsg_ids, Pledge.kind == PledgeKind.IN_KIND)
    return _item(_l("Pledges of goods to answer"), [p.project for p in pledges], "pledges.incoming")


def questions_due(user, lsg_ids):
    """Unanswered public questions to these LSGs, the one due first first, with its time left."""
    if not lsg_ids:
        return _item(_l("Questions to answer"), [], "projects.detail")
    waiting = db.session.scalars(
        db.select(Question).where(Question.lsg_id.in_(lsg_ids), Question.answered_at.is_(None),
                                  Question.hidden_at.is_(None))
        .order_by(Question.due_at, Question.id)).all()
    detail = ""
    if waiting:
        left = waiting[0].due_at - utcnow()
        if left < timedelta(0):
            days = max((-left).days, 1)
            detail = ngettext("The oldest is late by %(num)d day.", "The oldest is late by %(num)d days.", days)
        elif left < timedelta(days=1):
            hours = max(left.seconds // 3600, 1)
            detail = ngettext("The next is due in %(num)d hour.", "The next is due in %(num)d hours.", hours)
        else:
            detail = ngettext("The next is due in %(num)d day.", "The next is due in %(num)d days.", left.days)
    return _item(_l("Questions to answer"), [q.project for q in waiting], "projects.detail", detail=detail)


def messages_unread(user, lsg_ids):
    """Threads with messages from members the LSG has not read yet (as an official, not as a member)."""
    rows = [row for row in messages.inbox(user) if not row.as_member and row.unread]
    links = tuple((row.thread.member.name, row.unread, url_for("messages.thread", thread_id=row.thread.id))
                  for row in rows)
    total = sum(row.unread for row in rows)
    return AttentionItem(_l("Messages not read yet"), total, links[0][2] if links else "", "", links)


def _silent_since(lsg_ids, longer_than, *, shorter_than=None):
    """Public, unfinished projects with no update for longer than the period, longest silent first."""
    if not lsg_ids:
        return []
    now = utcnow()
    last = db.func.coalesce(Project.last_update_at, Project.published_at)
    statement = db.select(Project).where(Project.lsg_id.in_(lsg_ids), Project.status.in_(UPDATABLE_STATUSES),
                                         last < now - longer_than)
    if shorter_than is not None:
        statement = statement.where(last >= now - shorter_than)
    return db.session.scalars(statement.order_by(last, Project.id)).all()


def _silence_detail(projects):
    if not projects:
        return ""
    days = _days_ago(projects[0].last_update_at or projects[0].published_at)
    return ngettext("The longest without an update: %(num)d day.", "The longest without an update: %(num)d days.",
                    days)


def updates_overdue(user, lsg_ids):
    projects = _silent_since(lsg_ids, STALE_AFTER)
    return _item(_l("Updates overdue: shown as silent to the public"), projects, "projects.new_update",
                 detail=_silence_detail(projects))


def updates_due_soon(user, lsg_ids):
    projects = _silent_since(lsg_ids, timedelta(days=current_app.config["UPDATE_REMINDER_DAYS"]),
                             shorter_than=STALE_AFTER)
    return _item(_l("Updates due soon"), projects, "projects.new_update", detail=_silence_detail(projects))


def _projects(lsg_ids, *conditions):
    if not lsg_ids:
        return []
    return db.session.scalars(db.select(Project).where(Project.lsg_id.in_(lsg_ids), *conditions)
                              .order_by(Project.updated_at.desc(), Project.id)).all()


def sent_back(user, lsg_ids):
    projects = _projects(lsg_ids, db.or_(Project.status == ProjectStatus.CHANGES_REQUESTED,
                                         Project.revision_state == RevisionState.CHANGES_REQUESTED))
    return _item(_l("Sent back by moderators for changes"), projects, "projects.manage")


def drafts(user, lsg_ids):
    return _item(_l("Drafts not yet sent for review"), _projects(lsg_ids, Project.status == ProjectStatus.DRAFT),
                 "projects.manage")


SECTIONS = [
    pledges_to_confirm,
    offers_to_answer,
    goods_to_answer,
    questions_due,
    messages_unread,
    updates_overdue,
    updates_due_soon,
    sent_back,
    drafts,
]


def attention_items(user):
    """Every section for this official, in SECTIONS' order (empty ones too: the page skips them)."""
    require(is_official, user)
    lsg_ids = [lsg.id for lsg in lsgs_of_official(user)]
    return [section(user, lsg_ids) for section in SECTIONS]
