"""Public questions on projects and their answers; the line ministries they may be addressed to;
the public holidays that do not count as working days; reports of abuse."""
from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import LocalizedNameMixin, shown_until, utcnow
from app.models.geo import Sector
from app.models.lsg import Lsg
from app.models.projects import Project
from app.models.users import User

ministry_sectors = Table(
    "ministry_sectors",
    db.metadata,
    Column("ministry_id", ForeignKey("ministries.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True),
)

ministry_members = Table(
    "ministry_members",
    db.metadata,
    Column("ministry_id", ForeignKey("ministries.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Ministry(LocalizedNameMixin, db.Model):
    """A line ministry (or agency): answers questions on projects of its sectors. Set up by admins."""

    __tablename__ = "ministries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    sectors: Mapped[list[Sector]] = relationship(secondary=ministry_sectors, order_by=Sector.id)
    members: Mapped[list[User]] = relationship(secondary=ministry_members, order_by=User.id)


class Holiday(db.Model):
    """A public holiday of Kyrgyzstan: not a working day for answering questions."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(200))


class _Hideable:
    """What a moderator's decision to hide leaves: when, who, why (the text is then not shown)."""

    hidden_at: Mapped[datetime | None] = mapped_column(DateTime)
    hidden_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def hidden(self):
        return self.hidden_at is not None


class Question(_Hideable, db.Model):
    """Asked on a public project, to its LSG or to a ministry of the project's sector (one of the two)."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_asker_created", "asker_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lsg_id: Mapped[int | None] = mapped_column(ForeignKey("lsgs.id"), index=True)
    ministry_id: Mapped[int | None] = mapped_column(ForeignKey("ministries.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # How the asker's name shows: their name, or "a member from <country>" (the profile's country then).
    show_name: Mapped[bool] = mapped_column(Boolean, default=True)
    asker_country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)  # the first answer
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)  # the addressee, once, when late
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)  # the moderators, once

    project: Mapped[Project] = relationship()
    asker: Mapped[User] = relationship()
    lsg: Mapped[Lsg | None] = relationship()
    ministry: Mapped[Ministry | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="question", order_by="Answer.id")

    @property
    def addressee(self):
        return self.lsg or self.ministry

    @property
    def due_by(self):
        """The last moment of the day it is due (due_at is the first moment after it): shown as that
        day's date, not as midnight of the next."""
        return self.due_at - timedelta(seconds=1)

    def is_late(self, now):
        if self.answered_at is not None or self.hidden:
            return False
        if self.due_at >= now:
            shown_until(self.due_at)
        return self.due_at < now


class Answer(_Hideable, db.Model):
    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="answers")
    author: Mapped[User] = relationship()


class Report(db.Model):
    """Someone finds a question or an answer abusive (once per person and item)."""

    __tablename__ = "question_reports"
    __table_args__ = (UniqueConstraint("reporter_id", "question_id", name="uq_question_reports_reporter_question"),
                      UniqueConstraint("reporter_id", "answer_id", name="uq_question_reports_reporter_answer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
