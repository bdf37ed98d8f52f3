"""What lets a donor trust an LSG with money: its payment details, changed only with a moderator's
approval, and the kinds of mobile wallet they may name (kept by admins)."""
import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.lsg import Lsg
from app.models.users import User


class WalletKind(db.Model):
    """A mobile wallet service (Elsom, MBank, O!Dengi…): a brand name, the same in every language."""

    __tablename__ = "wallet_kinds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PaymentDetailsStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a newer change was sent before a moderator decided on this one


class PaymentDetails(db.Model):
    """One version of an LSG's payment details, as its officials sent it. The page shows the newest
    approved one; a pending one waits for a moderator and changes nothing meanwhile."""

    __tablename__ = "lsg_payment_details"

    id: Mapped[int] = mapped_column(primary_key=True)
    lsg_id: Mapped[int] = mapped_column(ForeignKey("lsgs.id"), index=True)
    status: Mapped[PaymentDetailsStatus] = mapped_column(
        str_enum(PaymentDetailsStatus, 16), default=PaymentDetailsStatus.PENDING, index=True)
    bank_name: Mapped[str] = mapped_column(String(200))
    bic: Mapped[str] = mapped_column(String(11))
    account: Mapped[str] = mapped_column(String(34))
    recipient: Mapped[str] = mapped_column(String(200))
    budget_code: Mapped[str] = mapped_column(String(32), default="")
    # [{"kind": "Elsom", "number": "+996555123456"}]: the kind's name is kept, so removing a kind
    # later never changes details a moderator approved.
    wallets: Mapped[list] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    lsg: Mapped[Lsg] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
