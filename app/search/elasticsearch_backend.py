"""Elasticsearch: search for deployments that outgrow one machine (with PostgreSQL).

Writes never go to Elasticsearch inside a request: ``sync`` adds outbox rows in the caller's
transaction and the worker (``flask worker``) sends them on in bulk with ``push``, retrying with
backoff, so an outage delays search but loses nothing. Each kind of document lives in a versioned
index behind an alias; ``reindex`` fills a new index and moves the alias in one atomic request.
The mappings and the documents as sent are in app/search/elasticsearch_mappings.py.
"""
import time
from datetime import datetime, timezone

from elasticsearch import Elasticsearch, NotFoundError, helpers

from app.extensions import db
from app.models import PUBLIC_STATUSES, MemberProfile, Project
from app.outbox import enqueue
from app.search import matching
from app.search.backend import DocumentRefused, ReindexRunning, SearchBackend, SearchUnavailable
from app.search.documents import Vocabulary, profile_documents, profile_rows, project_documents, project_rows
from app.search.elasticsearch_mappings import MAPPINGS, SOURCES, UNAVAILABLE, PlainJsonNode
from app.search.elasticsearch_query import (constant, filters, home_clauses, known_prefixes_query, overlap, sort,
                                            text_query, typed_stems, unknown_stems)
from app.search.query import Hit, SearchResults
from app.search.text import query_stems
from app.search.vocabulary import highlight_stems

