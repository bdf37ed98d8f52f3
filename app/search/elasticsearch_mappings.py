"""Elasticsearch's side: the index mappings, each document as it is sent, and the transport.

The documents themselves come from app/search/documents.py (the same as the embedded engine's);
a source adds what only Elasticsearch needs (stems, a geo point, date ranges).
"""
import re

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError, Urllib3HttpNode
from elasticsearch import ApiError

from app.search.matching import TEXT_WEIGHTS
from app.search.text import index_text

_COMPATIBLE = re.compile(r"application/vnd\.elasticsearch\+([a-z-]+);\s*compatible-with=\d+")
UNAVAILABLE = (TransportConnectionError, ConnectionTimeout, TransportError, ApiError)


class PlainJsonNode(Urllib3HttpNode):
    """Sends plain application/json instead of the client's versioned media types.

    Elasticsearch accepts both; osmem-server (the in-memory server the tests use) answers the
    versioned ones with 406."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if headers.get(name):
                    headers[name] = _COMPATIBLE.sub(r"application/\1", headers[name])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


def _text(analyzers=True):
    field = {"type": "text"}
    if analyzers:
        field["fields"] = {"ru": {"type": "text", "analyzer": "russian"},
                           "en": {"type": "text", "analyzer": "english"}}
    return field


PROJECT_MAPPING = {
    "dynamic": False,
    "properties": {
        "id": {"type": "integer"},
        "lsg_id": {"type": "integer"},
        **{name: _text() for name in TEXT_WEIGHTS},
        # Snowball stems as the embedded engine stores them: prefix matches for Kyrgyz word forms.
        "stems": {"type": "text", "analyzer": "whitespace"},
        # The same field by field, for per-field weights (app/search/elasticsearch_query.py).
        **{f"{name}_stems": {"type": "text", "analyzer": "whitespace"} for name in TEXT_WEIGHTS},
        "region_id": {"type": "integer"},
        "district_id": {"type": "integer"},
        "municipality_id": {"type": "integer"},
        "sector_id": {"type": "integer"},
        "status": {"type": "keyword"},
        "published_at": {"type": "date"},
        "location": {"type": "geo_point"},
        "funding_progress": {"type": "float"},
        "need_kinds": {"type": "keyword"},
        "skill_ids": {"type": "integer"},
        # Each skill need's dates with its skill: availability counts for the member's own skills.
        "need_windows": {"type": "nested", "properties": {
            "skill_id": {"type": "integer"},
            "dates": {"type": "date_range", "format": "yyyy-MM-dd"},
        }},
        "languages": {"type": "keyword"},
    },
}
PROFILE_MAPPING = {
    "dynamic": False,
    "properties": {
        "id": {"type": "integer"},
        "user_id": {"type": "integer"},
        "region_id": {"type": "integer"},
        "district_id": {"type": "integer"},
        "municipality_id": {"type": "integer"},
        "visibility": {"type": "keyword"},
        "languages": {"type": "keyword"},
        "sector_ids": {"type": "integer"},
        "skill_ids": {"type": "integer"},
        "verified_skill_ids": {"type": "integer"},
        "lsg_ids": {"type": "integer"},
        "availability": {"type": "date_range", "format": "yyyy-MM-dd"},
        "updated_at": {"type": "date"},
    },
}
MAPPINGS = {"project": PROJECT_MAPPING, "profile": PROFILE_MAPPING}


def project_source(document):
    return {
        **document,
        "stems": index_text(*(document[name] for name in TEXT_WEIGHTS)),
        **{f"{name}_stems": index_text(document[name]) for name in TEXT_WEIGHTS},
        "location": {"lat": document["lat"], "lon": document["lon"]},
        "need_windows": [{"skill_id": w["skill_id"], "dates": {"gte": w["starts_on"], "lte": w["ends_on"]}}
                         for w in document["skill_windows"]],
    }


def profile_source(document):
    return {**document, "availability": [{"gte": w["starts_on"], "lte": w["ends_on"]} for w in document["windows"]]}


SOURCES = {"project": project_source, "profile": profile_source}
