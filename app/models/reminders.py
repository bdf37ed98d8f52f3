"""What the worker's reminders have told, so that each is told once per occasion."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models._common import utcnow


class ReminderSent(db.Model):
    """One reminder told about one thing on one occasion (app/services/reminders.py).

    ``entity``/``entity_id`` name the thing (a pledge, a project); ``occasion`` says which time it
    is (the start date of a mission, the last update a silence is counted from), so a changed date
    is a new occasion while a rerun, or a second worker, finds the row and tells nobody again."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("kind", "entity", "entity_id", "occasion", name="uq_reminders_sent_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    occasion: Mapped[str] = mapped_column(String(40), default="")
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
