"""Missions: the patients part. The host facility counts patients (numbers only, never a person):
screened, triaged (ready for surgery / needs more tests / not suitable) and, of the ready, how many
wait for each procedure. After the mission the officials report the operations performed; the
report is published as a project update and the patients waiting move down by what was done."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import format_date, ngettext
from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload

from app.authz import can_plan_mission, require
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.forms import MAX_ID
from app.models import MissionReport, MissionReportLine, PatientCount, PatientCountLine, Procedure
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event
from app.services.projects.updates import post_update

MAX_PHOTOS = 6
MAX_PATIENTS = 1_000_000  # no facility counts more; a larger number is a typing slip


@dataclass
class PatientFigures:
    """What the project page shows of a mission's patients."""

    screened: int
    waiting: int  # ready for surgery
    counted_on: date
    by_procedure: list = field(default_factory=list)  # [(procedure name, waiting)]
    operations: int | None = None  # once reported
    patients_seen: int | None = None


def procedures_for(mission):
    """The procedures a mission's counts and report speak of: its kind's, then the kind-less ones."""
    return db.session.scalars(
        db.select(Procedure).where(or_(Procedure.kind_id == mission.kind_id, Procedure.kind_id.is_(None)))
        .order_by(Procedure.kind_id.is_(None), Procedure.id)).all()


def latest_count(mission):
    """The count with the newest date (then the newest row), or None."""
    return db.session.scalar(db.select(PatientCount).where(PatientCount.mission_id == mission.id)
                             .options(selectinload(PatientCount.lines).joinedload(PatientCountLine.procedure))
                             .order_by(PatientCount.counted_on.desc(), PatientCount.id.desc()).limit(1))


def count_history(official, mission):
    """Every count of the mission, newest first (the officials' page)."""
    require(can_plan_mission, official, mission)
    return db.session.scalars(db.select(PatientCount).where(PatientCount.mission_id == mission.id)
                              .order_by(PatientCount.counted_on.desc(), PatientCount.id.desc())).all()


def public_figures(mission):
    """The latest count's figures (and the report's, once there is one), or None without a count."""
    count = latest_count(mission)
    if count is None:
        return None
    figures = PatientFigures(screened=count.screened, waiting=count.ready, counted_on=count.counted_on,
                             by_procedure=[(line.procedure.name, line.waiting) for line in count.lines
                                           if line.waiting > 0])
    report = mission.report
    if report is not None:
        figures.operations, figures.patients_seen = report.operations, report.patients_seen
    return figures


def today():
    return utcnow().date()


def _number(value, name, message):
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(message, field=name)
    if value < 0:
        raise InvalidInput(_("A count cannot be negative."), field=name)
    if value > MAX_PATIENTS:
        raise InvalidInput(_("This number is too large."), field=name)
    return value


def _lines(mission, numbers, *, field_of, limit, limit_message):
    """{procedure_id: n} → [(procedure, n)] for the mission's procedures, zeros left out; their sum
    must not pass ``limit``."""
    procedures = {p.id: p for p in procedures_for(mission)}
    lines = []
    for procedure_id, value in (numbers or {}).items():
        if not isinstance(procedure_id, int) or not 0 < procedure_id <= MAX_ID or procedure_id not in procedures:
            raise InvalidInput(_("Choose a procedure from the list."))
        if value is None:
            continue
        _number(value, field_of(procedures[procedure_id]), _("Enter a number."))
        if value:
            lines.append((procedures[procedure_id], value))
    if sum(n for _p, n in lines) > limit:
        raise InvalidInput(limit_message, field=field_of(lines[0][0]) if lines else None)
    return lines


def waiting_field(procedure):
    return f"waiting_{procedure.code}"


def performed_field(procedure):
    return f"performed_{procedure.code}"


