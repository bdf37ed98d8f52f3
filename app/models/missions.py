"""Missions: a project with skill needs run as an organised visit (a surgery week, an engineers'
week on a bridge, a summer school): the plan and its host facility, the site readiness checklist
the sector's ministry signs off, permissions to practise, patient counts (never a person), the
volunteers' arrival and hours, the report after the visit and the certificates of volunteering."""
import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import LocalizedNameMixin, str_enum, utcnow
from app.models.geo import Sector
from app.models.pledges import Pledge
from app.models.profiles import ProfileSkill
from app.models.projects import Need, Project, ProjectUpdate
from app.models.users import User


class MissionKind(LocalizedNameMixin, db.Model):
    """A kind of mission (surgery week, engineering week, summer school) and its checklist template.
    Admins manage them."""

    __tablename__ = "mission_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # The ministry that signs its sites off is the one of this sector, else of the project's sector.
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sector: Mapped[Sector | None] = relationship()
    template_items: Mapped[list["ChecklistTemplateItem"]] = relationship(
        back_populates="kind", order_by="(ChecklistTemplateItem.position, ChecklistTemplateItem.id)",
        cascade="all, delete-orphan",
    )


class ChecklistTemplateItem(LocalizedNameMixin, db.Model):
    """One line of a kind's readiness checklist; with no kind it belongs to every kind's checklist
    (accommodation, transport from the airport, meals, local assistants)."""

    __tablename__ = "checklist_template_items"
    __table_args__ = (UniqueConstraint("kind_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("mission_kinds.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)  # no longer offered to new missions

    kind: Mapped[MissionKind | None] = relationship(back_populates="template_items")


class Procedure(LocalizedNameMixin, db.Model):
    """The vocabulary of procedures patients wait for and missions perform (hernia repair, cataract
    surgery...). Admins manage it."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind_id: Mapped[int | None] = mapped_column(ForeignKey("mission_kinds.id"), index=True)

    kind: Mapped[MissionKind | None] = relationship()


class FacilityKind(enum.Enum):
    HOSPITAL = "hospital"
    HEALTH_POST = "health_post"
    SCHOOL = "school"
    OTHER = "other"


class SignoffStatus(enum.Enum):
    DRAFT = "draft"  # the officials are preparing the site
    SUBMITTED = "submitted"  # waiting for the ministry
    SENT_BACK = "sent_back"  # the ministry asked for more (on the mission, or on some items)
    SIGNED = "signed"  # "site ready", signed by the ministry


class Mission(db.Model):
    """A project run as a mission: one per project."""

    __tablename__ = "missions"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="mission_ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("mission_kinds.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # The host facility: public.
    facility_kind: Mapped[FacilityKind] = mapped_column(str_enum(FacilityKind, 16), default=FacilityKind.HOSPITAL)
    facility_name: Mapped[str] = mapped_column(String(200), default="")
    facility_address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # The local coordinator: the contact is shown only to accepted volunteers.
    coordinator_name: Mapped[str] = mapped_column(String(120), default="")
    coordinator_role: Mapped[str] = mapped_column(String(120), default="")
    coordinator_phone: Mapped[str] = mapped_column(String(40), default="")
    coordinator_email: Mapped[str] = mapped_column(String(254), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)  # codes of app.models.profiles.LANGUAGES
    interpreters: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreters_note: Mapped[str] = mapped_column(String(300), default="")
    # What every accepted volunteer reads on the itinerary page.
    pickup: Mapped[str] = mapped_column(Text, default="")
    accommodation: Mapped[str] = mapped_column(Text, default="")
    daily_schedule: Mapped[str] = mapped_column(Text, default="")
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    what_is_provided: Mapped[str] = mapped_column(Text, default="")
    # The ministry's sign-off of the site.
    signoff_status: Mapped[SignoffStatus] = mapped_column(
        str_enum(SignoffStatus, 16), default=SignoffStatus.DRAFT, index=True
    )
    signoff_reason: Mapped[str | None] = mapped_column(Text)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    kind: Mapped[MissionKind] = relationship()
    signed_off_by: Mapped[User | None] = relationship()
    items: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="mission", order_by="(ChecklistItem.position, ChecklistItem.id)",
        cascade="all, delete-orphan",
    )
    volunteers: Mapped[list["MissionVolunteer"]] = relationship(
        back_populates="mission", order_by="MissionVolunteer.id", cascade="all, delete-orphan"
    )
    @property
    def signing_sector_id(self):
        """The sector whose ministry signs the site off: the kind's, else the project's."""
        return self.kind.sector_id if self.kind.sector_id is not None else self.project.sector_id

    report: Mapped["MissionReport | None"] = relationship(back_populates="mission", uselist=False)
    counts: Mapped[list["PatientCount"]] = relationship(
        back_populates="mission", order_by="(PatientCount.counted_on.desc(), PatientCount.id.desc())",
        cascade="all, delete-orphan",
    )


class ItemStatus(enum.Enum):
    MISSING = "missing"
    PARTIAL = "partial"
    READY = "ready"


class ItemProvider(enum.Enum):
    LSG = "lsg"
    FACILITY = "facility"  # the hospital, health post or school
    VOLUNTEER = "volunteer"  # a volunteer brings it
    IN_KIND_NEED = "in_kind_need"  # asked for as goods: the linked need


class ChecklistItem(db.Model):
    """One line of a mission's readiness checklist, copied from the template (``template_item``
    names it in three languages) or written by the officials (``name``)."""

    __tablename__ = "mission_checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    template_item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_template_items.id"))
    name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ItemStatus] = mapped_column(str_enum(ItemStatus, 16), default=ItemStatus.MISSING)
    note: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[ItemProvider] = mapped_column(str_enum(ItemProvider, 16), default=ItemProvider.FACILITY)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"))
    # The ministry sent this item back: why, and when (cleared when the officials change it).
    sent_back_reason: Mapped[str | None] = mapped_column(Text)
    sent_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mission: Mapped[Mission] = relationship(back_populates="items")
    template_item: Mapped[ChecklistTemplateItem | None] = relationship()
    need: Mapped[Need | None] = relationship()
    updated_by: Mapped[User | None] = relationship()
    photos: Mapped[list["ChecklistPhoto"]] = relationship(
        back_populates="item", order_by="ChecklistPhoto.id", cascade="all, delete-orphan"
    )

    @property
    def label(self):
        return self.template_item.name if self.template_item is not None else self.name


class ChecklistPhoto(db.Model):
    """Evidence for a checklist item: a stored image (app/uploads.py), public like the project's."""

    __tablename__ = "mission_checklist_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("mission_checklist_items.id"), index=True)
    filename: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[ChecklistItem] = relationship(back_populates="photos")


