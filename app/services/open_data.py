"""Open data: what the API (app/blueprints/api) and its CSV exports publish.

Public projects in their approved version only (``published_snapshot``), LSGs, places, sectors,
skills, the decisions log and aggregate pledge figures. Never a person (no member's name, e-mail or
phone; no donor), never a draft, a pending revision or a need not yet approved. Each function
returns plain records (dicts); the API's schemas (app/blueprints/api/schemas.py) dump only the
fields they declare, a second allow-list behind this one.

Lists are keyset pages: ``(records, next_after)``, where ``next_after`` is the key to continue
from (None on the last page); ``limit=None`` gives every record (the CSV exports).
"""
from datetime import timezone

from app.errors import NotFound
from app.extensions import db
from app.ledger import funding_progress, ledger_totals
from app.models import (
    COUNTED_STATUSES,
    PUBLIC_STATUSES,
    AuditEvent,
    District,
    ExchangeRate,
    Lsg,
    Municipality,
    Pledge,
    PledgeKind,
    PledgeStatus,
    Project,
    Region,
    Sector,
    Skill,
    StripeEvent,
)
from app.pages.project import project_page
from app.search.documents import FUNDING_STATUSES, Vocabulary
from app.services import projects as projects_service
from app.services.track_record import track_record as computed_track_record

STATUSES = tuple(FUNDING_STATUSES.values())  # as on the search page: open, funded, in_progress, completed


def track_record(lsg):
    """An LSG's computed track record (app/services/track_record.py, the one its page shows), with
    shares as fractions of 1."""
    record = computed_track_record(lsg)
    return {
        "completed": record.completed, "in_progress": record.in_progress, "cancelled": record.cancelled,
        "spent_share": round(record.spent / record.confirmed, 6) if record.confirmed else None,
        "median_days_to_confirm": record.median_confirm_days,
        "answer_rate": round(record.answers.answered / record.answers.counted, 6) if record.answers.counted else None,
        "updates_overdue": record.updates_overdue,
    }


def data_changed_at():
    """When anything the API publishes last changed (naive UTC), or None on an empty database.

    A conservative bound: the newest of every timestamp that moves when a project, a pledge, a
    rate, a payment or reference data changes (admins' edits and decisions leave audit events)."""
    stamps = db.session.execute(db.select(
        db.select(db.func.max(Project.updated_at)).scalar_subquery(),
        db.select(db.func.max(Pledge.created_at)).scalar_subquery(),
        db.select(db.func.max(Pledge.decided_at)).scalar_subquery(),
        db.select(db.func.max(AuditEvent.created_at)).scalar_subquery(),
        db.select(db.func.max(ExchangeRate.updated_at)).scalar_subquery(),
        db.select(db.func.max(StripeEvent.received_at)).scalar_subquery(),
        db.select(db.func.max(Lsg.created_at)).scalar_subquery(),
    )).one()
    found = [s for s in stamps if s is not None]
    return max(found).replace(tzinfo=timezone.utc) if found else None


# ---------------------------------------------------------------- small records


def names(item):
    return {"name_ky": item.name_ky, "name_ru": item.name_ru, "name_en": item.name_en}


def region_record(region):
    return {"id": region.id, "code": region.code, **names(region), "lat": region.lat, "lon": region.lon}


def district_record(district):
    return {"id": district.id, "code": district.code, "region_id": district.region_id, **names(district),
            "lat": district.lat, "lon": district.lon}


def municipality_record(municipality):
    return {"id": municipality.id, "code": municipality.code, "kind": municipality.kind.value,
            "district_id": municipality.district_id, "region_id": municipality.district.region_id,
            **names(municipality), "lat": municipality.lat, "lon": municipality.lon}


def sector_record(sector):
    return {"id": sector.id, "code": sector.code, **names(sector)}


def skill_record(skill):
    return {"id": skill.id, "code": skill.code, "sector_id": skill.sector_id, **names(skill)}


def _place(municipality):
    district = municipality.district
    return {"municipality": {"id": municipality.id, "code": municipality.code, **names(municipality)},
            "district": {"id": district.id, "code": district.code, **names(district)},
            "region": {"id": district.region.id, "code": district.region.code, **names(district.region)}}


