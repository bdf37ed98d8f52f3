"""What people follow (a project, an LSG, a place) and the digest mails that tell them of it."""
import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.users import User


class FollowTarget(enum.Enum):
    PROJECT = "project"
    LSG = "lsg"
    REGION = "region"
    DISTRICT = "district"
    MUNICIPALITY = "municipality"  # "follow my village"


class Follow(db.Model):
    """One person follows one thing; following needs no pledge."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "target_kind", "target_id"),
                      Index("ix_follows_target", "target_kind", "target_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[FollowTarget] = mapped_column(str_enum(FollowTarget, 16))
    target_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()


class DigestMail(db.Model):
    """One digest for one person and period ("week 2026-W49", "day 2026-12-01"). The unique row
    decides, should two workers build the same digest; ``sent_at`` is committed right after the
    mail server accepts it, so a retried job never sends it twice. ``notification_ids``: what it
    tells, fixed when it is built."""

    __tablename__ = "digest_mails"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    notification_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