def record_count(official, mission, *, counted_on, screened, ready, more_tests=0, not_suitable=0, waiting=None):
    """A count at the facility on ``counted_on`` (not in the future). ``waiting``: {procedure_id: n}
    of the ready patients. Audited; flushes."""
    require(can_plan_mission, official, mission)
    if not isinstance(counted_on, date):
        raise InvalidInput(_("Give the date of the count."), field="counted_on")
    if counted_on > today():
        raise InvalidInput(_("The date of the count cannot be in the future."), field="counted_on")
    screened = _number(screened, "screened", _("Enter how many patients were screened."))
    ready = _number(ready, "ready", _("Enter how many are ready for surgery."))
    more_tests = _number(more_tests or 0, "more_tests", _("Enter a number."))
    not_suitable = _number(not_suitable or 0, "not_suitable", _("Enter a number."))
    if ready + more_tests + not_suitable > screened:
        raise InvalidInput(_("Ready, needing more tests and not suitable together cannot be more than screened."),
                           field="ready")
    lines = _lines(mission, waiting, field_of=waiting_field, limit=ready,
                   limit_message=_("The patients waiting for each procedure cannot add up to more than are ready."))
    count = PatientCount(mission=mission, counted_on=counted_on, screened=screened, ready=ready,
                         more_tests=more_tests, not_suitable=not_suitable, recorded_by_id=official.id)
    count.lines = [PatientCountLine(procedure=procedure, waiting=n) for procedure, n in lines]
    db.session.add(count)
    db.session.flush()
    record_event(official, "mission.patients_counted", mission.project, mission_id=mission.id, count_id=count.id,
                 counted_on=counted_on.isoformat(), screened=screened, ready=ready)
    return count


def may_report(mission):
    """A report is written from the mission's first day on, once."""
    return mission.report is None and today() >= mission.starts_on


def report_summary(operations, patients_seen):
    """The line added to the update's body, in the official's language (who writes it)."""
    return "%s, %s." % (ngettext("%(num)d operation performed", "%(num)d operations performed", operations),
                        ngettext("%(num)d patient seen", "%(num)d patients seen", patients_seen))


def report_mission(official, mission, *, performed, patients_seen, follow_up="", body="", photos=()):
    """The report after the mission: operations performed per procedure ({procedure_id: n}), patients
    seen, the follow-up plan and up to six photos, published as a project update (followers and
    supporters are told as for any update). The patients waiting move down by what was done: a count
    from the report, dated today. Audited; flushes."""
    require(can_plan_mission, official, mission)
    lock_for_update(mission)  # two reports sent at once: the second waits, then finds the first
    if mission.report is not None:
        raise Conflict(_("This mission already has its report."))
    if today() < mission.starts_on:
        raise InvalidInput(_("The report can be written from the mission's first day, %(day)s.",
                             day=format_date(mission.starts_on, "medium")))
    patients_seen = _number(patients_seen, "patients_seen", _("Enter how many patients were seen."))
    lines = _lines(mission, performed, field_of=performed_field, limit=MAX_PATIENTS,
                   limit_message=_("This number is too large."))
    photos = [photo for photo in photos or () if photo]
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_("At most %(num)d photos.", num=MAX_PHOTOS), field="photos")
    follow_up = (follow_up or "").strip()
    operations = sum(n for _p, n in lines)
    summary = report_summary(operations, patients_seen)
    text = "\n\n".join(part for part in ((body or "").strip(), summary,
                                         follow_up and _("Follow-up: %(plan)s", plan=follow_up)) if part)
    update = post_update(official, mission.project, body=text, photos=photos)
    report = MissionReport(mission=mission, update=update, patients_seen=patients_seen, follow_up=follow_up,
                           author_id=official.id)
    report.lines = [MissionReportLine(procedure=procedure, performed=n) for procedure, n in lines]
    db.session.add(report)
    db.session.flush()
    _move_waiting(official, mission, report)
    record_event(official, "mission.reported", mission.project, mission_id=mission.id, report_id=report.id,
                 update_id=update.id, operations=operations, patients_seen=patients_seen)
    return report


def _move_waiting(official, mission, report):
    """A count from the report: screened unchanged, the ready and each procedure's waiting patients
    less the operations done (never below zero)."""
    last = latest_count(mission)
    if last is None:
        return None
    done = {line.procedure_id: line.performed for line in report.lines}
    lines = [PatientCountLine(procedure_id=line.procedure_id,
                              waiting=max(line.waiting - done.get(line.procedure_id, 0), 0)) for line in last.lines]
    count = PatientCount(mission=mission, counted_on=max(today(), last.counted_on), screened=last.screened,
                         ready=max(last.ready - report.operations, 0), more_tests=last.more_tests,
                         not_suitable=last.not_suitable, from_report=True, recorded_by_id=official.id)
    count.lines = lines
    db.session.add(count)
    db.session.flush()
    return count