def _keyset(model, after, limit, *filters):
    query = db.select(model).where(*filters).order_by(model.id)
    if after is not None:
        query = query.where(model.id > after)
    if limit is not None:
        query = query.limit(limit + 1)
    items = db.session.scalars(query).all()
    return _page(items, limit, key=lambda item: item.id)


def _page(items, limit, *, key):
    if limit is None or len(items) <= limit:
        return items, None
    return items[:limit], key(items[limit - 1])


def regions(*, after=None, limit=None):
    items, next_after = _keyset(Region, after, limit)
    return [region_record(r) for r in items], next_after


def districts(*, region=None, after=None, limit=None):
    filters = [District.region_id == region] if region else []
    items, next_after = _keyset(District, after, limit, *filters)
    return [district_record(d) for d in items], next_after


def municipalities(*, region=None, district=None, after=None, limit=None):
    filters = [Municipality.district_id == district] if district else []
    if region:
        filters.append(Municipality.district_id.in_(db.select(District.id).where(District.region_id == region)))
    items, next_after = _keyset(Municipality, after, limit, *filters)
    return [municipality_record(m) for m in items], next_after


def sectors(*, after=None, limit=None):
    items, next_after = _keyset(Sector, after, limit)
    return [sector_record(s) for s in items], next_after


def skills(*, sector=None, after=None, limit=None):
    filters = [Skill.sector_id == sector] if sector else []
    items, next_after = _keyset(Skill, after, limit, *filters)
    return [skill_record(s) for s in items], next_after


# ---------------------------------------------------------------- LSGs


def _lsg_in_place(region=None, district=None, municipality=None):
    filters = []
    if municipality:
        filters.append(Lsg.municipality_id == municipality)
    if district:
        filters.append(Lsg.municipality_id.in_(db.select(Municipality.id).where(Municipality.district_id == district)))
    if region:
        filters.append(Lsg.municipality_id.in_(
            db.select(Municipality.id).join(District).where(District.region_id == region)))
    return filters


def lsg_record(lsg):
    counts = dict(db.session.execute(
        db.select(Project.status, db.func.count()).where(Project.lsg_id == lsg.id, Project.status.in_(PUBLIC_STATUSES))
        .group_by(Project.status)).all())
    return {"id": lsg.id, **names(lsg), "place": _place(lsg.municipality),
            "projects": {FUNDING_STATUSES[status]: counts.get(status, 0) for status in FUNDING_STATUSES},
            "track_record": track_record(lsg)}


def lsgs(*, region=None, district=None, municipality=None, after=None, limit=None):
    items, next_after = _keyset(Lsg, after, limit, *_lsg_in_place(region, district, municipality))
    return [lsg_record(lsg) for lsg in items], next_after


def lsg(lsg_id):
    found = db.session.get(Lsg, lsg_id)
    if found is None:
        raise NotFound()
    return lsg_record(found)


# ---------------------------------------------------------------- projects


def pledge_figures(project):
    """Counts and confirmed totals of the pledges on a project; never who gave."""
    rows = db.session.execute(
        db.select(Pledge.kind, Pledge.status, db.func.count())
        .where(Pledge.project_id == project.id).group_by(Pledge.kind, Pledge.status)).all()
    counted = [r for r in rows if r[1] in COUNTED_STATUSES]
    supporters = db.session.scalar(
        db.select(db.func.count(db.distinct(Pledge.member_id)))
        .where(Pledge.project_id == project.id, Pledge.status.in_(COUNTED_STATUSES)))
    return {
        "counted": sum(r[2] for r in counted),
        "pending": sum(r[2] for r in rows if r[1] == PledgeStatus.PENDING),
        "by_kind": {kind.value: sum(r[2] for r in counted if r[0] == kind) for kind in PledgeKind},
        "supporters": int(supporters or 0),
        "money": ledger_totals(project),
    }


