"""The outbox the worker drains, and members' saved searches with the alerts they produced."""
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import utcnow
from app.models.geo import Region, Sector
from app.models.users import User


class OutboxJob(db.Model):
    """Work to do after a commit, written by the same transaction as the change it follows.

    kinds: "sync" (bring entity_id of entity "project"/"profile" up to date in Elasticsearch),
    "alert" (find the members whose saved searches match a newly published project: one "mail" job
    each) and "mail" (send one alert, entity "alert_delivery"). A job that failed OUTBOX_MAX_ATTEMPTS
    times is parked: ``dead_at`` is set and no worker claims it again (``flask worker status``).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dead_at: Mapped[datetime | None] = mapped_column(DateTime)


saved_search_sectors = Table(
    "saved_search_sectors",
    db.metadata,
    Column("saved_search_id", ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True, index=True),
)


class SavedSearch(db.Model):
    """A member's search kept for alerts ("follow my village")."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    query: Mapped[dict] = mapped_column(JSON)
    # Copied from the query so publishing can pick the few saved searches that might match.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    region: Mapped[Region | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=saved_search_sectors)


class AlertDelivery(db.Model):
    """One alert for a saved search and a project: never a second one.

    Written (``sent_at`` empty) when the worker finds the match, with the "mail" job that sends it;
    ``sent_at`` is committed right after the mail server accepts the mail, so a retry never sends it
    again. Its id makes the mail's Message-ID.
    """

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("saved_search_id", "project_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    saved_search: Mapped[SavedSearch] = relationship()
