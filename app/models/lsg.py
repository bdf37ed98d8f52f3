"""Local self-governments (ayil okmotu, town halls) and their officials."""
import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import LocalizedNameMixin, str_enum, utcnow
from app.models.geo import Municipality
from app.models.users import User


class Lsg(LocalizedNameMixin, db.Model):
    __tablename__ = "lsgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What its officials tell the public (issue 12): contacts of the office, never of a person.
    head_name: Mapped[str] = mapped_column(String(200), default="")
    office_address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    opening_hours: Mapped[str] = mapped_column(String(300), default="")
    # A moderator checked that this LSG is who it says it is.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_reason: Mapped[str | None] = mapped_column(Text)

    municipality: Mapped[Municipality] = relationship()
    memberships: Mapped[list["LsgMembership"]] = relationship(back_populates="lsg")


class MembershipStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class LsgMembership(db.Model):
    """A user's request to act as an official of an LSG, and the moderator's decision on it."""

    __tablename__ = "lsg_memberships"
    __table_args__ = (UniqueConstraint("user_id", "lsg_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lsg_id: Mapped[int] = mapped_column(ForeignKey("lsgs.id"), index=True)
    status: Mapped[MembershipStatus] = mapped_column(
        str_enum(MembershipStatus, 16), default=MembershipStatus.PENDING, index=True
    )
    position: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    lsg: Mapped[Lsg] = relationship(back_populates="memberships")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
