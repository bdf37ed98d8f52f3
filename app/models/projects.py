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
from sqlalchemy import false, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.errors import InvalidTransition
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


# The project status machine: every status change goes through ``Project.move_to`` along this table.
_S = ProjectStatus
PROJECT_TRANSITIONS = {
    _S.DRAFT: frozenset({_S.SUBMITTED, _S.CANCELLED}),
    _S.SUBMITTED: frozenset({_S.PUBLISHED, _S.CHANGES_REQUESTED, _S.REJECTED, _S.CANCELLED}),
    _S.CHANGES_REQUESTED: frozenset({_S.SUBMITTED, _S.CANCELLED}),
    # Back to changes_requested is "unpublish": hidden until fixed and approved again.
    _S.PUBLISHED: frozenset({_S.FUNDED, _S.IN_PROGRESS, _S.COMPLETED, _S.CHANGES_REQUESTED, _S.CANCELLED}),
    # Back to published: a refund took the money below the targets.
    _S.FUNDED: frozenset({_S.PUBLISHED, _S.IN_PROGRESS, _S.COMPLETED, _S.CHANGES_REQUESTED, _S.CANCELLED}),
    _S.IN_PROGRESS: frozenset({_S.COMPLETED, _S.CHANGES_REQUESTED, _S.CANCELLED}),
    _S.REJECTED: frozenset(),
    _S.COMPLETED: frozenset(),
    _S.CANCELLED: frozenset(),
}
# Officials may edit the project (a public one through a revision) in these statuses...
EDITABLE_STATUSES = frozenset({_S.DRAFT, _S.CHANGES_REQUESTED, _S.PUBLISHED, _S.FUNDED, _S.IN_PROGRESS})
# ...and post updates and spending reports in these.
UPDATABLE_STATUSES = frozenset({_S.PUBLISHED, _S.FUNDED, _S.IN_PROGRESS})
# A published project's revision its officials may send (again) for review.
_OPEN_REVISIONS = (RevisionState.EDITING, RevisionState.CHANGES_REQUESTED)


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
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
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

    @property
    def public_title(self):
        """The approved version's title (None for a project never published): an edit waiting for
        review is not the public's to read."""
        return (self.published_snapshot or {}).get("title")

    @property
    def told_title(self):
        """How the project is named to anyone told about it: the public title once there is one."""
        return self.public_title or self.title

    # ------------------------------------------------------------ the status machine

    def can_move_to(self, new_status):
        return new_status in PROJECT_TRANSITIONS[self.status]

    def move_to(self, new_status):
        """The one way a project's status changes: only along PROJECT_TRANSITIONS."""
        if not self.can_move_to(new_status):
            raise InvalidTransition()
        self.status = new_status

    @hybrid_property
    def awaiting_review(self):
        """A moderator's decision is pending: on a new project, or on a published one's changes."""
        return self.status == ProjectStatus.SUBMITTED or self.revision_state == RevisionState.SUBMITTED

    @awaiting_review.expression
    def awaiting_review(cls):
        return or_(cls.status == ProjectStatus.SUBMITTED, cls.revision_state == RevisionState.SUBMITTED)

    @property
    def revision_awaiting_review(self):
        """The changes to a published project wait for a moderator (its published version stays)."""
        return self.is_public and self.revision_state == RevisionState.SUBMITTED

    @property
    def in_revision(self):
        """A published project whose officials are changing it, not yet sent (back) for review."""
        return self.is_public and self.revision_state in _OPEN_REVISIONS

    @property
    def can_be_submitted(self):
        """A draft, a project sent back for changes, or a published project's revision."""
        return self.status in (ProjectStatus.DRAFT, ProjectStatus.CHANGES_REQUESTED) or self.in_revision

    @property
    def sent_back(self):
        """The moderator sent the project, or its revision, back (or rejected it): show the reason."""
        return (self.status in (ProjectStatus.CHANGES_REQUESTED, ProjectStatus.REJECTED)
                or self.revision_state == RevisionState.CHANGES_REQUESTED)

    @property
    def can_be_unpublished(self):
        """Public and unfinished: a moderator may take it down until it is fixed."""
        return self.is_public and self.status != ProjectStatus.COMPLETED

    @property
    def can_be_cancelled(self):
        return self.can_move_to(ProjectStatus.CANCELLED)

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def takes_updates(self):
        return self.status in UPDATABLE_STATUSES


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
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
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
    # The diaspora's share may be given partly as volunteer work (hours x the skill's hourly value):
    # counted toward it apart, never in ``received``.
    counts_volunteer_work: Mapped[bool] = mapped_column(Boolean, default=False)

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
