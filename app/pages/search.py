"""What the search pages show: results, facets and reasons as the reader reads them.

Presentation objects built from the engine's answers (app/search) and the reference tables, in
the reader's language; the services (app/services/search.py) decide what to ask and who may see
it, the views render these.
"""
import math
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import content_version
from app.extensions import db
from app.models import District, Municipality, Region, Sector, Skill
from app.models._common import current_language
from app.search import matching
from app.search.cache import cached
from app.search.text import highlight
from app.search.vocabulary import highlight_stems

# What a member reads under a project, and an official under a member (app/search/matching.py
# names the reasons), filled in by describe() with names in the reader's language.
REASONS = {
    "skill": _l("needs your skill: %(skills)s"),
    "skill_verified": _l("needs your verified skill: %(skills)s"),
    "home_region": _l("in your home region, %(place)s"),
    "home_district": _l("in your home district, %(place)s"),
    "home_municipality": _l("in your home village, %(place)s"),
    "sector": _l("%(sector)s: a sector you care about"),
    "availability": _l("you are free on its dates, %(dates)s"),
    "language": _l("written in a language you speak"),
    "fresh": _l("published recently"),
}

VOLUNTEER_REASONS = {
    "skill": _l("%(skills)s (not yet verified)"),
    "skill_verified": _l("%(skills)s (verified)"),
    "home_region": _l("from %(place)s"),
    "home_district": _l("from %(place)s"),
    "home_municipality": _l("from %(place)s"),
    "sector": _l("cares about %(sector)s"),
    "availability": _l("free %(dates)s"),
    "language": _l("speaks the project's language"),
    "fresh": _l("profile updated recently"),
}

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


_IN_LANGUAGE = {}  # (a label table's id, language) -> its labels as text: catalogues stand while a process runs


def in_language(labels):
    """A table of lazily translated labels (one of this module's constants: it is known by its id)
    as text in the reader's language, translated once per language (a results page reads them
    dozens of times)."""
    key = (id(labels), current_language())
    found = _IN_LANGUAGE.get(key)
    if found is None:
        found = _IN_LANGUAGE[key] = {name: str(label) for name, label in labels.items()}
    return found


def format_date_range(start, end):
    return f"{format_date(start, 'medium')} – {format_date(end, 'medium')}"


def distance_km(a, b):
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


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
    """Names of regions, districts, municipalities, sectors and skills in the reader's language.
    Each small table is read once (two columns, no ORM objects) and kept by the process for as long
    as the content version stands (app/content_version.py: admins edit these names)."""

    def __init__(self):
        self._language = current_language()
        self._version = content_version.current()

    def kept(self, what, compute):
        if self._version is None:  # no version to key on: read afresh
            return compute()
        return cached("reference_names", (self._version, self._language, what), compute, size=256)

    def table(self, model):
        def read():
            column = getattr(model, f"name_{self._language}", model.name_en)
            return {i: name or english for i, name, english in db.session.execute(db.select(model.id, column, model.name_en))}

        return self.kept(model.__tablename__, read)

    def __call__(self, model, ids):
        table = self.table(model)
        return {i: table[i] for i in ids if i in table}

    def choices(self, model):
        """(id, name) pairs sorted by name, for a select."""
        return self.kept(("choices", model.__tablename__),
                          lambda: sorted(self.table(model).items(), key=lambda item: item[1]))

    def districts(self, region_id):
        """{id: name} of the region's districts."""
        def read():
            names = self.table(District)
            return {i: names[i] for i in db.session.scalars(db.select(District.id).filter_by(region_id=region_id))}

        return self.kept(("districts", region_id), read)


def place_options(names, selected):
    """The options of the "Near" select, one per municipality (hundreds): rendered once per content
    version and language here, as escaping them in the template was a third of its work."""
    html = names.kept(("options", "municipalities"), lambda: Markup("").join(
        Markup('<option value="{}">{}</option>').format(i, name) for i, name in names.choices(Municipality)))
    if not selected:
        return html
    return Markup(str(html).replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1))


def _facet(counts, labels, selected):
    values = [FacetValue(value, str(labels.get(value, value)), count, value in selected)
              for value, count in counts.items() if value in labels]
    return sorted(values, key=lambda v: (not v.selected, -v.count, v.label))


def facets(results, query, names):
    f = results.facets
    facets = {
        "region": _facet(f["region"], names(Region, f["region"]), {query.region}),
        "sector": _facet(f["sector"], names(Sector, f["sector"]), set(query.sector)),
        "kind": _facet(f["kind"], in_language(KIND_LABELS), set(query.kind)),
        "skill": _facet(f["skill"], names(Skill, f["skill"]), set(query.skill)),
        "status": _facet(f["status"], in_language(STATUS_LABELS), set(query.status)),
    }
    if query.region:
        facets["district"] = _facet(f["district"], names.districts(query.region), {query.district})
    return facets


def describe(reasons, labels, names):
    """Each reason as a sentence, with the names of skills, places and sectors and the dates."""
    labels = in_language(labels)
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
        described.append(labels[reason.key] % values if values else labels[reason.key])
    return described


def highlights(documents, query):
    """{id: (title, snippet)} with the query's words marked."""
    stems = highlight_stems(query.q or "")  # the words found in other languages are marked too
    seen = {}
    return {
        project_id: (highlight(d["title"], stems, length=len(d["title"]) + 1, seen=seen),
                     highlight(" ".join(filter(None, (d["summary"], d["body"]))), stems, seen=seen))
        for project_id, d in documents.items()
    }


def result_views(hits, documents, marked, origin, subject, names):
    municipalities = names(Municipality, {d["municipality_id"] for d in documents.values()})
    sectors = names(Sector, {d["sector_id"] for d in documents.values() if d["sector_id"]})
    statuses = in_language(STATUS_LABELS)
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
            status=statuses[document["status"]],
            distance_km=round(distance_km(origin, (document["lat"], document["lon"])), 1) if origin else None,
            reasons=describe(matching.explain_project(subject, document), REASONS, names)
            if subject else [],
        ))
    return views
