"""Search, matching and saved searches as users see them, over whichever backend is configured."""
import logging
import math
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.authz import is_authenticated, is_project_official, require
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import (
    District,
    MemberProfile,
    Municipality,
    Need,
    NeedKind,
    Region,
    SavedSearch,
    Sector,
    Skill,
)
from app.search import SearchUnavailable, backend
from app.search import matching
from app.search.cache import cached
from app.services import profiles as profile_service
from app.search.query import Hit, SearchQuery
from app.models._common import current_language
from app.search.text import highlight, query_stems

log = logging.getLogger(__name__)

STATUS_LABELS = {
    "open": _l("Open for support"),
    "funded": _l("Funded"),
    "in_progress": _l("Work under way"),
    "completed": _l("Completed"),
}
KIND_LABELS = {"funds": _l("Money"), "skill": _l("Skills"), "in_kind": _l("Goods")}
SORT_LABELS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "nearest": _l("Nearest"),
    "funding": _l("Closest to its funding goal"),
}
MAX_SAVED_SEARCHES = 20


def format_date_range(start, end):
    return f"{format_date(start, 'medium')} – {format_date(end, 'medium')}"


def distance_km(a, b):
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def profile_of(user):
    """The member's profile; None for a visitor or a member without one."""
    return profile_service.profile_of(user) if user is not None and user.is_authenticated else None


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


@dataclass
class FacetValue:
    value: object
    label: str
    count: int
    selected: bool


@dataclass
class ResultView:
    document: dict
    title: Markup
    snippet: Markup
    place: str
    sector: str | None
    status: str
    distance_km: float | None = None
    reasons: list = field(default_factory=list)

    @property
    def id(self):
        return self.document["id"]

    @property
    def funding_percent(self):
        progress = self.document.get("funding_progress")
        return None if progress is None else int(progress * 100)


class ReferenceNames:
    """Names of regions, districts, municipalities, sectors and skills in the reader's language,
    each small table read once per page (two columns, no ORM objects) rather than once per result."""

    def __init__(self):
        self._tables = {}
        self._language = current_language()

    def table(self, model):
        if model not in self._tables:
            column = getattr(model, f"name_{self._language}", model.name_en)
            self._tables[model] = {i: name or english for i, name, english in
                                   db.session.execute(db.select(model.id, column, model.name_en))}
        return self._tables[model]

    def __call__(self, model, ids):
        table = self.table(model)
        return {i: table[i] for i in ids if i in table}

    def choices(self, model):
        """(id, name) pairs sorted by name, for a select."""
        return sorted(self.table(model).items(), key=lambda item: item[1])


def _facet(counts, labels, selected):
    values = [FacetValue(value, str(labels.get(value, value)), count, value in selected)
              for value, count in counts.items() if value in labels]
    return sorted(values, key=lambda v: (not v.selected, -v.count, v.label))


def _facets(results, query, names):
    f = results.facets
    facets = {
        "region": _facet(f["region"], names(Region, f["region"]), {query.region}),
        "sector": _facet(f["sector"], names(Sector, f["sector"]), set(query.sector)),
        "kind": _facet(f["kind"], KIND_LABELS, set(query.kind)),
        "skill": _facet(f["skill"], names(Skill, f["skill"]), set(query.skill)),
        "status": _facet(f["status"], STATUS_LABELS, set(query.status)),
    }
    if query.region:
        districts = {d.id: d.name for d in db.session.scalars(db.select(District).filter_by(region_id=query.region))}
        facets["district"] = _facet(f["district"], districts, {query.district})
    return facets


def describe(reasons, labels, names):
    """Each reason as a sentence, with the names of skills, places and sectors and the dates."""
    described = []
    for reason in reasons:
        detail = reason.detail
        values = {}
        if "skill_ids" in detail:
            values["skills"] = ", ".join(names(Skill, detail["skill_ids"]).values())
        if "place" in detail:
            model = {"home_region": Region, "home_district": District, "home_municipality": Municipality}[reason.key]
            values["place"] = names(model, [detail["place"]]).get(detail["place"], "")
        if "sector_id" in detail:
            values["sector"] = names(Sector, [detail["sector_id"]]).get(detail["sector_id"], "")
        if "starts_on" in detail:
            values["dates"] = format_date_range(date.fromisoformat(detail["starts_on"]),
                                                date.fromisoformat(detail["ends_on"]))
        described.append(str(labels[reason.key]) % values if values else str(labels[reason.key]))
    return described


def highlights(documents, query):
    """{id: (title, snippet)} with the query's words marked."""
    stems = query_stems(query.q)
    return {
        project_id: (highlight(d["title"], stems, length=len(d["title"]) + 1),
                     highlight(" ".join(filter(None, (d["summary"], d["body"]))), stems))
        for project_id, d in documents.items()
    }


def _views(hits, documents, marked, origin, subject, names):
    municipalities = names(Municipality, {d["municipality_id"] for d in documents.values()})
    sectors = names(Sector, {d["sector_id"] for d in documents.values() if d["sector_id"]})
    views = []
    for hit in hits:
        document = documents.get(hit.id)
        if document is None:  # removed since the search ran
            continue
        title, snippet = marked[hit.id]
        views.append(ResultView(
            document=document, title=title, snippet=snippet,
            place=municipalities.get(document["municipality_id"], ""),
            sector=sectors.get(document["sector_id"]),
            status=str(STATUS_LABELS[document["status"]]),
            distance_km=round(distance_km(origin, (document["lat"], document["lon"])), 1) if origin else None,
            reasons=describe(matching.explain_project(subject, document), matching.REASON_LABELS, names)
            if subject else [],
        ))
    return views


def _search(query):
    """The engine's answer, the page's documents and their highlighted titles and snippets,
    shared by everyone asking the same search of the same index (see app/search/cache.py)."""
    def ask():
        results = backend().search(query)
        documents = backend().project_documents([h.id for h in results.hits])
        return results, documents, highlights(documents, query)

    generation = backend().generation()
    key = None if generation is None else (generation, urlencode(query.to_args()), query.origin)
    return cached("results", key, ask)


def run_search(viewer, query):
    """What the search page shows: results with facets, or, when the engine is down, the newest
    projects and a notice."""
    from app.services.projects import published_projects

    profile = profile_of(viewer)
    home = profile.home_municipality if profile else None
    query, place = with_origin(query, home)
    names = ReferenceNames()
    subject = matching.member_subject(profile) if profile else None
    try:
        results, documents, marked = _search(query)
    except SearchUnavailable as error:
        log.error("search unavailable: %s", error)
        return {"query": query, "unavailable": True, "place": place, "home": None, "municipalities": [],
                "newest": published_projects(page=1, per_page=query.per_page).items}
    return {
        "query": query, "unavailable": False, "place": place, "total": results.total,
        "results": _views(results.hits, documents, marked, query.origin, subject, names),
        "facets": _facets(results, query, names),
        "pages": max(1, math.ceil(results.total / query.per_page)),
        "home": home,
        "municipalities": names.choices(Municipality),
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
    return _views(hits, documents, highlights(documents, SearchQuery()), None, subject, ReferenceNames())


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
                            "reasons": describe(reasons, matching.VOLUNTEER_REASON_LABELS, names)})
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
    if saved is None or saved.user_id != member.id:
        raise NotFound()
    db.session.delete(saved)
    db.session.flush()


def saved_query(saved):
    return SearchQuery.from_saved(saved.query)