def project_record(project):
    """The approved version of a public project, with what counts toward it."""
    page = project_page(project, working_copy=False)
    data = project.published_snapshot
    needs = data["needs"]
    totals = {n.id: n.done for n in page.needs}
    milestones = [{"title": m.title, "due_on": m.due_on, "planned": m.planned, "spent": m.spent}
                  for m in page.milestones]
    return {
        "id": project.id, "title": data["title"], "summary": data["summary"], "description": data["description"],
        "status": FUNDING_STATUSES[project.status],
        "lsg": {"id": project.lsg.id, **names(project.lsg)},
        "place": _place(page.municipality),
        "sector": sector_record(page.sector) if page.sector else None,
        "lat": page.lat, "lon": page.lon, "currency": page.currency, "budget": page.budget,
        "starts_on": page.starts_on, "ends_on": page.ends_on,
        "published_at": project.published_at, "last_update_at": project.last_update_at,
        "needs": [{
            "id": n.id, "kind": n.kind, "title": n.title, "currency": n.currency, "target_amount": n.target_amount,
            "skill": skill_record(n.skill) if n.skill else None, "slots": n.slots, "starts_on": n.starts_on,
            "ends_on": n.ends_on, "on_site": n.on_site, "requirements": n.requirements,
            "verified_required": n.verified_required, "item": n.item, "quantity": n.quantity, "unit": n.unit,
            "done": n.done, "total": n.total, "closed": n.closed,
        } for n in page.needs],
        "progress": {"funding": funding_progress(project, needs, totals), "confirmed_money": ledger_totals(project)},
        "cofinancing": [{"source": s.source, "label": s.label, "planned": s.planned, "received": s.received,
                         "conditional": s.conditional, "condition": s.condition, "released": s.released}
                        for s in page.shares],
        "milestones": milestones,
        "spending_reported": sum(m["spent"] for m in milestones),
        "pledges": pledge_figures(project),
    }


def _matches(project, vocabulary, filters):
    """The search page's filters, asked of the approved version (never of unreviewed edits)."""
    data = project.published_snapshot
    municipality = (vocabulary.municipalities.get(data["municipality"])
                    or vocabulary.municipalities_by_id[project.municipality_id])
    sector = vocabulary.sectors.get(data.get("sector"))
    needs = data.get("needs", [])
    skill_ids = {vocabulary.skills[n["skill"]].id for n in needs if n.get("skill") in vocabulary.skills}
    return all((
        not filters.get("region") or municipality.district.region_id == filters["region"],
        not filters.get("district") or municipality.district_id == filters["district"],
        not filters.get("municipality") or municipality.id == filters["municipality"],
        not filters.get("lsg") or project.lsg_id == filters["lsg"],
        not filters.get("sector") or (sector is not None and sector.id in filters["sector"]),
        not filters.get("status") or FUNDING_STATUSES[project.status] in filters["status"],
        not filters.get("kind") or bool({n["kind"] for n in needs} & set(filters["kind"])),
        not filters.get("skill") or bool(skill_ids & set(filters["skill"])),
    ))


def projects(*, after=None, limit=None, **filters):
    vocabulary = Vocabulary()
    query = db.select(Project).where(Project.status.in_(PUBLIC_STATUSES)).order_by(Project.id)
    if after is not None:
        query = query.where(Project.id > after)
    found = []
    for project in db.session.scalars(query):
        if _matches(project, vocabulary, filters):
            found.append(project)
            if limit is not None and len(found) > limit:
                break
    items, next_after = _page(found, limit, key=lambda p: p.id)
    return [project_record(p) for p in items], next_after


def project(project_id):
    found = db.session.get(Project, project_id)
    if found is None or not found.is_public:
        raise NotFound()
    return project_record(found)


# ---------------------------------------------------------------- the decisions log


def decisions(*, after=None, limit=None):
    """Moderators' public decisions, newest first; a project never published keeps its title private."""
    if limit is None:
        pairs = projects_service.all_public_decisions()
    else:
        pairs = projects_service.public_decisions_before(after, limit=limit)
    records = [{"id": event.id, "date": event.created_at, "decision": event.action.removeprefix("project."),
                "project_id": project.id, "project_title": project.public_title, "lsg_id": project.lsg_id,
                "reason": event.reason} for event, project in pairs]
    return _page(records, limit, key=lambda r: r["id"])
