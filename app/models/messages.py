"""Private messages between a member and the officials of one LSG: one thread per (member, LSG)."""
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import utcnow
from app.models.lsg import Lsg
from app.models.users import User


class MessageThread(db.Model):
    """The conversation of one member with one LSG (every approved official of it reads and writes
    for the LSG). The member chooses here whether the LSG may see their phone and e-mail (off
    unless they turn it on); either side may block the other, and report the thread to moderators,
    who see reported threads only."""

    __tablename__ = "message_threads"
    __table_args__ = (UniqueConstraint("member_id", "lsg_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lsg_id: Mapped[int] = mapped_column(ForeignKey("lsgs.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    share_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    share_email: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked_by_member_at: Mapped[datetime | None] = mapped_column(DateTime)
    blocked_by_lsg_at: Mapped[datetime | None] = mapped_column(DateTime)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    report_reason: Mapped[str] = mapped_column(String(500), default="")

    member: Mapped[User] = relationship(foreign_keys=[member_id])
    lsg: Mapped[Lsg] = relationship()
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    messages: Mapped[list["Message"]] = relationship(back_populates="thread", order_by="Message.id")


class Message(db.Model):
    """One message, in the order written; ``read_at``: when the other side first opened it."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_sender_created", "sender_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_threads.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    from_member: Mapped[bool] = mapped_column(Boolean)  # written by the member (else by an official)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    sender: Mapped[User] = relationship()
