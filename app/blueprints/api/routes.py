"""The open-data API's views: parse the query, call one open_data function, dump through the schema.

Every answer carries an ``ETag`` (a hash of its body) and a ``Last-Modified`` (when anything the
API publishes last changed), so a conditional GET gets a 304; every answer under /api/ may be read
by any origin (CORS for GET, no credentials); one rate limit covers the blueprint; errors are RFC
9457 problem details (app/error_pages.py)."""
import base64
import binascii
import hashlib
import json

from flask import Blueprint, current_app, render_template, request, url_for
from marshmallow import ValidationError, fields

from app.blueprints.api.collections import COLLECTIONS, cell
from app.blueprints.api.schemas import IndexSchema, paged, page_schema
from app.blueprints.api.spec import openapi_document
from app.csv_export import csv_text
from app.errors import DomainError
from app.extensions import limiter
from app.services import open_data

bp = Blueprint("api", __name__)
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api")(bp)  # one budget for the whole API

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, "
                                     "X-RateLimit-Remaining, X-RateLimit-Reset",
    "Access-Control-Max-Age": "86400",
}


@bp.after_app_request
def allow_any_origin(response):
    """Open data: any site may read it (never with credentials: no cookie makes an answer differ)."""
    if request.path.startswith("/api/"):
        response.headers.extend(CORS_HEADERS)
        response.headers.pop("Access-Control-Allow-Credentials", None)
    return response


# ---------------------------------------------------------------- parsing


def encode_cursor(after):
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        after = None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 < after < 2**31:
        raise DomainError(f"cursor: not a cursor this API gave ({cursor[:40]!r}).")
    return after


def query_args(schema_class):
    """The query string through its schema; a value that makes no sense is a 400 naming it."""
    schema = schema_class()
    raw = {name: request.args.getlist(name) if isinstance(field, fields.List) else request.args.get(name)
           for name, field in schema.fields.items() if name in request.args}
    try:
        args = schema.load(raw)
    except ValidationError as error:
        problems = "; ".join(f"{name}: {' '.join(map(str, messages if isinstance(messages, list) else [messages]))}"
                             for name, messages in sorted(error.normalized_messages().items()))
        raise DomainError(problems) from error
    if "cursor" in args:
        args["after"] = decode_cursor(args.pop("cursor"))
    return args


# ---------------------------------------------------------------- answering


def conditional(body, mimetype, **headers):
    """The answer with its validators, or a 304 when the client's copy is current."""
    response = current_app.response_class(body, mimetype=mimetype, headers=headers)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    changed = open_data.data_changed_at()
    if changed is not None:
        response.last_modified = changed
    response.cache_control.public = True
    response.cache_control.no_cache = True  # keep it, but ask each time (a 304 is cheap)
    return response.make_conditional(request)


def as_json(payload):
    return conditional(current_app.json.dumps(payload), "application/json")


def _next_url(cursor):
    if cursor is None:
        return None
    args = request.args.to_dict(flat=False)
    args["cursor"] = cursor
    return url_for(request.endpoint, **args, _external=True)


def list_view(collection):
    def view():
        args = query_args(paged(collection.filters))
        records, next_after = collection.fetch(**args)
        cursor = encode_cursor(next_after) if next_after is not None else None
        return as_json(page_schema(collection.item)().dump(
            {"data": records, "next_cursor": cursor, "next": _next_url(cursor)}))
    return view


def one_view(collection):
    def view(item_id):
        return as_json(collection.item().dump(collection.one(item_id)))
    return view


def csv_view(collection):
    def view():
        records, _none = collection.fetch(**query_args(collection.filters))
        dumped = collection.item(many=True).dump(records)
        rows = ({column: cell(record, column) for column in collection.csv_columns} for record in dumped)
        return conditional(csv_text(rows, collection.csv_columns), "text/csv",
                           **{"Content-Disposition": f"attachment; filename=birge-{collection.name}.csv"})
    return view


for _collection in COLLECTIONS:
    bp.add_url_rule(f"/{_collection.name}", _collection.name, list_view(_collection))
    bp.add_url_rule(f"/{_collection.name}.csv", f"{_collection.name}_csv", csv_view(_collection))
    if _collection.one is not None:
        bp.add_url_rule(f"/{_collection.name}/<id:item_id>", f"{_collection.name}_one", one_view(_collection))


@bp.get("/")
def index():
    return as_json(IndexSchema().dump({
        "collections": {c.name: url_for(f"api.{c.name}", _external=True) for c in COLLECTIONS},
        "openapi": url_for("api.openapi", _external=True), "docs": url_for("api.docs", _external=True)}))


@bp.get("/openapi.json")
def openapi():
    return as_json(openapi_document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi_document())
