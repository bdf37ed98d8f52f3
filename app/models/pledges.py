"""Pledges of money and goods on a project's needs, and the exchange rates that convert money."""
import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.projects import Need, Project
from app.models.users import User
from app.payment_refs import new_reference
from app.money import RATE_SCALE  # rates are integers: som per unit of the currency, times a million


class ExchangeRate(db.Model):
    """How many som one unit of a currency is worth; kept by admins."""

    __tablename__ = "exchange_rates"
    __table_args__ = (CheckConstraint("som_per_unit_micro > 0", name="rate_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), unique=True)
    som_per_unit_micro: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PledgeKind(enum.Enum):
    FUNDS = "funds"
    SKILL = "skill"
    IN_KIND = "in_kind"


class PledgeMethod(enum.Enum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    MOBILE_WALLET = "mobile_wallet"
    CASH = "cash"
    GOODS = "goods"
    VOLUNTEER = "volunteer"  # a skill offer: the member's own time


class PledgeStatus(enum.Enum):
    PENDING = "pending"
    CONFIRMED = "confirmed"  # offline money or goods, confirmed by an official of the LSG
    PAID = "paid"  # a card payment, as Stripe's signed webhook said
    FAILED = "failed"
    REFUNDED = "refunded"
    REFUND_DUE = "refund_due"  # Stripe took money the need no longer needed: it goes back
    ACCEPTED = "accepted"  # a skill offer the LSG took: it holds one place
    DECLINED = "declined"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# What counts toward a need's progress.
COUNTED_STATUSES = (PledgeStatus.CONFIRMED, PledgeStatus.PAID, PledgeStatus.ACCEPTED)


class Pledge(db.Model):
    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[PledgeKind] = mapped_column(str_enum(PledgeKind, 16))
    method: Mapped[PledgeMethod] = mapped_column(str_enum(PledgeMethod, 24))
    status: Mapped[PledgeStatus] = mapped_column(
        str_enum(PledgeStatus, 16), default=PledgeStatus.PENDING, index=True
    )
    # Money: what the member gave, and what it is worth in the need's currency at the rate used.
    amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    converted_amount: Mapped[int | None] = mapped_column(BigInteger)
    rate_micro: Mapped[int | None] = mapped_column(BigInteger)
    # Goods
    quantity: Mapped[int | None] = mapped_column(Integer)
    # A skill offer: the days the member comes (or works remotely), inside the need's window.
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)

    stripe_payment_intent: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A card pledge holds its money until then, so nobody else pledges it while the donor pays.
    held_until: Mapped[datetime | None] = mapped_column(DateTime)
    reference: Mapped[str] = mapped_column(String(120), default="")  # what the member typed (a transfer number)
    # Ours, for the transfer's purpose field: "BRG-7K4M-X2QH" (app/payment_refs.py), set on insert.
    payment_ref: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    need: Mapped[Need] = relationship()
    project: Mapped[Project] = relationship()
    member: Mapped[User] = relationship(foreign_keys=[member_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


REFERENCE_ATTEMPTS = 10  # 31**7 references: a second draw is already a rarity


@event.listens_for(Pledge, "before_insert")
def _give_payment_ref(mapper, connection, pledge):
    """Every pledge gets its reference when it is made, however it is made (offline, card, goods,
    demo data), drawn again while another pledge has it; the unique index is the last word."""
    if pledge.payment_ref:
        return
    for _ in range(REFERENCE_ATTEMPTS):
        ref = new_reference()
        if connection.scalar(select(Pledge.id).where(Pledge.payment_ref == ref)) is None:
            pledge.payment_ref = ref
            return
    raise RuntimeError("no free payment reference after %d draws" % REFERENCE_ATTEMPTS)


class StripeEvent(db.Model):
    """Each Stripe webhook event id, stored once: a duplicate delivery finds its id here."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
