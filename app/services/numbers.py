""""Birge in numbers": what the public may see, totalled and by region.

Only public projects (``PUBLIC_STATUSES``, shown by their approved title) and money that counts
(confirmed by an official or paid by card), in som at the admins' rates; an amount in a currency
without a rate is left out and named in ``left_out``.
"""
from dataclasses import dataclass, field

from app.errors import InvalidInput
from app.extensions import db
from app.ledger import convert
from app.models import (
    COUNTED_STATUSES, PUBLIC_STATUSES, District, Municipality, Need, Pledge, PledgeKind, PledgeStatus, Project,
    Region,
)


@dataclass
class Figures:
    projects: int = 0
    money: int = 0  # som, minor units
    places: int = 0
    lsgs: int = 0


@dataclass
class RegionFigures:
    region: Region
    figures: Figures


@dataclass(frozen=True)
class Marker:
    project_id: int
    title: str
    lat: float
    lon: float
    place: str


@dataclass
class Numbers:
    total: Figures
    regions: list  # [RegionFigures], every region, by name
    markers: list  # [Marker], one per public project
    left_out: dict = field(default_factory=dict)  # currency -> amounts left out of the money


def _public_projects():
    return db.session.execute(
        db.select(Project, District.region_id, Municipality)
        .join(Municipality, Project.municipality_id == Municipality.id)
        .join(District, Municipality.district_id == District.id)
        .where(Project.status.in_(PUBLIC_STATUSES)).order_by(Project.id)).all()


def birge_in_numbers():
    regions = db.session.scalars(db.select(Region).order_by(Region.name_en)).all()
    by_region = {r.id: Figures() for r in regions}
    total = Figures()
    rows = _public_projects()
    region_of = {project.id: region_id for project, region_id, _m in rows}
    lsgs = {}
    markers = []
    for project, region_id, municipality in rows:
        by_region[region_id].projects += 1
        lsgs.setdefault(region_id, set()).add(project.lsg_id)
        lat, lon = (project.lat, project.lon) if project.lat is not None and project.lon is not None \
            else (municipality.lat, municipality.lon)
        markers.append(Marker(project.id, project.public_title, lat, lon, municipality.name))
    for region_id, ids in lsgs.items():
        by_region[region_id].lsgs = len(ids)
    total.projects = len(rows)
    total.lsgs = len({p.lsg_id for p, _r, _m in rows})

    left_out = {}
    if region_of:
        money = db.session.execute(
            db.select(Pledge.project_id, Pledge.converted_amount, Need.currency).join(Need, Pledge.need_id == Need.id)
            .where(Pledge.kind == PledgeKind.FUNDS, Pledge.status.in_(COUNTED_STATUSES),
                   Pledge.project_id.in_(region_of))).all()
        for project_id, amount, currency in money:
            try:
                som = convert(amount, currency, "KGS")[0]
            except InvalidInput:  # no rate for that currency yet
                left_out[currency] = left_out.get(currency, 0) + 1
                continue
            by_region[region_of[project_id]].money += som
            total.money += som
        places = db.session.execute(
            db.select(Pledge.project_id, db.func.count(Pledge.id))
            .where(Pledge.kind == PledgeKind.SKILL, Pledge.status == PledgeStatus.ACCEPTED,
                   Pledge.project_id.in_(region_of)).group_by(Pledge.project_id)).all()
        for project_id, count in places:
            by_region[region_of[project_id]].places += count
            total.places += count
    return Numbers(total, [RegionFigures(r, by_region[r.id]) for r in regions], markers, left_out)
