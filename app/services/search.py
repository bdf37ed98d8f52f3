"""Search, matching and saved searches for users, over whichever backend is configured.

Services decide what to ask the engine and who may see what; what the pages show (result views,
facets, reasons in words) is built by app/pages/search.py.
"""
import logging
import math
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app import content_version
from app.authz import can_see_saved_search, is_authenticated, is_project_official, require
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import District, MemberProfile, Municipality, Need, NeedKind, Region, SavedSearch, Sector, Skill
from app.models._common import current_language
from app.pages.search import (
    VOLUNTEER_REASONS,
    ReferenceNames,
    describe,
    facets,
    highlights,
    place_options,
    result_views,
)
from app.search import SearchUnavailable, backend, matching
from app.search.cache import cached
from app.search.query import Hit, SearchQuery
from app.services import profiles as profile_service
from app.services.projects import published_projects

log = logging.getLogger(__name__)

MAX_SAVED_SEARCHES = 20
# Answers a process keeps (app/search/cache.py): each holds a page of decoded documents and their
# snippets, about 50 KB, so 200 of them are about 10 MB of a web worker's memory.
ANSWERS_KEPT = 200
# What a search reads of the member's profile (home, and matching.member_subject's skills, sectors
# and dates), loaded with it: three statements, not five. One collection joined; the others by
# IN, so no cartesian product of skills, sectors and dates.
SUBJECT_LOADS = (joinedload(MemberProfile.home_municipality), joinedload(MemberProfile.skills),
                 selectinload(MemberProfile.sectors), selectinload(MemberProfile.windows))


def profile_of(user):
    """The member's profile, with what matching reads of it; None for a visitor or a member without one."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalars(
        db.select(MemberProfile).filter_by(user_id=user.id).options(*SUBJECT_LOADS)).unique().first()


def home_municipality(user):
    profile = profile_of(user)
    return profile.home_municipality if profile else None


def with_origin(query, home):
    """The query with the point distances are measured from: the chosen municipality, else (to
    sort by distance) home, the member's home municipality if they have one."""
    place = db.session.get(Municipality, query.near) if query.near else None
    if query.near and place is None:
        query = replace(query, near=None)
    if place is None and query.sort == "nearest":
        place = home
    if place is None:
        return query, None
    return replace(query, origin=(place.lat, place.lon)), place


def _search(query):
    """The engine's answer, the page's documents and their highlighted titles and snippets,
    shared by everyone asking the same search of the same index (see app/search/cache.py)."""
    def ask():
        results = backend().search(query)
        documents = backend().project_documents([h.id for h in results.hits])
        return results, documents, highlights(documents, query)

    return cached("results", (backend().generation(), urlencode(query.to_args()), query.origin), ask,
                  size=ANSWERS_KEPT)


@dataclass(frozen=True)
class HomePlace:
    """A member's home municipality as a search page shows it and measures distances from it."""
    id: int
    name: str
    lat: float
    lon: float


def searcher(viewer):
    """(matching subject, home place) of the member searching; (None, None) for a visitor or a member
    without a profile. Kept by the process under the content version (any change to a profile, or a
    place's name, moves it), the language and the day, as reading them is three statements a page."""
    if viewer is None or not viewer.is_authenticated:
        return None, None

    def read():
        profile = profile_of(viewer)
        if profile is None:
            return None, None
        home = profile.home_municipality
        return (matching.member_subject(profile),
                HomePlace(home.id, home.name, home.lat, home.lon) if home else None)

    version = content_version.current()
    if version is None:
        return read()
    return cached("searchers", (version, viewer.id, current_language(), date.today()), read, size=1024)


def run_search(viewer, query):
    """What the search page shows: results with facets, or, when the engine is down, the newest
    projects and a notice."""
    subject, home = searcher(viewer)
    query, place = with_origin(query, home)
    names = ReferenceNames()
    try:
        results, documents, marked = _search(query)
    except SearchUnavailable as error:
        log.error("search unavailable: %s", error)
        return {"query": query, "unavailable": True, "place": place, "home": None,
                "place_options": place_options(names, query.near),
                "newest": published_projects(page=1, per_page=query.per_page).items}
    return {
        "query": query, "unavailable": False, "place": place, "total": results.total,
        "results": result_views(results.hits, documents, marked, query.origin, subject, names),
        "facets": facets(results, query, names),
        "pages": max(1, math.ceil(results.total / query.per_page)),
        "home": home,
        "place_options": place_options(names, query.near),
    }


def suggestions(prefix, *, limit=8):
    """As-you-type suggestions: project titles, places and skills, each with the search it starts."""
    prefix = (prefix or "").strip()[:100]
    if len(prefix) < 2:
        return []
    found = []
    try:
        found += [{"kind": "project", "text": title, "args": {"q": title}}
                  for title in backend().suggest(prefix, limit=limit)]
    except SearchUnavailable:
        pass
    # Reference data is small; matching in Python is Unicode-aware on every database.
    needle = prefix.lower()
    for model, arg in ((Region, "region"), (District, "district"), (Municipality, "municipality"), (Skill, "skill")):
        matches = [item for item in db.session.scalars(db.select(model).order_by(model.id))
                   if any(getattr(item, f"name_{lang}").lower().startswith(needle) for lang in ("ky", "ru", "en"))]
        for item in matches[:limit]:
            args = {arg: item.id}
            if model is District:
                args["region"] = item.region_id
            found.append({"kind": "skill" if model is Skill else "place", "text": item.name, "args": args})
    return found[: limit * 2]


