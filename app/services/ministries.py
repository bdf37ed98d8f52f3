"""Line ministries (set up by admins), public holidays, working days, and how well an addressee
(an LSG or a ministry) answers its public questions."""
import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from app.authz import can_administer, require
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import PUBLIC_STATUSES, Holiday, Lsg, Ministry, Project, Question, Sector, User, normalize_email
from app.models._common import utcnow
from app.services.audit import record_event

STATS_DAYS = 90


# ---- ministries


def get_ministry(ministry_id):
    ministry = db.session.get(Ministry, ministry_id)
    if ministry is None:
        raise NotFound()
    return ministry


def all_ministries():
    return db.session.scalars(db.select(Ministry).order_by(Ministry.name_en, Ministry.id)).all()


def all_sectors():
    return db.session.scalars(db.select(Sector).order_by(Sector.id)).all()


def ministries_for_sector(sector_id):
    if sector_id is None:
        return []
    return db.session.scalars(db.select(Ministry).where(Ministry.sectors.any(Sector.id == sector_id))
                              .order_by(Ministry.name_en, Ministry.id)).all()


def save_ministry(admin, ministry=None, *, name_ky, name_ru, name_en, sector_ids):
    """Create (``ministry`` None) or change a ministry; flushes."""
    require(can_administer, admin)
    sectors = db.session.scalars(db.select(Sector).where(Sector.id.in_(sector_ids or []))).all()
    if not sectors:
        raise InvalidInput(_("Choose at least one sector."), field="sectors")
    created = ministry is None
    if created:
        ministry = Ministry()
        db.session.add(ministry)
    ministry.name_ky, ministry.name_ru, ministry.name_en = name_ky.strip(), name_ru.strip(), name_en.strip()
    ministry.sectors = list(sectors)
    db.session.flush()
    record_event(admin, "ministry.created" if created else "ministry.changed", ministry,
                 sectors=[s.code for s in sectors])
    return ministry


def add_member(admin, ministry, email):
    require(can_administer, admin)
    user = db.session.scalar(db.select(User).filter_by(email=normalize_email(email)))
    if user is None:
        raise InvalidInput(_("Nobody has an account with this e-mail address."), field="email")
    if user in ministry.members:
        raise Conflict(_("This person is already a member of the ministry."))
    ministry.members.append(user)
    db.session.flush()
    record_event(admin, "ministry.member_added", ministry, user_id=user.id)
    return user


def remove_member(admin, ministry, user_id):
    require(can_administer, admin)
    user = next((u for u in ministry.members if u.id == user_id), None)
    if user is None:
        raise NotFound()
    ministry.members.remove(user)
    db.session.flush()
    record_event(admin, "ministry.member_removed", ministry, user_id=user.id)


# ---- holidays and working days


def holidays(admin):
    require(can_administer, admin)
    return db.session.scalars(db.select(Holiday).order_by(Holiday.day.desc())).all()


def add_holiday(admin, *, day, name):
    require(can_administer, admin)
    if db.session.scalar(db.select(Holiday).filter_by(day=day)) is not None:
        raise InvalidInput(_("This day is already a holiday."), field="day")
    holiday = Holiday(day=day, name=name.strip())
    db.session.add(holiday)
    db.session.flush()
    record_event(admin, "holiday.added", holiday, day=day.isoformat())
    return holiday


def remove_holiday(admin, holiday_id):
    require(can_administer, admin)
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFound()
    record_event(admin, "holiday.removed", holiday, day=holiday.day.isoformat())
    db.session.delete(holiday)
    db.session.flush()


def _zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def working_days_after(moment, days):
    """The end (local midnight) of the ``days``-th working day after the local day of ``moment``
    (naive UTC in and out); Saturdays, Sundays and the holidays are not working days."""
    zone = _zone()
    day = moment.replace(tzinfo=timezone.utc).astimezone(zone).date()
    off = set(db.session.scalars(db.select(Holiday.day).where(Holiday.day > day)))
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return end.astimezone(timezone.utc).replace(tzinfo=None)


# ---- how an addressee answers


@dataclass
class AnswerRecord:
    counted: int  # questions of the last 90 days whose answer is due by now, or answered
    answered: int
    median: timedelta | None

    @property
    def rate(self):
        return round(100 * self.answered / self.counted) if self.counted else None


def answer_record(addressee):
    """Answer rate and median time to answer of an LSG or a ministry over the last 90 days (hidden
    questions left out: they are not the addressee's to answer)."""
    now = utcnow()
    column = Question.lsg_id if isinstance(addressee, Lsg) else Question.ministry_id
    rows = db.session.execute(
        db.select(Question.created_at, Question.answered_at, Question.due_at)
        .join(Project, Question.project_id == Project.id)
        .where(column == addressee.id, Question.hidden_at.is_(None), Project.status.in_(PUBLIC_STATUSES),
               Question.created_at >= now - timedelta(days=STATS_DAYS))).all()
    counted = [r for r in rows if r.answered_at is not None or r.due_at < now]
    times = [r.answered_at - r.created_at for r in counted if r.answered_at is not None]
    median = timedelta(seconds=statistics.median(t.total_seconds() for t in times)) if times else None
    return AnswerRecord(len(counted), len(times), median)
