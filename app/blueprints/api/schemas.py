"""The API's shapes as marshmallow schemas: they dump the records of app/services/open_data.py (only
the fields declared here leave the server), parse the query strings, and apispec turns them into
the OpenAPI document's components and parameters (app/blueprints/api/spec.py)."""
from datetime import timezone
from functools import cache

from marshmallow import EXCLUDE, Schema, fields, validate

from app.models import MunicipalityKind, NeedKind, PledgeKind, ShareSource
from app.services.open_data import STATUSES

MAX_ID = 2**31 - 1
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class UtcDateTime(fields.DateTime):
    """Our naive UTC times, written as RFC 3339 with their offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


def _money():
    return fields.Dict(keys=fields.String(), values=fields.Integer(),
                       metadata={"description": "Amounts in minor units (tyiyn, cents) by ISO 4217 currency."})


class NamesSchema(Schema):
    name_ky = fields.String(required=True)
    name_ru = fields.String(required=True)
    name_en = fields.String(required=True)


class RegionSchema(NamesSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)


class DistrictSchema(RegionSchema):
    region_id = fields.Integer(required=True)


class MunicipalitySchema(DistrictSchema):
    district_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MunicipalityKind]))


class SectorSchema(NamesSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)


class SkillSchema(SectorSchema):
    sector_id = fields.Integer(required=True, allow_none=True)


class PlaceRefSchema(NamesSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)


class PlaceSchema(Schema):
    municipality = fields.Nested(PlaceRefSchema, required=True)
    district = fields.Nested(PlaceRefSchema, required=True)
    region = fields.Nested(PlaceRefSchema, required=True)


def _status_counts():
    return {status: fields.Integer(required=True) for status in STATUSES}


ProjectCountsSchema = Schema.from_dict(_status_counts(), name="ProjectCountsSchema")


class TrackRecordSchema(Schema):
    """Computed from the LSG's projects, as its page shows it: shares are fractions of 1 (spent of
    confirmed money, questions answered of those due), null when there is nothing to divide."""

    completed = fields.Integer()
    in_progress = fields.Integer()
    cancelled = fields.Integer()
    spent_share = fields.Float(allow_none=True)
    median_days_to_confirm = fields.Float(allow_none=True)
    answer_rate = fields.Float(allow_none=True)
    updates_overdue = fields.Integer()


class LsgSchema(NamesSchema):
    id = fields.Integer(required=True)
    place = fields.Nested(PlaceSchema, required=True)
    projects = fields.Nested(ProjectCountsSchema, required=True,
                             metadata={"description": "Its public projects by status."})
    track_record = fields.Nested(TrackRecordSchema, required=True, allow_none=True)


class LsgRefSchema(NamesSchema):
    id = fields.Integer(required=True)


class NeedSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in NeedKind]))
    title = fields.String(required=True)
    currency = fields.String(required=True, allow_none=True)
    target_amount = fields.Integer(required=True, allow_none=True)
    skill = fields.Nested(SkillSchema, required=True, allow_none=True)
    slots = fields.Integer(required=True, allow_none=True)
    starts_on = fields.Date(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    on_site = fields.Boolean(required=True, allow_none=True)
    requirements = fields.String(required=True, allow_none=True)
    verified_required = fields.Boolean(required=True)
    item = fields.String(required=True, allow_none=True)
    quantity = fields.Integer(required=True, allow_none=True)
    unit = fields.String(required=True, allow_none=True)
    done = fields.Integer(required=True, metadata={
        "description": "What counts so far: confirmed money (minor units), places taken, goods delivered."})
    total = fields.Integer(required=True)
    closed = fields.Boolean(required=True)


class ProgressSchema(Schema):
    funding = fields.Float(required=True, allow_none=True, metadata={
        "description": "Confirmed share of the money asked for, 0..1, while the project takes money."})
    confirmed_money = _money()


class ShareSchema(Schema):
    source = fields.String(required=True, validate=validate.OneOf([s.value for s in ShareSource]))
    label = fields.String(required=True)
    planned = fields.Integer(required=True)
    received = fields.Integer(required=True)
    conditional = fields.Boolean(required=True)
    condition = fields.String(required=True)
    released = fields.Boolean(required=True)


class MilestoneSchema(Schema):
    title = fields.String(required=True)
    due_on = fields.Date(required=True, allow_none=True)
    planned = fields.Integer(required=True)
    spent = fields.Integer(required=True, metadata={"description": "Money reported spent against it."})


PledgeKindCountsSchema = Schema.from_dict({k.value: fields.Integer(required=True) for k in PledgeKind},
                                          name="PledgeKindCountsSchema")


class PledgeFiguresSchema(Schema):
    """Aggregates only: never who gave."""

    counted = fields.Integer(required=True, metadata={"description": "Pledges confirmed, paid or accepted."})
    pending = fields.Integer(required=True)
    by_kind = fields.Nested(PledgeKindCountsSchema, required=True)
    supporters = fields.Integer(required=True, metadata={"description": "People whose pledges count."})
    money = _money()


class ProjectSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown."})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    lsg = fields.Nested(LsgRefSchema, required=True)
    place = fields.Nested(PlaceSchema, required=True)
    sector = fields.Nested(SectorSchema, required=True, allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    currency = fields.String(required=True)
    budget = fields.Integer(required=True)
    starts_on = fields.Date(required=True, allow_none=True)
    ends_on = fields.Date(required=True, allow_none=True)
    published_at = UtcDateTime(required=True, allow_none=True)
    last_update_at = UtcDateTime(required=True, allow_none=True)
    needs = fields.List(fields.Nested(NeedSchema), required=True)
    progress = fields.Nested(ProgressSchema, required=True)
    cofinancing = fields.List(fields.Nested(ShareSchema), required=True)
    milestones = fields.List(fields.Nested(MilestoneSchema), required=True)
    spending_reported = fields.Integer(required=True)
    pledges = fields.Nested(PledgeFiguresSchema, required=True)


class DecisionSchema(Schema):
    id = fields.Integer(required=True)
    date = UtcDateTime(required=True)
    decision = fields.String(required=True)
    project_id = fields.Integer(required=True)
    project_title = fields.String(required=True, allow_none=True,
                                  metadata={"description": "Null for a project never published."})
    lsg_id = fields.Integer(required=True)
    reason = fields.String(required=True, allow_none=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)


class IndexSchema(Schema):
    collections = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    openapi = fields.String(required=True)
    docs = fields.String(required=True)


@cache  # one class per collection: marshmallow registers every schema class by name
def page_schema(item_schema):
    """A page of a collection: its items and the cursor of the next page (null on the last)."""
    return Schema.from_dict({
        "data": fields.List(fields.Nested(item_schema), required=True),
        "next_cursor": fields.String(required=True, allow_none=True),
        "next": fields.String(required=True, allow_none=True, metadata={"description": "The next page's URL."}),
    }, name=f"{item_schema.__name__.removesuffix('Schema')}PageSchema")


# ---------------------------------------------------------------- query strings


class PageQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    cursor = fields.String(validate=validate.Length(max=200),
                           metadata={"description": "Opaque: the `next_cursor` of the page before."})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))


class FilterQuery(Schema):
    """The same filters without the page (the CSV exports give every row)."""

    class Meta:
        unknown = EXCLUDE


class RegionFilter(FilterQuery):
    region = _id()


class MunicipalityFilter(RegionFilter):
    district = _id()


class LsgFilter(MunicipalityFilter):
    municipality = _id()


class ProjectFilter(LsgFilter):
    """The search page's filters; several values of one filter mean any of them."""

    lsg = _id()
    sector = fields.List(_id())
    status = fields.List(fields.String(validate=validate.OneOf(STATUSES)))
    kind = fields.List(fields.String(validate=validate.OneOf([k.value for k in NeedKind])))
    skill = fields.List(_id())


class SkillFilter(FilterQuery):
    sector = _id()


@cache
def paged(filter_schema):
    return type(f"Paged{filter_schema.__name__}", (filter_schema, PageQuery), {})