class PermitStatus(enum.Enum):
    REQUESTED = "requested"
    GRANTED = "granted"
    REFUSED = "refused"


class MissionVolunteer(db.Model):
    """An accepted skill offer on a mission's project: the volunteer's arrival, their permission to
    practise, the officials' confirmation for the dates, hours given and the certificate."""

    __tablename__ = "mission_volunteers"
    __table_args__ = (CheckConstraint("hours IS NULL OR hours >= 0", name="hours_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), unique=True)
    # Arrival, written by the volunteer.
    flight_number: Mapped[str] = mapped_column(String(16), default="")
    arrives_at: Mapped[datetime | None] = mapped_column(DateTime)  # local time in Kyrgyzstan
    arrival_airport: Mapped[str] = mapped_column(String(3), default="")  # FRU (Bishkek) or OSS (Osh)
    needs_pickup: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether the rest of the team sees the name (skills are always shown).
    name_in_team: Mapped[bool] = mapped_column(Boolean, default=True)
    # Permission to practise (when the skill requires it): requested by the LSG with the verified
    # credential, decided by the ministry.
    permit_status: Mapped[PermitStatus | None] = mapped_column(str_enum(PermitStatus, 16), index=True)
    permit_credential_id: Mapped[int | None] = mapped_column(ForeignKey("profile_skills.id"))
    permit_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    permit_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    permit_reason: Mapped[str | None] = mapped_column(Text)
    permit_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    permit_decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Confirmed by the officials for the dates (after the permission, where one is required).
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # After the mission.
    hours: Mapped[int | None] = mapped_column(Integer)
    certificate_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    certificate_issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mission: Mapped[Mission] = relationship(back_populates="volunteers")
    pledge: Mapped[Pledge] = relationship()
    permit_credential: Mapped[ProfileSkill | None] = relationship()
    permit_requested_by: Mapped[User | None] = relationship(foreign_keys=[permit_requested_by_id])
    permit_decided_by: Mapped[User | None] = relationship(foreign_keys=[permit_decided_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class PatientCount(db.Model):
    """The host facility's count of patients on one date: numbers only, never a person."""

    __tablename__ = "mission_patient_counts"
    __table_args__ = (
        CheckConstraint("screened >= 0 AND ready >= 0 AND more_tests >= 0 AND not_suitable >= 0",
                        name="counts_not_negative"),
        CheckConstraint("ready + more_tests + not_suitable <= screened", name="triaged_within_screened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), index=True)
    counted_on: Mapped[date] = mapped_column(Date)
    screened: Mapped[int] = mapped_column(Integer)
    ready: Mapped[int] = mapped_column(Integer)  # ready for surgery (waiting for the mission)
    more_tests: Mapped[int] = mapped_column(Integer, default=0)
    not_suitable: Mapped[int] = mapped_column(Integer, default=0)
    # Written by the mission's report (operations done) rather than by a count at the facility.
    from_report: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mission: Mapped[Mission] = relationship(back_populates="counts")
    lines: Mapped[list["PatientCountLine"]] = relationship(
        back_populates="count", order_by="PatientCountLine.id", cascade="all, delete-orphan"
    )


class PatientCountLine(db.Model):
    """Of a count's patients ready for the mission, how many wait for one procedure."""

    __tablename__ = "mission_patient_count_lines"
    __table_args__ = (
        UniqueConstraint("count_id", "procedure_id"),
        CheckConstraint("waiting >= 0", name="waiting_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("mission_patient_counts.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    waiting: Mapped[int] = mapped_column(Integer)

    count: Mapped[PatientCount] = relationship(back_populates="lines")
    procedure: Mapped[Procedure] = relationship()


class MissionReport(db.Model):
    """What the mission did, published as a project update (with its photos)."""

    __tablename__ = "mission_reports"
    __table_args__ = (CheckConstraint("patients_seen >= 0", name="patients_seen_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id"), unique=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("project_updates.id"), unique=True)
    patients_seen: Mapped[int] = mapped_column(Integer)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    mission: Mapped[Mission] = relationship(back_populates="report")
    update: Mapped[ProjectUpdate] = relationship()
    author: Mapped[User] = relationship()
    lines: Mapped[list["MissionReportLine"]] = relationship(
        back_populates="report", order_by="MissionReportLine.id", cascade="all, delete-orphan"
    )

    @property
    def operations(self):
        return sum(line.performed for line in self.lines)


class MissionReportLine(db.Model):
    __tablename__ = "mission_report_lines"
    __table_args__ = (
        UniqueConstraint("report_id", "procedure_id"),
        CheckConstraint("performed > 0", name="performed_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("mission_reports.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedures.id"))
    performed: Mapped[int] = mapped_column(Integer)

    report: Mapped[MissionReport] = relationship(back_populates="lines")
    procedure: Mapped[Procedure] = relationship()
