"""What Birge tells people: notifications, each person's choice of how, and the worker's schedules."""
import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.users import User


class Channel(enum.Enum):
    """How a person hears of one kind of event. Every notification shows in the app's bell."""

    APP = "app"  # in the app only
    MAIL = "mail"  # in the app, and by mail at once
    DIGEST = "digest"  # in the app, and in the next digest mail


class DigestEvery(enum.Enum):
    WEEK = "week"
    DAY = "day"


class Notification(db.Model):
    """One event told to one person. Its words are not stored: they are rendered from ``kind`` and
    ``params`` in the reader's language each time it is shown or mailed
    (app/services/notifications.py holds the kinds).

    ``mail_sent_at`` is committed right after the mail server accepts its mail, so a retried job
    never sends it twice; ``digested_at`` marks it as told in a digest."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 8), default=Channel.APP)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    digested_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    project: Mapped["Project | None"] = relationship()  # noqa: F821


class NotificationPreference(db.Model):
    """A person's choice for one kind of event; without a row the kind's default applies."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 8))


class ScheduledTask(db.Model):
    """When a task of the worker's schedule (app/worker.py, SCHEDULE) is next due. The worker that
    runs it holds this row locked, so with several workers each run happens once."""

    __tablename__ = "scheduled_tasks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_run_at: Mapped[datetime] = mapped_column(DateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
