"""Missions: after the visit. Officials record the hours each volunteer gave; the hours, valued at
each skill's hourly value (admin-managed, in tyiyn), are the value of the volunteer work — shown on
the project beside the money and, where the co-financing plan says so, toward the diaspora share,
never added to a money total or the ledger. A volunteer whose mission has ended and whose hours are
recorded gets a certificate of volunteering with a code anyone can check at a public URL."""
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import format_date
from flask_babel import gettext as _

from app import ledger
from app.authz import can_plan_mission, can_see_certificate, require, require_visible
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import AuditEvent, MissionVolunteer, SignoffStatus
from app.mail import absolute_url
from app.models._common import utcnow
from app.payment_refs import ALPHABET
from app.services.audit import record_event
from app.services.missions.core import accepted_volunteers, get_volunteer, volunteer_days
from app.services.missions.signoff import signing_ministry

HOURS_PER_DAY = 24
SUGGESTED_HOURS_PER_DAY = 8
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17 codes: unguessable
CODE_GROUP = 4  # shown as XXXX-XXXX-XXXX


# ---------------------------------------------------------------- the value of the volunteer work


@dataclass
class SkillValue:
    skill: object  # app.models.Skill
    hours: int
    value: int | None  # tyiyn; None when the skill has no hourly value


@dataclass
class VolunteerValue:
    """The mission's recorded hours and what they are worth in KGS minor units (tyiyn)."""

    hours: int
    value: int  # tyiyn: only the hours of skills with an hourly value
    unvalued_hours: int  # hours of skills without an hourly value (counted in hours, not in value)
    lines: list[SkillValue] = field(default_factory=list)
    ended: bool = False  # the mission has ended: volunteers with hours have their certificates
    currency: str = "KGS"

    def in_currency(self, currency):
        """The value in ``currency``'s minor units (for a plan kept in another currency); None while
        that currency has no exchange rate."""
        if currency == self.currency:
            return self.value
        if ledger.currencies_without_rate([currency]):
            return None
        return ledger.convert(self.value, self.currency, currency)[0]


def volunteer_value(mission):
    """None when no hours are recorded yet, else the VolunteerValue of the accepted volunteers'."""
    lines = {}
    for volunteer in accepted_volunteers(mission):
        if not volunteer.hours:
            continue
        skill = volunteer.pledge.need.skill
        line = lines.setdefault(skill.id, SkillValue(skill=skill, hours=0, value=None))
        line.hours += volunteer.hours
        if skill.hourly_value is not None:
            line.value = (line.value or 0) + volunteer.hours * skill.hourly_value
    if not lines:
        return None
    ordered = sorted(lines.values(), key=lambda line: (-line.hours, line.skill.id))
    return VolunteerValue(
        hours=sum(line.hours for line in ordered), value=sum(line.value or 0 for line in ordered),
        unvalued_hours=sum(line.hours for line in ordered if line.value is None), lines=ordered,
        ended=utcnow().date() > mission.ends_on)


# ---------------------------------------------------------------- hours


def days_of(volunteer):
    first, last = volunteer_days(volunteer)
    return (last - first).days + 1


def hours_started(mission):
    """Hours are recorded from the mission's first day on."""
    return utcnow().date() >= mission.starts_on


@dataclass
class HoursLine:
    volunteer: MissionVolunteer
    days: int
    most: int  # the most hours they can have given: 24 a day
    suggested: int  # 8 a day


def hours_sheet(official, mission):
    """The accepted volunteers with their days, for the officials' hours form."""
    require(can_plan_mission, official, mission)
    lines = []
    for volunteer in accepted_volunteers(mission):
        days = days_of(volunteer)
        lines.append(HoursLine(volunteer=volunteer, days=days, most=days * HOURS_PER_DAY,
                               suggested=days * SUGGESTED_HOURS_PER_DAY))
    return lines


def record_hours(official, mission, hours):
    """``hours``: {volunteer id: hours or None}. Each volunteer's hours, 0 to 24 × their days;
    a change is audited. Flushes; returns how many changed."""
    require(can_plan_mission, official, mission)
    if not hours_started(mission):
        raise InvalidInput(_("Hours can be recorded from the mission's first day."))
    changed = 0
    for volunteer in accepted_volunteers(mission):
        if volunteer.id not in hours:
            continue
        given = hours[volunteer.id]
        most = days_of(volunteer) * HOURS_PER_DAY
        if given is not None and not 0 <= given <= most:
            raise InvalidInput(_("Between 0 and %(most)d hours (24 a day).", most=most),
                               field=f"hours_{volunteer.id}")
        if given == volunteer.hours:
            continue
        record_event(official, "mission.hours_recorded", volunteer, mission_id=mission.id,
                     before=volunteer.hours, hours=given)
        volunteer.hours = given
        changed += 1
    db.session.flush()
    return changed


def hours_recorded_by(volunteer):
    """The official who last recorded the volunteer's hours, or None."""
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "mission.hours_recorded",
                                    AuditEvent.target_type == MissionVolunteer.__tablename__,
                                    AuditEvent.target_id == volunteer.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(1))
    return event.actor if event is not None else None


# ---------------------------------------------------------------- certificates


