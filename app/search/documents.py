"""What search knows about a project or a member profile: plain documents built from the database.

Both backends index the same documents, so they answer from the same facts. A project's document
comes from its *published* version, never from edits waiting for review; only public projects have
one. A profile has a document only when its owner lets someone see it.
"""
from types import SimpleNamespace

from app.extensions import db
from app.ledger import confirmed_totals, funding_progress, lsgs_pledged_to_by
from app.markdown import plain_text
from app.models import (
    PUBLIC_STATUSES,
    AvailabilityWindow,
    District,
    MemberProfile,
    Municipality,
    ProfileSkill,
    ProfileVisibility,
    Project,
    ProjectStatus,
    Sector,
    Skill,
    SkillStatus,
    User,
    member_profile_sectors,
)
from app.search.text import languages_of

# The funding-status facet: where a public project stands.
FUNDING_STATUSES = {
    ProjectStatus.PUBLISHED: "open",
    ProjectStatus.FUNDED: "funded",
    ProjectStatus.IN_PROGRESS: "in_progress",
    ProjectStatus.COMPLETED: "completed",
}


class Vocabulary:
    """Reference data by code, loaded once per batch of documents."""

    def __init__(self):
        self.sectors = {s.code: s for s in db.session.scalars(db.select(Sector))}
        self.skills = {s.code: s for s in db.session.scalars(db.select(Skill))}
        self.municipalities = {
            m.code: m for m in db.session.scalars(
                db.select(Municipality).options(db.joinedload(Municipality.district).joinedload(District.region))
            )
        }
        self.municipalities_by_id = {m.id: m for m in self.municipalities.values()}
        self._places = {}

    def places(self, municipality):
        """The names of a municipality, its district and its region: one text per municipality."""
        found = self._places.get(municipality.id)
        if found is None:
            district = municipality.district
            found = self._places[municipality.id] = " ".join(
                _names(municipality) + _names(district) + _names(district.region))
        return found


def _names(item):
    """An item's names in the three languages, each once: a skill called "Хирург" in Kyrgyz and
    in Russian is one word of the text, not two (bm25 would count it twice)."""
    return list(dict.fromkeys(filter(None, (item.name_ky, item.name_ru, item.name_en)))) if item else []


def is_searchable(project):
    return project.status in PUBLIC_STATUSES


def project_documents(projects, vocabulary=None):
    """{project id: document} for the searchable ones among projects."""
    vocabulary = vocabulary or Vocabulary()
    projects = [p for p in projects if is_searchable(p)]
    need_ids = [n["id"] for p in projects for n in p.published_snapshot.get("needs", [])]
    totals = confirmed_totals(need_ids)
    documents = {}
    for project in projects:
        data = project.published_snapshot
        municipality = (vocabulary.municipalities.get(data["municipality"])
                        or vocabulary.municipalities_by_id[project.municipality_id])
        district = municipality.district
        sector = vocabulary.sectors.get(data.get("sector"))
        needs = data.get("needs", [])
        skills = [vocabulary.skills.get(n["skill"]) for n in needs if n.get("skill")]
        need_text = " ".join(
            " ".join(filter(None, (n.get("title"), n.get("requirements"), n.get("item")))) for n in needs
        )
        lat = data.get("lat") if data.get("lat") is not None else municipality.lat
        lon = data.get("lon") if data.get("lon") is not None else municipality.lon
        documents[project.id] = {
            "id": project.id,
            "lsg_id": project.lsg_id,
            "title": data["title"],
            "summary": data.get("summary") or "",
            "body": " ".join(filter(None, (plain_text(data.get("description")), need_text))),
            "places": vocabulary.places(municipality),
            # Each skill once, however many needs ask for it.
            "skill_names": " ".join(name for skill in dict.fromkeys(filter(None, skills)) for name in _names(skill)),
            "region_id": district.region_id,
            "district_id": district.id,
            "municipality_id": municipality.id,
            "sector_id": sector.id if sector else None,
            "status": FUNDING_STATUSES[project.status],
            "published_at": project.published_at.isoformat(timespec="seconds"),
            "lat": lat,
            "lon": lon,
            "funding_progress": funding_progress(project, needs, totals),
            "need_kinds": sorted({n["kind"] for n in needs}),
            "skill_ids": sorted({s.id for s in skills if s}),
            "skill_windows": [
                {"skill_id": vocabulary.skills[n["skill"]].id, "starts_on": n["starts_on"], "ends_on": n["ends_on"]}
                for n in needs
                if n.get("skill") in vocabulary.skills and n.get("starts_on") and n.get("ends_on")
            ],
            "languages": sorted(languages_of(" ".join((data["title"], data.get("summary") or "")))),
        }
    return documents


PROJECT_INDEX_COLUMNS = (Project.id, Project.status, Project.lsg_id, Project.published_at, Project.currency,
                         Project.published_snapshot, Project.municipality_id)


