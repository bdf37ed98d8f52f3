"""Projects of an LSG: their needs, co-financing plan, milestones, photos, updates and spending."""
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
)
from sqlalchemy import false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.geo import Municipality, Sector, Skill
from app.models.lsg import Lsg
from app.models.users import User

CURRENCIES = ("KGS", "USD", "EUR", "RUB")


class ProjectStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    FUNDED = "funded"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# Statuses the public sees; a project in one of them has a published version.
PUBLIC_STATUSES = frozenset(
    {ProjectStatus.PUBLISHED, ProjectStatus.FUNDED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED}
)


class RevisionState(enum.Enum):
    """Where the edits to an already published project stand; the published version stays visible."""

    EDITING = "editing"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lsg_id: Mapped[int] = mapped_column(ForeignKey("lsgs.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="KGS")
    budget: Mapped[int] = mapped_column(BigInteger, default=0)  # minor units
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    # The officials may keep taking money after the targets are met (a fund for more of the same).
    accepts_overfunding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    status: Mapped[ProjectStatus] = mapped_column(
        str_enum(ProjectStatus, 24), default=ProjectStatus.DRAFT, index=True
    )
    revision_state: Mapped[RevisionState | None] = mapped_column(str_enum(RevisionState, 24), index=True)
    # What the public sees, frozen at each approval; and what the moderator last decided on,
    # so the official and the next reviewer see what changed since.
    published_snapshot: Mapped[dict | None] = mapped_column(JSON)
    reviewed_snapshot: Mapped[dict | None] = mapped_column(JSON)
    review_reason: Mapped[str | None] = mapped_column(Text)

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_update_at: Mapped[datetime | None] = mapped_column(DateTime)

    lsg: Mapped[Lsg] = relationship()
    municipality: Mapped[Municipality] = relationship()
    sector: Mapped[Sector | None] = relationship()
    created_by: Mapped[User] = relationship()
    needs: Mapped[list["Need"]] = relationship(
        back_populates="project", order_by="Need.id", cascade="all, delete-orphan"
    )
    shares: Mapped[list["CofinancingShare"]] = relationship(
        back_populates="project", order_by="CofinancingShare.id", cascade="all, delete-orphan"
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="project", order_by="(Milestone.due_on, Milestone.id)", cascade="all, delete-orphan"
    )
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="project",
        primaryjoin="and_(Photo.project_id == Project.id, Photo.kind == 'gallery')",
        order_by="Photo.id",
        viewonly=True,
    )
    updates: Mapped[list["ProjectUpdate"]] = relationship(
        back_populates="project", order_by="ProjectUpdate.created_at.desc()"
    )

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES


class NeedKind(enum.Enum):
    FUNDS = "funds"
    SKILL = "skill"
    IN_KIND = "in_kind"


class Need(db.Model):
    """One thing a project asks for: money, people with a skill for dated slots, or goods."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint("target_amount IS NULL OR target_amount > 0", name="target_positive"),
        CheckConstraint("slots IS NULL OR slots > 0", name="slots_positive"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[NeedKind] = mapped_column(str_enum(NeedKind, 16))
    title: Mapped[str] = mapped_column(String(200))
    # funds
    target_amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # skill
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)
    slots: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    on_site: Mapped[bool | None] = mapped_column(Boolean)
    requirements: Mapped[str | None] = mapped_column(Text)
    verified_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # in kind
    item: Mapped[str | None] = mapped_column(String(200))
    quantity: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(40))
    # A need that holds pledges is never deleted; its officials close it (no new pledges) instead.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_reason: Mapped[str | None] = mapped_column(Text)

    project: Mapped[Project] = relationship(back_populates="needs")
    skill: Mapped[Skill | None] = relationship()

    @property
    def label(self):
        """Its title; a skill need without one goes by the skill's name in the reader's language."""
        return self.title or (self.skill.name if self.skill else self.item or "")


class ShareSource(enum.Enum):
    LSG = "lsg"
    PROGRAMME = "programme"
    DIASPORA = "diaspora"
    OTHER = "other"


class CofinancingShare(db.Model):
    """One source's share of the budget (the LSG's own, a programme's match, the diaspora's...)."""

    __tablename__ = "cofinancing_shares"
    __table_args__ = (
        CheckConstraint("planned > 0", name="planned_positive"),
        CheckConstraint("received >= 0", name="received_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    source: Mapped[ShareSource] = mapped_column(str_enum(ShareSource, 16))
    label: Mapped[str] = mapped_column(String(200), default="")
    planned: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    conditional: Mapped[bool] = mapped_column(Boolean, default=False)
    condition: Mapped[str] = mapped_column(String(300), default="")

    project: Mapped[Project] = relationship(back_populates="shares")


class Milestone(db.Model):
    __tablename__ = "milestones"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)

    project: Mapped[Project] = relationship(back_populates="milestones")


class PhotoKind(enum.Enum):
    GALLERY = "gallery"
    UPDATE = "update"
    RECEIPT = "receipt"


class Photo(db.Model):
    """A stored image (see app/uploads.py) of a project's gallery, of an update, or a receipt."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PhotoKind] = mapped_column(str_enum(PhotoKind, 16), default=PhotoKind.GALLERY)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("project_updates.id"), index=True)
    filename: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(200), default="")
    is_cover: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    project: Mapped[Project] = relationship(foreign_keys=[project_id], back_populates="photos")


class ProjectUpdate(db.Model):
    """News from the village on a published project, with the money spent since."""

    __tablename__ = "project_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    is_final_report: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    project: Mapped[Project] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="and_(Photo.update_id == ProjectUpdate.id, Photo.kind == 'update')",
        viewonly=True,
        order_by="Photo.id",
    )
    spending: Mapped[list["SpendingLine"]] = relationship(
        back_populates="update", order_by="SpendingLine.id", cascade="all, delete-orphan"
    )


class SpendingLine(db.Model):
    __tablename__ = "spending_lines"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("project_updates.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(300))
    receipt_photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))

    update: Mapped[ProjectUpdate] = relationship(back_populates="spending")
    milestone: Mapped[Milestone] = relationship()
    receipt: Mapped[Photo | None] = relationship(foreign_keys=[receipt_photo_id])
