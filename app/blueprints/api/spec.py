"""The OpenAPI 3.1 document, generated from the code: the collections table (collections.py) gives
the paths, the marshmallow schemas (schemas.py) the parameters and the shapes, through apispec."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from app.blueprints.api.collections import COLLECTIONS
from app.blueprints.api.schemas import MAX_ID, IndexSchema, ProblemSchema, page_schema, paged

PREFIX = "/api/v1"
DESCRIPTION = (
    "Birge's open data: public projects in their approved version (needs, progress counted from "
    "confirmed money only, co-financing plan, milestones, money reported spent, pledge figures), "
    "local self-governments, places, sectors, skills and the moderators' decisions log. Never "
    "personal data, never unpublished content. Lists are pages: pass `next_cursor` back as "
    "`cursor`. Every answer has an `ETag` and a `Last-Modified` (send `If-None-Match` or "
    "`If-Modified-Since` for a 304); any origin may read it; errors are RFC 9457 problem details."
)


def _problem(description):
    return {"description": description, "content": {"application/problem+json": {"schema": "Problem"}}}


def _ok(schema, mimetype="application/json", description="OK"):
    return {"description": description, "content": {mimetype: {"schema": schema}}}


COMMON = {
    "304": {"description": "Not modified: the copy named by If-None-Match / If-Modified-Since is current."},
    "422": _problem("The request holds a character no text may hold (a NUL byte)."),
    "429": _problem("Too many requests: wait and try again (see Retry-After)."),
}


def _operation(summary, ok, *, parameters=(), errors=(), operation_id):
    responses = {"200": ok, **COMMON}
    for status, description in errors:
        responses[status] = _problem(description)
    return {"get": {"summary": summary, "operationId": operation_id, "parameters": list(parameters),
                    "responses": responses}}


def build_spec():
    spec = APISpec(title="Birge open data", version="1.0.0", openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin()], info={"description": DESCRIPTION})
    spec.components.schema("Problem", schema=ProblemSchema)
    bad = ("400", "A query parameter that makes no sense (named in `detail`).")
    for c in COLLECTIONS:
        spec.path(path=f"{PREFIX}/{c.name}", operations=_operation(
            c.summary, _ok(page_schema(c.item)), parameters=[{"in": "query", "schema": paged(c.filters)}],
            errors=[bad], operation_id=f"list_{c.name}"))
        spec.path(path=f"{PREFIX}/{c.name}.csv", operations=_operation(
            f"{c.summary} (CSV, every row)", _ok({"type": "string"}, "text/csv"),
            parameters=[{"in": "query", "schema": c.filters}], errors=[bad], operation_id=f"csv_{c.name}"))
        if c.one is not None:
            item_id = {"in": "path", "name": "item_id", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
            spec.path(path=f"{PREFIX}/{c.name}/{{item_id}}", operations=_operation(
                f"One of: {c.summary[0].lower()}{c.summary[1:]}", _ok(c.item), parameters=[item_id],
                errors=[("404", "No such public item.")], operation_id=f"get_{c.name}"))
    spec.path(path=f"{PREFIX}/", operations=_operation(
        "Where the collections and this document are.", _ok(IndexSchema), operation_id="index"))
    spec.path(path=f"{PREFIX}/openapi.json", operations=_operation(
        "This document.", _ok({"type": "object"}), operation_id="openapi"))
    spec.path(path=f"{PREFIX}/docs", operations=_operation(
        "This document as a page.", _ok({"type": "string"}, "text/html"), operation_id="docs"))
    return spec.to_dict()


def openapi_document():
    """Built once per app (it depends on the code only)."""
    if "api_spec" not in current_app.extensions:
        current_app.extensions["api_spec"] = build_spec()
    return current_app.extensions["api_spec"]