BATCH = 500


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, app):
        self.url = app.config["ELASTICSEARCH_URL"]
        self.prefix = app.config.get("SEARCH_INDEX_PREFIX", "birge")
        self.timeout = app.config.get("ELASTICSEARCH_TIMEOUT", 5)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = Elasticsearch(self.url, node_class=PlainJsonNode, request_timeout=self.timeout,
                                         max_retries=1, retry_on_timeout=False)
        return self._client

    def alias(self, entity):
        return f"{self.prefix}-{entity}s"

    def ping(self):
        try:
            self.client.info()
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error

    # ------------------------------------------------------------ generation

    @property
    def state_index(self):
        return f"{self.prefix}-state"

    def generation(self):
        """The value the last write left in the state index (one small document, read by id):
        every push and every reindex writes a new one after its documents are visible."""
        try:
            return self.client.get(index=self.state_index, id="generation")["_source"]["value"]
        except NotFoundError:
            return 0
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error

    def _bump(self):
        # Nanoseconds since the epoch rather than read-and-add: workers writing at once each leave
        # a value no reader has seen, with no lock, and it never goes back to an earlier one.
        try:
            self.client.index(index=self.state_index, id="generation", document={"value": time.time_ns()})
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error

    # ------------------------------------------------------------ indices

    def _create_index(self, entity, *, with_alias=False):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias(entity)}-{stamp}"
        body = {"mappings": MAPPINGS[entity], "settings": {"number_of_shards": 1}}
        if with_alias:
            body["aliases"] = {self.alias(entity): {}}
        self.client.indices.create(index=name, **body)
        return name

    def ensure_indices(self):
        for entity in MAPPINGS:
            if not self.client.indices.exists_alias(name=self.alias(entity)):
                self._create_index(entity, with_alias=True)

    def _indices_behind(self, entity):
        try:
            return sorted(self.client.indices.get_alias(name=self.alias(entity)))
        except NotFoundError:
            return []

    # ------------------------------------------------------------ writes

    def sync(self, projects=(), profiles=()):
        for project_id in projects:
            enqueue("sync", "project", project_id)
        for profile_id in profiles:
            enqueue("sync", "profile", profile_id)

    def push(self, projects=(), profiles=()):
        """Send the current state of these projects and profiles to the index (the worker's job),
        then move the generation on."""
        try:
            if self.reindex_running():
                raise ReindexRunning("the index is being rebuilt; changes wait for the swap")
            self.ensure_indices()
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error
        actions = []
        for entity, ids, model, build in (("project", projects, Project, project_documents),
                                          ("profile", profiles, MemberProfile, profile_documents)):
            if not ids:
                continue
            documents = build(db.session.scalars(db.select(model).where(model.id.in_(ids))).all())
            for entity_id in ids:
                if entity_id in documents:
                    actions.append({"_op_type": "index", "_index": self.alias(entity), "_id": str(entity_id),
                                    "_source": SOURCES[entity](documents[entity_id])})
                else:
                    actions.append({"_op_type": "delete", "_index": self.alias(entity), "_id": str(entity_id)})
        self._bulk(actions, refresh=True)
        if actions:
            self._bump()

    def _bulk(self, actions, refresh=False):
        if not actions:
            return
        try:
            _, errors = helpers.bulk(self.client, actions, raise_on_error=False, raise_on_exception=True,
                                     refresh="true" if refresh else "false")
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error
        failed = [e for e in errors if next(iter(e.values())).get("status") != 404]
        if failed:
            raise DocumentRefused(f"{len(failed)} documents were refused: {failed[:3]}")

    # ------------------------------------------------------------ search

    def _search(self, entity, **body):
        try:
            return self.client.search(index=self.alias(entity), **body)
        except NotFoundError:
            return {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {}}
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error

    def _unknown_stems(self, text):
        """The typed stems no indexed word begins with: only those may match a word one letter
        away (one small request, and none for a query without words)."""
        stems = typed_stems(text)
        if not stems:
            return set()
        try:
            response = self.client.search(index=self.alias("project"), **known_prefixes_query(stems))
        except NotFoundError:
            return set()
        except UNAVAILABLE as error:
            raise SearchUnavailable(str(error)) from error
        return unknown_stems(stems, response)

    def search(self, query):
        must = text_query(query.q, self._unknown_stems(query.q))
        aggregations = {
            "region": {"terms": {"field": "region_id", "size": 50}},
            "district": {"terms": {"field": "district_id", "size": 200}},
            "sector": {"terms": {"field": "sector_id", "size": 100}},
            "status": {"terms": {"field": "status", "size": 10}},
            "kind": {"terms": {"field": "need_kinds", "size": 10}},
            "skill": {"terms": {"field": "skill_ids", "size": 500}},
        }
        response = self._search(
            "project",
            query={"bool": {"must": must or [{"match_all": {}}], "filter": filters(query)}},
            aggs=aggregations if query.with_facets else None, sort=sort(query, bool(must)), from_=query.offset, size=query.per_page,
            track_total_hits=True, source=False,
        )
        facets = {
            name: {bucket["key"]: bucket["doc_count"]
                   for bucket in response.get("aggregations", {}).get(name, {}).get("buckets", [])}
            for name in aggregations
        }
        hits = [Hit(int(hit["_id"]), float(hit.get("_score") or 0)) for hit in response["hits"]["hits"]]
        return SearchResults(total=response["hits"]["total"]["value"], hits=hits, facets=facets,
                             query_stems=tuple(highlight_stems(query.q or "")))

    def project_documents(self, ids):
        if not ids:
            return {}
        response = self._search("project", query={"ids": {"values": [str(i) for i in ids]}}, size=len(ids))
        return {int(hit["_id"]): self._document(hit["_source"]) for hit in response["hits"]["hits"]}

    @staticmethod
    def _document(source):
        return {k: v for k, v in source.items()
                if not k.endswith("stems") and k not in ("location", "need_windows", "availability")}

    def suggest(self, prefix, *, limit=8):
        stems = query_stems(prefix)
        if not stems:
            return []
        response = self._search(
            "project", query={"bool": {"filter": [{"prefix": {"title_stems": s}} for s in stems]}},
            sort=[{"published_at": "desc"}], size=limit, source=["title"],
        )
        return [hit["_source"]["title"] for hit in response["hits"]["hits"]]

    # ------------------------------------------------------------ matching

    def match_projects(self, subject, *, limit=20):
        if subject.is_empty:
            return []
        w = matching.WEIGHTS
        anchors = []
        should = []
        if subject.skill_ids:
            anchors.append({"terms": {"skill_ids": list(subject.skill_ids)}})
            should.append(constant({"terms": {"skill_ids": list(subject.skill_ids)}}, w["skill"]))
            if subject.verified_skill_ids:
                should.append(constant({"terms": {"skill_ids": list(subject.verified_skill_ids)}},
                                        w["skill_verified"] - w["skill"]))
            if subject.windows:
                should.append(constant({"nested": {"path": "need_windows", "query": {"bool": {"filter": [
                    {"terms": {"need_windows.skill_id": list(subject.skill_ids)}},
                    overlap("need_windows.dates", subject.windows),
                ]}}}}, w["availability"]))
        if subject.region_id:
            anchors.append({"term": {"region_id": subject.region_id}})
        should += home_clauses((subject.region_id, subject.district_id, subject.municipality_id),
                                ("region_id", "district_id", "municipality_id"))
        if subject.sector_ids:
            anchors.append({"terms": {"sector_id": list(subject.sector_ids)}})
            should.append(constant({"terms": {"sector_id": list(subject.sector_ids)}}, w["sector"]))
        if subject.languages:
            should.append(constant({"terms": {"languages": list(subject.languages)}}, w["language"]))
        should.append(constant({"range": {"published_at": {"gte": subject.fresh_since}}}, w["fresh"]))
        response = self._search("project", query={"bool": {
            "filter": [{"term": {"status": "open"}}, {"bool": {"should": anchors, "minimum_should_match": 1}}],
            "should": should,
        }}, sort=[{"_score": "desc"}, {"id": "desc"}], size=limit, source=False, track_scores=True)
        return [(int(hit["_id"]), float(hit["_score"])) for hit in response["hits"]["hits"]]

    def match_profiles(self, subject, *, limit=20):
        w = matching.WEIGHTS
        should = [
            constant({"term": {"skill_ids": subject.skill_id}}, w["skill"]),
            constant({"term": {"verified_skill_ids": subject.skill_id}}, w["skill_verified"] - w["skill"]),
            *home_clauses((subject.region_id, subject.district_id, subject.municipality_id),
                           ("region_id", "district_id", "municipality_id")),
            constant({"range": {"updated_at": {"gte": subject.fresh_since}}}, w["fresh"]),
        ]
        if subject.sector_id:
            should.append(constant({"term": {"sector_ids": subject.sector_id}}, w["sector"]))
        if subject.starts_on and subject.ends_on:
            should.append(constant(overlap("availability", [(subject.starts_on, subject.ends_on)]),
                                    w["availability"]))
        if subject.languages:
            should.append(constant({"terms": {"languages": list(subject.languages)}}, w["language"]))
        visible = {"bool": {"should": [
            {"term": {"visibility": "public"}},
            {"bool": {"filter": [{"term": {"visibility": "pledged_lsgs"}}, {"term": {"lsg_ids": subject.lsg_id}}]}},
        ], "minimum_should_match": 1}}
        response = self._search("profile", query={"bool": {
            "filter": [{"term": {"skill_ids": subject.skill_id}}, visible], "should": should,
        }}, sort=[{"_score": "desc"}, {"id": "asc"}], size=limit, track_scores=True)
        return [(int(hit["_id"]), float(hit["_score"]), self._document(hit["_source"]))
                for hit in response["hits"]["hits"]]

    # ------------------------------------------------------------ maintenance

    @property
    def reindex_marker(self):
        return f"{self.prefix}-reindexing"

    def reindex(self):
        """Fill new indices from the database, then move both aliases to them in one request.

        While the new indices fill, they carry a marker alias and the worker leaves index changes
        in the outbox (searches keep reading the old indices); after the swap it sends them to the
        new ones, so nothing that changed during the rebuild is lost."""

        counts, new = {}, {}
        vocabulary = Vocabulary()
        try:
            for entity, model, where, load, build in (
                ("project", Project, Project.status.in_(PUBLIC_STATUSES), project_rows,
                 lambda batch: project_documents(batch, vocabulary)),
                ("profile", MemberProfile, True, profile_rows, profile_documents),
            ):
                name = new[entity] = self._create_index(entity)
                self.client.indices.put_alias(index=name, name=self.reindex_marker)
                ids = db.session.scalars(db.select(model.id).where(where).order_by(model.id)).all()
                counts[entity] = 0
                for start in range(0, len(ids), BATCH):
                    batch = ids[start:start + BATCH]
                    documents = build(load(batch[0], batch[-1]))
                    self._bulk([{"_op_type": "index", "_index": name, "_id": str(i),
                                 "_source": SOURCES[entity](d)} for i, d in documents.items()])
                    counts[entity] += len(documents)
                self.client.indices.refresh(index=name)
            actions, old = [], []
            for entity, name in new.items():
                for previous in self._indices_behind(entity):
                    actions.append({"remove": {"index": previous, "alias": self.alias(entity)}})
                    old.append(previous)
                actions.append({"add": {"index": name, "alias": self.alias(entity)}})
                actions.append({"remove": {"index": name, "alias": self.reindex_marker}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException:
            for name in new.values():  # the old indices still serve; drop the half-built ones
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for previous in old:
            self.client.indices.delete(index=previous, ignore_unavailable=True)
        self._bump()
        return counts

    def reindex_running(self):
        return bool(self.client.indices.exists_alias(name=self.reindex_marker))

    def indexed_ids(self, entity):
        ids, search_after = set(), None
        while True:
            body = {"query": {"match_all": {}}, "sort": [{"id": "asc"}], "size": 5000, "source": False}
            if search_after:
                body["search_after"] = search_after
            hits = self._search(entity, **body)["hits"]["hits"]
            if not hits:
                return ids
            ids.update(int(hit["_id"]) for hit in hits)
            search_after = hits[-1]["sort"]
