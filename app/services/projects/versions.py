"""Versions of a project as plain data: what the public sees once approved, and what changed."""


def snapshot(project):
    """The project as plain data: what the public sees once approved, and what diffs compare."""
    return {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "sector": project.sector.code if project.sector else None,
        "municipality": project.municipality.code,
        "lat": project.lat,
        "lon": project.lon,
        "currency": project.currency,
        "budget": project.budget,
        "starts_on": project.starts_on.isoformat() if project.starts_on else None,
        "ends_on": project.ends_on.isoformat() if project.ends_on else None,
        "needs": [
            {
                "id": n.id, "kind": n.kind.value, "title": n.title, "target_amount": n.target_amount,
                "currency": n.currency, "skill": n.skill.code if n.skill else None, "slots": n.slots,
                "starts_on": n.starts_on.isoformat() if n.starts_on else None,
                "ends_on": n.ends_on.isoformat() if n.ends_on else None, "on_site": n.on_site,
                "requirements": n.requirements, "verified_required": n.verified_required,
                "item": n.item, "quantity": n.quantity, "unit": n.unit,
            }
            for n in project.needs
        ],
        "shares": [
            {"id": s.id, "source": s.source.value, "label": s.label, "planned": s.planned,
             "received": s.received, "conditional": s.conditional, "condition": s.condition,
             # Only when set: a snapshot taken before the flag existed compares equal to a new one.
             **({"counts_volunteer_work": True} if s.counts_volunteer_work else {})}
            for s in project.shares
        ],
        "milestones": [
            {"id": m.id, "title": m.title, "due_on": m.due_on.isoformat() if m.due_on else None,
             "amount": m.amount}
            for m in project.milestones
        ],
        "photos": [
            {"id": p.id, "filename": p.filename, "caption": p.caption, "is_cover": p.is_cover,
             "width": p.width, "height": p.height}
            for p in project.photos
        ],
    }


SCALAR_FIELDS = ("title", "summary", "description", "sector", "municipality", "lat", "lon", "currency",
                 "budget", "starts_on", "ends_on")
LIST_FIELDS = ("needs", "shares", "milestones", "photos")


def _without_ids(items):
    return [{k: v for k, v in item.items() if k != "id"} for item in items]


def diff(before, after):
    """[(field, before, after)] for what changed between two snapshots (lists compared as wholes)."""
    if before is None:
        return []
    changes = [(f, before.get(f), after.get(f)) for f in SCALAR_FIELDS if before.get(f) != after.get(f)]
    for field in LIST_FIELDS:
        old, new = _without_ids(before.get(field) or []), _without_ids(after.get(field) or [])
        if old != new:
            removed = [item for item in old if item not in new]
            added = [item for item in new if item not in old]
            changes.append((field, removed, added))
    return changes


def changes_since_review(project):
    return diff(project.reviewed_snapshot, snapshot(project))