def has_certificate(volunteer):
    """Once the mission has ended (today after its last day) and the volunteer's hours are recorded."""
    return (utcnow().date() > volunteer.mission.ends_on and bool(volunteer.hours)
            and volunteer in accepted_volunteers(volunteer.mission))


@dataclass
class Certificate:
    code: str  # as people read it: XXXX-XXXX-XXXX
    name: str
    skill: object  # app.models.Skill
    first_day: object
    last_day: object
    hours: int
    lsg: object  # app.models.Lsg
    project: object
    facility: str
    recorded_by: object  # the official who recorded the hours (User) or None
    signed_by: object  # the ministry that signed the site ready, or None
    signed_on: object  # its date, or None
    issued_at: object


def formatted_code(code):
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalized_code(text):
    """What someone typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if not ch.isspace() and ch not in "-–—_.")


def _new_code():
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.scalar(db.select(MissionVolunteer.id).where(MissionVolunteer.certificate_code == code))
        if taken is None:
            return code


def _certificate(volunteer):
    mission = volunteer.mission
    first, last = volunteer_days(volunteer)
    signed = mission.signoff_status == SignoffStatus.SIGNED
    return Certificate(
        code=formatted_code(volunteer.certificate_code), name=volunteer.pledge.member.name,
        skill=volunteer.pledge.need.skill, first_day=first, last_day=last, hours=volunteer.hours,
        lsg=mission.project.lsg, project=mission.project, facility=mission.facility_name,
        recorded_by=hours_recorded_by(volunteer), signed_by=signing_ministry(mission) if signed else None,
        signed_on=mission.signed_off_at.date() if signed and mission.signed_off_at else None,
        issued_at=volunteer.certificate_issued_at)


def certificate_of(user, volunteer_id):
    """The volunteer's certificate for the volunteer themself or the mission's officials; its code is
    made on the first view and stays. Not yet (404) before the end or without hours. Flushes."""
    volunteer = get_volunteer(volunteer_id)
    require_visible(can_see_certificate, user, volunteer)  # someone else's volunteering does not exist
    if not has_certificate(volunteer):
        raise NotFound(_("The certificate is issued once the mission has ended and the hours are recorded."))
    if volunteer.certificate_code is None:
        volunteer.certificate_code = _new_code()
        volunteer.certificate_issued_at = utcnow()
        db.session.flush()
        record_event(user, "mission.certificate_issued", volunteer, mission_id=volunteer.mission_id)
        db.session.flush()
    return _certificate(volunteer)


def verify_url(certificate):
    """The certificate's public check, on PUBLIC_URL (never the request's Host header)."""
    return absolute_url("missions.verify_certificate", code=certificate.code)


def verify_certificate(text):
    """The certificate with this code (any case, spaces and dashes ignored), or NotFound."""
    code = normalized_code(text)
    if not code or len(code) > CODE_LENGTH:
        raise NotFound(_("No certificate has this code."))
    volunteer = db.session.scalar(db.select(MissionVolunteer).where(MissionVolunteer.certificate_code == code))
    if volunteer is None or not has_certificate(volunteer):
        raise NotFound(_("No certificate has this code."))
    return _certificate(volunteer)


# ---------------------------------------------------------------- the PDF

FONTS = Path(__file__).resolve().parents[2] / "fonts"  # app/fonts: DejaVu Sans, vendored (ң ө ү)


def certificate_lines(certificate):
    """(label, value) lines of a certificate, in the request's language: the print view, the PDF and
    the public check show the same facts."""
    days = format_date(certificate.first_day, "long")
    if certificate.last_day != certificate.first_day:
        days = f"{days} – {format_date(certificate.last_day, 'long')}"
    lines = [(_("Volunteer"), certificate.name), (_("Skill"), certificate.skill.name), (_("Dates"), days),
             (_("Hours given"), str(certificate.hours)), (_("Project"), certificate.project.public_title),
             (_("Local government"), certificate.lsg.name)]
    if certificate.facility:
        lines.append((_("Host facility"), certificate.facility))
    if certificate.recorded_by is not None:
        lines.append((_("Hours recorded by"), certificate.recorded_by.name))
    if certificate.signed_on is not None:
        ministry = certificate.signed_by.name if certificate.signed_by is not None else _("the ministry")
        lines.append((_("Site sign-off"), _("Site signed ready by %(ministry)s on %(date)s",
                                             ministry=ministry, date=format_date(certificate.signed_on, "long"))))
    return lines


def certificate_pdf(certificate, verify_url, *, compress=True):
    """The certificate as a one-page A4 PDF (bytes), in the request's language."""
    # Imported when a PDF is asked for: fpdf2 brings fontTools, 50 MB in every web worker otherwise.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos  # lazy with FPDF, for the same reason

    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"{_('Certificate of volunteering')} {certificate.code}")
    pdf.set_subject(certificate.code)
    pdf.set_creator("Birge")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 12, _("Certificate of volunteering"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 12)
    pdf.multi_cell(0, 7, _("%(name)s gave %(hours)d hours of volunteer work as %(skill)s.", name=certificate.name,
                           hours=certificate.hours, skill=certificate.skill.name),
                   align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    for label, value in certificate_lines(certificate):
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 6, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, f"{_('Verification code')}: {certificate.code}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, _("Anyone can check this certificate at %(url)s", url=verify_url),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
