"""Reference data: geography, sectors and skills. Seeded from app/seed_data, extended by admins."""
import csv
from pathlib import Path

from flask_babel import gettext as _

from app.authz import can_administer, require
from app.errors import Conflict, InvalidInput
from app.extensions import db
from app.models import (
    ChecklistTemplateItem,
    District,
    Lsg,
    MissionKind,
    Municipality,
    MunicipalityKind,
    Procedure,
    Region,
    Sector,
    Skill,
)
from app.services.audit import record_event
from app.services.payment_details import seed_wallet_kinds

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"


def _rows(name):
    with open(SEED_DIR / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _names(row):
    return {"name_ky": row["name_ky"], "name_ru": row["name_ru"], "name_en": row["name_en"]}


def _insert_missing(model, code, **fields):
    """Insert a row unless its code exists: re-running never overwrites an admin's edits."""
    existing = db.session.scalar(db.select(model).filter_by(code=code))
    if existing is not None:
        return existing, False
    obj = model(code=code, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def seed_reference_data():
    """Load regions, districts, municipalities, sectors and skills. Idempotent. Returns counts added."""
    added = {"regions": 0, "districts": 0, "municipalities": 0, "sectors": 0, "skills": 0}
    regions, districts = {}, {}
    geography = list(_rows("geography.csv"))
    for row in geography:
        if row["level"] != "region":
            continue
        regions[row["code"]], new = _insert_missing(
            Region, row["code"], lat=float(row["lat"]), lon=float(row["lon"]), **_names(row)
        )
        added["regions"] += new
    for row in geography:
        if row["level"] != "district":
            continue
        districts[row["code"]], new = _insert_missing(
            District,
            row["code"],
            region_id=regions[row["parent"]].id,
            centre_en=row["centre_en"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            **_names(row),
        )
        added["districts"] += new
    for row in _rows("municipalities.csv"):
        _, new = _insert_missing(
            Municipality,
            row["code"],
            district_id=districts[row["district"]].id,
            kind=MunicipalityKind(row["kind"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            **_names(row),
        )
        added["municipalities"] += new
    sectors = {}
    for row in _rows("sectors.csv"):
        sectors[row["code"]], new = _insert_missing(Sector, row["code"], **_names(row))
        added["sectors"] += new
    for row in _rows("skills.csv"):
        sector = sectors.get(row["sector"]) if row["sector"] else None
        _, new = _insert_missing(
            Skill, row["code"], sector_id=sector.id if sector else None,
            requires_permit=row["requires_permit"] == "1",
            hourly_value=int(row["hourly_value_kgs"]) * 100 if row["hourly_value_kgs"] else None,
            **_names(row),
        )
        added["skills"] += new
    added["wallet_kinds"] = seed_wallet_kinds()
    added.update(_seed_mission_vocabularies(sectors))
    return added


def _seed_mission_vocabularies(sectors):
    """Mission kinds with their checklist templates (an item with no kind is on every checklist),
    and the procedures patients wait for."""
    added = {"mission_kinds": 0, "checklist_items": 0, "procedures": 0}
    kinds = {}
    for row in _rows("mission_kinds.csv"):
        sector = sectors.get(row["sector"])
        kinds[row["code"]], new = _insert_missing(MissionKind, row["code"], sector_id=sector.id if sector else None,
                                                  **_names(row))
        added["mission_kinds"] += new
    for row in _rows("checklist_items.csv"):
        kind = kinds.get(row["kind"])
        kind_id = kind.id if kind else None
        existing = db.session.scalar(db.select(ChecklistTemplateItem).filter_by(kind_id=kind_id, code=row["code"]))
        if existing is None:
            db.session.add(ChecklistTemplateItem(kind_id=kind_id, code=row["code"], position=int(row["position"]),
                                                 **_names(row)))
            added["checklist_items"] += 1
    for row in _rows("procedures.csv"):
        kind = kinds.get(row["kind"])
        _, new = _insert_missing(Procedure, row["code"], kind_id=kind.id if kind else None, **_names(row))
        added["procedures"] += new
    db.session.flush()
    return added


def regions():
    return db.session.scalars(db.select(Region).order_by(Region.name_en)).all()


def municipalities():
    return db.session.scalars(
        db.select(Municipality).join(District).order_by(District.name_en, Municipality.name_en)
    ).all()


def lsgs():
    return db.session.scalars(db.select(Lsg).order_by(Lsg.name_en)).all()


def add_municipality(actor, *, district, kind, code, name_ky, name_ru, name_en, lat, lon):
    require(can_administer, actor)
    code = code.strip().upper()
    if db.session.scalar(db.select(Municipality).filter_by(code=code)) is not None:
        raise Conflict(_("A municipality with this code already exists."))
    if not (39.0 <= lat <= 43.5 and 69.0 <= lon <= 81.0):
        raise InvalidInput(_("The coordinates are outside Kyrgyzstan."))
    municipality = Municipality(
        code=code, district=district, kind=MunicipalityKind(kind), lat=lat, lon=lon,
        name_ky=name_ky.strip(), name_ru=name_ru.strip(), name_en=name_en.strip(),
    )
    db.session.add(municipality)
    db.session.flush()
    record_event(actor, "municipality.created", municipality, code=code)
    return municipality


def add_lsg(actor, *, municipality, name_ky, name_ru, name_en):
    require(can_administer, actor)
    lsg = Lsg(municipality=municipality, name_ky=name_ky.strip(), name_ru=name_ru.strip(),
              name_en=name_en.strip())
    db.session.add(lsg)
    db.session.flush()
    record_event(actor, "lsg.created", lsg, municipality_id=municipality.id)
    return lsg
