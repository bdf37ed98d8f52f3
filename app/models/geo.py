"""Geography and vocabularies: regions, districts, municipalities, sectors, skills."""
import enum

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._common import LocalizedNameMixin, str_enum


class Region(LocalizedNameMixin, db.Model):
    """An oblast, or one of the cities of republican significance (Bishkek, Osh)."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    districts: Mapped[list["District"]] = relationship(
        back_populates="region", order_by="District.name_en"
    )


class District(LocalizedNameMixin, db.Model):
    """A raion (or a city standing as its own district)."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    centre_en: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    region: Mapped[Region] = relationship(back_populates="districts")
    municipalities: Mapped[list["Municipality"]] = relationship(
        back_populates="district", order_by="Municipality.name_en"
    )


class MunicipalityKind(enum.Enum):
    AYIL_AYMAK = "ayil_aymak"
    TOWN = "town"
    CITY = "city"


class Municipality(LocalizedNameMixin, db.Model):
    """An ayil aymak or a town; admins extend this table."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    kind: Mapped[MunicipalityKind] = mapped_column(str_enum(MunicipalityKind, 16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)

    district: Mapped[District] = relationship(back_populates="municipalities")


class Sector(LocalizedNameMixin, db.Model):
    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)


class Skill(LocalizedNameMixin, db.Model):
    """The controlled skills vocabulary (surgeon, civil engineer, teacher, ...)."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), index=True)
    # A foreign holder needs the ministry's temporary permission to practise it on a mission.
    requires_permit: Mapped[bool] = mapped_column(Boolean, default=False)
    # What an hour of it is worth, in tyiyn (KGS minor units): volunteer work's value on a project.
    hourly_value: Mapped[int | None] = mapped_column(BigInteger)

    sector: Mapped[Sector | None] = relationship()
