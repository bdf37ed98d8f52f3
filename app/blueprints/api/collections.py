"""The API's collections, described once: the routes (routes.py), the CSV exports and the OpenAPI
document (spec.py) are all made from this table."""
from dataclasses import dataclass

from app.blueprints.api import schemas as s
from app.services import open_data


@dataclass(frozen=True)
class Collection:
    name: str  # the path: /api/v1/<name>
    summary: str
    item: type  # the schema of one record
    filters: type  # the query schema of its filters
    fetch: object  # open_data function: (after=, limit=, **filters) -> (records, next_after)
    csv_columns: tuple  # dotted paths into a record
    one: object = None  # open_data function: (id) -> record, for /api/v1/<name>/<id>

    @property
    def endpoint(self):
        return self.name


NAMES = ("name_ky", "name_ru", "name_en")
PLACE = ("place.region.id", "place.region.name_en", "place.district.id", "place.district.name_en",
         "place.municipality.id", "place.municipality.code", "place.municipality.name_en")

COLLECTIONS = (
    Collection("projects", "Public projects, in their approved version, with progress and pledge figures.",
               s.ProjectSchema, s.ProjectFilter, open_data.projects,
               ("id", "title", "status", "lsg.id", "lsg.name_en", *PLACE, "sector.code", "currency", "budget",
                "progress.funding", "spending_reported", "pledges.counted", "pledges.pending",
                "pledges.supporters", "starts_on", "ends_on", "published_at", "summary"),
               one=open_data.project),
    Collection("lsgs", "Local self-governments, with their public projects by status and track record.",
               s.LsgSchema, s.LsgFilter, open_data.lsgs,
               ("id", *NAMES, *PLACE, "projects.open", "projects.funded", "projects.in_progress",
                "projects.completed"),
               one=open_data.lsg),
    Collection("regions", "Regions (oblasts and the cities of republican significance).",
               s.RegionSchema, s.FilterQuery, open_data.regions, ("id", "code", *NAMES, "lat", "lon")),
    Collection("districts", "Districts (raions).", s.DistrictSchema, s.RegionFilter, open_data.districts,
               ("id", "code", "region_id", *NAMES, "lat", "lon")),
    Collection("municipalities", "Municipalities (ayil aymaks, towns, cities).", s.MunicipalitySchema,
               s.MunicipalityFilter, open_data.municipalities,
               ("id", "code", "kind", "district_id", "region_id", *NAMES, "lat", "lon")),
    Collection("sectors", "Sectors of projects.", s.SectorSchema, s.FilterQuery, open_data.sectors,
               ("id", "code", *NAMES)),
    Collection("skills", "The skills vocabulary.", s.SkillSchema, s.SkillFilter, open_data.skills,
               ("id", "code", "sector_id", *NAMES)),
    Collection("decisions", "The moderators' public decisions on projects, newest first.", s.DecisionSchema,
               s.FilterQuery, open_data.decisions,
               ("id", "date", "decision", "project_id", "project_title", "lsg_id", "reason")),
)
BY_NAME = {c.name: c for c in COLLECTIONS}


def cell(record, path):
    """A CSV cell from a dumped record: ``place.region.id`` reads record["place"]["region"]["id"]."""
    value = record
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value