# ---------------------------------------------------------------- matching


def matched_for_you(member, *, limit=20):
    """Open projects ranked for the member, each with the reasons; [] without a profile."""
    require(is_authenticated, member)
    profile = profile_of(member)
    if profile is None:
        return None
    subject = matching.member_subject(profile)
    ranked = backend().match_projects(subject, limit=limit)
    documents = backend().project_documents([project_id for project_id, _ in ranked])
    hits = [Hit(project_id, score) for project_id, score in ranked]
    return result_views(hits, documents, highlights(documents, SearchQuery()), None, subject, ReferenceNames())


def suggested_volunteers(official, need, *, limit=20):
    """Members who could fill a skill need, best first, with the reasons; only profiles whose
    visibility lets this LSG's officials see them."""
    require(is_project_official, official, need.project)
    if need.kind != NeedKind.SKILL or need.skill_id is None:
        raise NotFound()
    document = backend().project_documents([need.project_id]).get(need.project_id)
    if document is None:
        raise InvalidInput(_("Volunteers are suggested once the project is published."))
    subject = matching.need_subject(need, document)
    ranked = backend().match_profiles(subject, limit=limit)
    profiles = {p.id: p for p in db.session.scalars(
        db.select(MemberProfile).where(MemberProfile.id.in_([profile_id for profile_id, _, _ in ranked])))}
    suggestions, names = [], ReferenceNames()
    for profile_id, score, profile_document in ranked:
        profile = profiles.get(profile_id)
        # The index may lag a change of visibility; the database decides.
        if profile is None or not profile_service.profile_visible_to(official, profile):
            continue
        reasons = matching.explain_profile(subject, profile_document)
        suggestions.append({"profile": profile, "score": score,
                            "reasons": describe(reasons, VOLUNTEER_REASONS, names)})
    return suggestions


def skill_need(need_id):
    need = db.session.get(Need, need_id)
    if need is None:
        raise NotFound()
    return need


# ---------------------------------------------------------------- saved searches


def default_name(query):
    parts = []
    if query.q:
        parts.append(f"“{query.q}”")
    for model, value in ((Municipality, query.municipality), (District, query.district), (Region, query.region)):
        if value:
            item = db.session.get(model, value)
            if item:
                parts.append(item.name)
                break
    parts += [s.name for s in db.session.scalars(db.select(Sector).where(Sector.id.in_(query.sector)))]
    return (" · ".join(parts) or _("All projects"))[:120]


def save_search(member, query, *, name=""):
    require(is_authenticated, member)
    if query.is_empty:
        raise InvalidInput(_("Choose some words, a place or a sector to follow first."))
    name = " ".join((name or "").split())[:120] or default_name(query)
    mine = db.session.scalars(db.select(SavedSearch).filter_by(user_id=member.id)).all()
    if len(mine) >= MAX_SAVED_SEARCHES:
        raise Conflict(_("You can keep at most %(max)d saved searches; delete one first.", max=MAX_SAVED_SEARCHES))
    data = query.to_saved()
    if any(s.query == data for s in mine):
        raise Conflict(_("You already follow this search."))
    region = query.region
    if region is None and query.district:
        district = db.session.get(District, query.district)
        region = district.region_id if district else None
    if region is None and query.municipality:
        municipality = db.session.get(Municipality, query.municipality)
        region = municipality.district.region_id if municipality else None
    saved = SavedSearch(user_id=member.id, name=name, query=data, region_id=region,
                        sectors=db.session.scalars(db.select(Sector).where(Sector.id.in_(query.sector))).all())
    db.session.add(saved)
    db.session.flush()
    return saved


def follow_home(member):
    """"Follow my village": a saved search for the member's home municipality (or district)."""
    profile = profile_of(member)
    if profile is None or not (profile.home_municipality_id or profile.home_district_id):
        raise InvalidInput(_("Add your home village to your profile first."))
    if profile.home_municipality_id:
        query = SearchQuery(region=profile.home_region_id, municipality=profile.home_municipality_id)
    else:
        query = SearchQuery(region=profile.home_region_id, district=profile.home_district_id)
    return save_search(member, query)


def saved_searches(member):
    require(is_authenticated, member)
    return db.session.scalars(
        db.select(SavedSearch).filter_by(user_id=member.id).order_by(SavedSearch.created_at.desc())
    ).all()


def delete_saved_search(member, saved_id):
    saved = db.session.get(SavedSearch, saved_id)
    if saved is None or not can_see_saved_search(member, saved):
        raise NotFound()  # another member's saved search is not even there
    db.session.delete(saved)
    db.session.flush()


def saved_query(saved):
    return SearchQuery.from_saved(saved.query)

