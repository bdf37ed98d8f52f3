"""Member profiles: where a member lives and comes from, what they can do, when they are free."""
import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import str_enum, utcnow
from app.models.geo import District, Municipality, Region, Sector, Skill
from app.models.users import User

# ISO 3166 alpha-2 codes of the countries where the diaspora mostly lives, the largest first;
# "ZZ" (a code ISO leaves to users) stands for any other country.
COUNTRIES = (
    "RU", "KZ", "TR", "KR", "US", "DE", "GB", "AE", "CZ", "PL", "IT", "JP", "CN", "UZ", "CA", "AU",
    "FR", "ES", "NL", "AT", "CH", "SE", "FI", "IL", "SA", "QA", "TJ", "BY", "UA", "KG", "ZZ",
)
OTHER_COUNTRY = "ZZ"
# ISO 639-1 codes of the languages a member can pick.
LANGUAGES = ("ky", "ru", "en", "uz", "kk", "tr", "de", "ko", "zh", "ja", "ar", "fr", "it", "es", "pl", "cs", "tg")


class ProfileVisibility(enum.Enum):
    PUBLIC = "public"
    PLEDGED_LSGS = "pledged_lsgs"  # officials of the LSGs the member pledged to
    PRIVATE = "private"


class SkillStatus(enum.Enum):
    DECLARED = "declared"  # no credential sent
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


member_profile_sectors = Table(
    "member_profile_sectors",
    db.metadata,
    Column("profile_id", ForeignKey("member_profiles.id"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True),
)


class MemberProfile(db.Model):
    __tablename__ = "member_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(120), default="")
    # The most precise place chosen, with its parents filled in.
    home_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    home_district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    home_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    contact_email_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_messenger: Mapped[str] = mapped_column(String(120), default="")
    # Whether officials of the LSGs the member pledged to may see the contact details.
    contact_officials_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    visibility: Mapped[ProfileVisibility] = mapped_column(
        str_enum(ProfileVisibility, 16), default=ProfileVisibility.PRIVATE
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    home_region: Mapped[Region | None] = relationship()
    home_district: Mapped[District | None] = relationship()
    home_municipality: Mapped[Municipality | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=member_profile_sectors, order_by=Sector.id)
    windows: Mapped[list["AvailabilityWindow"]] = relationship(
        back_populates="profile", order_by="(AvailabilityWindow.starts_on, AvailabilityWindow.id)",
        cascade="all, delete-orphan",
    )
    skills: Mapped[list["ProfileSkill"]] = relationship(
        back_populates="profile", order_by="ProfileSkill.id", cascade="all, delete-orphan"
    )


class AvailabilityWindow(db.Model):
    """Dates when the member is free to help (on site or remotely)."""

    __tablename__ = "availability_windows"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("member_profiles.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    profile: Mapped[MemberProfile] = relationship(back_populates="windows")


class ProfileSkill(db.Model):
    """A skill from the vocabulary the member holds, and the moderators' check of its credential."""

    __tablename__ = "profile_skills"
    __table_args__ = (UniqueConstraint("profile_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("member_profiles.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), index=True)
    status: Mapped[SkillStatus] = mapped_column(
        str_enum(SkillStatus, 16), default=SkillStatus.DECLARED, index=True
    )
    credential_filename: Mapped[str | None] = mapped_column(String(64))  # a name from app/uploads.py
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    profile: Mapped[MemberProfile] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def is_verified(self):
        return self.status == SkillStatus.VERIFIED
