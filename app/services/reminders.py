"""The worker's daily reminders (app/worker.py, SCHEDULE): what waits too long is recalled, once.

- Offline pledges of money unconfirmed for PLEDGE_CONFIRM_REMINDER_DAYS: to the LSG's officials,
  one notification per project with the count; still unconfirmed at PLEDGE_ESCALATE_DAYS: to the
  moderators, the same way.
- An accepted skill offer whose days start within MISSION_REMINDER_DAYS: to its volunteer, unless
  its project is run as a mission: then its volunteers are told 14 and 3 days before the mission's
  first day (MISSION_VOLUNTEER_REMINDERS), with a link to their itinerary.
- A public, unfinished project with no update for UPDATE_REMINDER_DAYS (and not yet "silent",
  app/services/projects/updates.py, STALE_AFTER): to its officials.

Each reminder is recorded in ``reminders_sent`` (kind, entity, id, occasion) in the same
transaction as its notifications; its unique key makes a rerun, a late run or a second worker
tell nobody twice. Nothing here commits: the schedule does (app/schedule.py).
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Mission, Need, Pledge, PledgeKind, PledgeStatus, Project, ReminderSent, UPDATABLE_STATUSES
from app.models._common import utcnow
from app.services.notifications import date_param, localized, moderators, notify, notify_all, officials_of
from app.services.pledges.making import OFFLINE_METHODS
from app.services.projects.updates import STALE_AFTER

PENDING = "pending"  # the occasion of a pledge's reminders: it waits for confirmation
# A mission's volunteers are told this many days (or fewer, for a late run) before its first day.
MISSION_VOLUNTEER_REMINDERS = (("mission_in_3_days", 3), ("mission_in_14_days", 14))


def _told(kind, entity, entity_id, occasion):
    return db.session.scalar(db.select(ReminderSent.id).filter_by(
        kind=kind, entity=entity, entity_id=entity_id, occasion=occasion)) is not None


def _record(kind, entity, entity_id, occasion):
    """True when this occasion was not yet recorded (and now is); False when it was."""
    if _told(kind, entity, entity_id, occasion):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(ReminderSent(kind=kind, entity=entity, entity_id=entity_id, occasion=occasion))
    except IntegrityError:  # another run recorded it first
        return False
    return True


def _waiting_pledges(days):
    """Offline money pledges still pending after ``days``, by project: {project: [pledge, …]}."""
    cutoff = utcnow() - timedelta(days=days)
    pledges = db.session.scalars(
        db.select(Pledge).where(Pledge.status == PledgeStatus.PENDING, Pledge.method.in_(OFFLINE_METHODS),
                                Pledge.created_at <= cutoff)
        .order_by(Pledge.project_id, Pledge.created_at, Pledge.id)).all()
    by_project = {}
    for pledge in pledges:
        by_project.setdefault(pledge.project, []).append(pledge)
    return by_project


def _remind_waiting(kind, days, recipients_of):
    """One notification per project where a pledge newly passed ``days``; the count is all of them."""
    told = 0
    for project, pledges in _waiting_pledges(days).items():
        new = [pledge for pledge in pledges if _record(kind, "pledge", pledge.id, PENDING)]
        if not new:
            continue
        params = dict(count=len(pledges), days=days)
        if kind == "pledges_waiting_escalated":
            params["lsg"] = localized(project.lsg)
        told += len(notify_all(recipients_of(project), kind, project=project, **params))
    return told


def remind_waiting_pledges():
    """Officials first, then moderators for what waits past the second period; returns how many told."""
    config = current_app.config
    told = _remind_waiting("pledges_waiting", config["PLEDGE_CONFIRM_REMINDER_DAYS"],
                           lambda project: officials_of(project.lsg))
    return told + _remind_waiting("pledges_waiting_escalated", config["PLEDGE_ESCALATE_DAYS"],
                                  lambda project: moderators())


def _need_name(need):
    return need.title or (localized(need.skill) if need.skill else "")


def remind_missions():
    """Each accepted volunteer whose days start within the period, once per start date."""
    today = utcnow().date()
    horizon = today + timedelta(days=current_app.config["MISSION_REMINDER_DAYS"])
    starts = db.func.coalesce(Pledge.starts_on, Need.starts_on)
    offers = db.session.scalars(
        db.select(Pledge).join(Need, Pledge.need_id == Need.id).join(Project, Pledge.project_id == Project.id)
        .where(Pledge.kind == PledgeKind.SKILL, Pledge.status == PledgeStatus.ACCEPTED,
               Project.status.in_(UPDATABLE_STATUSES), starts >= today, starts <= horizon,
               ~db.select(Mission.id).where(Mission.project_id == Pledge.project_id).exists())
        .order_by(Pledge.id)).all()
    told = 0
    for offer in offers:
        starts_on = offer.starts_on or offer.need.starts_on
        if _record("mission_soon", "pledge", offer.id, starts_on.isoformat()):
            told += notify(offer.member, "mission_soon", project=offer.project, pledge_id=offer.id,
                           need=_need_name(offer.need), starts_on=date_param(starts_on)) is not None
    return told


def _mission_reminder(days_left):
    """The kind due ``days_left`` before the first day (the nearest occasion), or None."""
    return next((kind for kind, days in MISSION_VOLUNTEER_REMINDERS if days_left <= days), None)


def remind_mission_volunteers():
    """Each accepted volunteer of a mission starting within 14 days: once at 14 days, once at 3,
    per start date (a mission moved to other dates tells them again)."""
    today = utcnow().date()
    horizon = today + timedelta(days=max(days for _kind, days in MISSION_VOLUNTEER_REMINDERS))
    missions = db.session.scalars(
        db.select(Mission).join(Project, Mission.project_id == Project.id)
        .where(Project.status.in_(UPDATABLE_STATUSES), Mission.starts_on >= today, Mission.starts_on <= horizon)
        .order_by(Mission.id)).all()
    told = 0
    for mission in missions:
        kind = _mission_reminder((mission.starts_on - today).days)
        for volunteer in mission.volunteers:
            if volunteer.pledge.status != PledgeStatus.ACCEPTED:
                continue
            if _record(kind, "mission_volunteer", volunteer.id, mission.starts_on.isoformat()):
                told += notify(volunteer.pledge.member, kind, project=mission.project, volunteer_id=volunteer.id,
                               starts_on=date_param(mission.starts_on)) is not None
    return told


def remind_updates():
    """The officials of each public project silent for the period, once per silence (counted from
    its last update), while it is not yet flagged as silent."""
    now = utcnow()
    days = current_app.config["UPDATE_REMINDER_DAYS"]
    due = now - timedelta(days=days)
    last = db.func.coalesce(Project.last_update_at, Project.published_at)
    projects = db.session.scalars(
        db.select(Project).where(Project.status.in_(UPDATABLE_STATUSES), last <= due, last > now - STALE_AFTER)
        .order_by(Project.id)).all()
    told = 0
    for project in projects:
        since = project.last_update_at or project.published_at
        if _record("update_due", "project", project.id, since.isoformat()):
            told += len(notify_all(officials_of(project.lsg), "update_due", project=project, days=days))
    return told


def send_reminders():
    """The scheduled task: every kind of reminder that is due; returns how many people were told."""
    return remind_waiting_pledges() + remind_missions() + remind_mission_volunteers() + remind_updates()