def _rows(statement):
    """Plain rows of a statement through the session's connection (its transaction): without the
    ORM's result handling, a third faster over a million rows. Pending changes are flushed first,
    as the session would."""
    db.session.flush()
    return db.session.connection().execute(statement)


def project_rows(first_id, last_id):
    """Just what the documents of the public projects with ids in [first_id, last_id] need
    (reindexing): plain rows carry the attributes project_documents reads, without ORM objects."""
    return _rows(db.select(*PROJECT_INDEX_COLUMNS).where(
        Project.id.between(first_id, last_id), Project.status.in_(PUBLIC_STATUSES))).all()


def profile_rows(first_id, last_id):
    """The profiles with ids in [first_id, last_id] as plain objects with the attributes
    profile_documents reads, in four queries however many they are (reindexing)."""
    ids = (first_id, last_id)
    # Rows unpacked by position: Row._asdict costs more than the query itself.
    profiles = {
        profile_id: SimpleNamespace(id=profile_id, user_id=user_id, visibility=visibility, languages=languages,
                                    updated_at=updated_at, home_region_id=region, home_district_id=district,
                                    home_municipality_id=municipality, skills=[], sectors=[], windows=[],
                                    user=SimpleNamespace(active=bool(active)))
        for profile_id, user_id, visibility, languages, updated_at, region, district, municipality, active
        in _rows(db.select(
            MemberProfile.id, MemberProfile.user_id, MemberProfile.visibility, MemberProfile.languages,
            MemberProfile.updated_at, MemberProfile.home_region_id, MemberProfile.home_district_id,
            MemberProfile.home_municipality_id, User.active)
            .outerjoin(User, User.id == MemberProfile.user_id).where(MemberProfile.id.between(*ids)))
    }
    for row in _rows(db.select(ProfileSkill.profile_id, ProfileSkill.skill_id, ProfileSkill.status)
                     .where(ProfileSkill.profile_id.between(*ids)).order_by(ProfileSkill.id)):
        profiles[row[0]].skills.append(row)
    for profile_id, sector_id in _rows(
            db.select(member_profile_sectors.c.profile_id, member_profile_sectors.c.sector_id)
            .where(member_profile_sectors.c.profile_id.between(*ids))):
        profiles[profile_id].sectors.append(SimpleNamespace(id=sector_id))
    for row in _rows(db.select(AvailabilityWindow.profile_id, AvailabilityWindow.starts_on, AvailabilityWindow.ends_on)
                     .where(AvailabilityWindow.profile_id.between(*ids))
                     .order_by(AvailabilityWindow.starts_on, AvailabilityWindow.id)):
        profiles[row[0]].windows.append(row)
    return list(profiles.values())


def is_profile_searchable(profile):
    return profile.visibility != ProfileVisibility.PRIVATE and profile.user.active and bool(profile.skills)


def profile_documents(profiles):
    """{profile id: document} for the profiles officials may be shown."""
    profiles = [p for p in profiles if is_profile_searchable(p)]
    pledged = lsgs_pledged_to_by([p.user_id for p in profiles])
    return {profile.id: _profile_document(profile, pledged) for profile in profiles}


# An enum member read from its class costs a lookup each time: these are read once per profile.
_REJECTED, _VERIFIED = SkillStatus.REJECTED, SkillStatus.VERIFIED


def _profile_document(profile, pledged):
    skills = [(s.skill_id, s.status) for s in profile.skills]
    return {
        "id": profile.id,
        "user_id": profile.user_id,
        "region_id": profile.home_region_id,
        "district_id": profile.home_district_id,
        "municipality_id": profile.home_municipality_id,
        "visibility": profile.visibility.value,
        "languages": sorted(profile.languages or []),
        "sector_ids": sorted([s.id for s in profile.sectors]),
        "skill_ids": sorted([skill for skill, status in skills if status is not _REJECTED]),
        "verified_skill_ids": sorted([skill for skill, status in skills if status is _VERIFIED]),
        "windows": [{"starts_on": w.starts_on.isoformat(), "ends_on": w.ends_on.isoformat()}
                    for w in profile.windows],
        "lsg_ids": sorted(pledged.get(profile.user_id, ())),
        "updated_at": profile.updated_at.isoformat(timespec="seconds"),
    }


def searchable_project_ids():
    return set(db.session.scalars(
        db.select(Project.id).where(Project.status.in_(PUBLIC_STATUSES))
    ))


def searchable_profile_ids():
    return set(db.session.scalars(
        db.select(MemberProfile.id).join(User, User.id == MemberProfile.user_id)
        .where(MemberProfile.visibility != ProfileVisibility.PRIVATE, User.active.is_(True),
               db.select(ProfileSkill.id).where(ProfileSkill.profile_id == MemberProfile.id).exists())
    ))
