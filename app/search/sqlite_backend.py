"""The embedded engine: SQLite FTS5 tables in the application's own database file.

The index is written by the same transaction as the data it derives from, so it never lags and
never needs a server. Text is stored as Snowball stems (see app/search/text.py); a query stem
matches as a prefix, and a stem the index has never seen is replaced by the indexed words one
letter away from it. Filters and facets are plain SQL over a table of document fields.
"""
import json
import math

from sqlalchemy import bindparam, text

from app.extensions import db
from app.search import matching
from app.search.backend import SearchBackend
from app.search.documents import Vocabulary, profile_documents, project_documents
from app.search.query import KM_PER_DEGREE, Hit, SearchResults
from app.search.text import MIN_FUZZY_LENGTH, index_text, query_stems, within_one_edit

# FTS5 column weights for bm25 (title, summary, body, places, skills): the title matters most.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0, 3.0, 5.0)
BATCH = 500

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_projects (
        project_id INTEGER PRIMARY KEY, lsg_id INTEGER, region_id INTEGER, district_id INTEGER,
        municipality_id INTEGER, sector_id INTEGER, status TEXT, published_at TEXT, lat REAL, lon REAL,
        funding_progress REAL, languages TEXT, title TEXT, document TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_place ON search_projects (region_id, district_id)",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_sector ON search_projects (sector_id)",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_published ON search_projects (published_at)",
    """CREATE TABLE IF NOT EXISTS search_terms (
        entity TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, entity_id INTEGER NOT NULL,
        PRIMARY KEY (entity, facet, value, entity_id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_search_terms_entity ON search_terms (entity, entity_id)",
    """CREATE TABLE IF NOT EXISTS search_windows (
        entity TEXT NOT NULL, entity_id INTEGER NOT NULL, skill_id INTEGER, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_search_windows_entity ON search_windows (entity, entity_id)",
    """CREATE TABLE IF NOT EXISTS search_profiles (
        profile_id INTEGER PRIMARY KEY, region_id INTEGER, district_id INTEGER, municipality_id INTEGER,
        visibility TEXT, languages TEXT, updated_at TEXT, document TEXT)""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_projects_fts USING fts5(
        title, summary, body, places, skills, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_projects_vocab USING fts5vocab(search_projects_fts, row)",
)
DROP = (
    "DROP TABLE IF EXISTS search_projects_vocab", "DROP TABLE IF EXISTS search_projects_fts",
    "DROP TABLE IF EXISTS search_profiles", "DROP TABLE IF EXISTS search_windows",
    "DROP TABLE IF EXISTS search_terms", "DROP TABLE IF EXISTS search_projects",
)


def not_an_index_table(obj, name, type_, reflected, compare_to):
    """For Alembic: the embedded index's tables are made by the migration on SQLite only and are
    not models; comparing models with the database leaves them out."""
    return not (type_ == "table" and reflected and compare_to is None and name.startswith("search_"))


def _languages(values):
    return "," + ",".join(values) + "," if values else ""


def _execute(sql, params=None, expanding=()):
    statement = text(sql)
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return db.session.execute(statement, params or {})


def _fts_phrase(term):
    return '"' + term.replace('"', "") + '"'


class SqliteBackend(SearchBackend):
    name = "sqlite"

    def __init__(self, app=None):
        self.app = app

    # ------------------------------------------------------------ writes

    def sync(self, projects=(), profiles=()):
        from app.models import MemberProfile, Project

        if projects:
            found = db.session.scalars(db.select(Project).where(Project.id.in_(projects))).all()
            documents = project_documents(found)
            for project_id in projects:
                self.delete_project(project_id)
                if project_id in documents:
                    self.index_project(documents[project_id])
        if profiles:
            found = db.session.scalars(db.select(MemberProfile).where(MemberProfile.id.in_(profiles))).all()
            documents = profile_documents(found)
            for profile_id in profiles:
                self.delete_profile(profile_id)
                if profile_id in documents:
                    self.index_profile(documents[profile_id])

    def index_project(self, document):
        self.delete_project(document["id"])
        self._insert_projects([document])

    def _insert_projects(self, documents):
        if not documents:
            return
        _execute(
            """INSERT INTO search_projects (project_id, lsg_id, region_id, district_id, municipality_id,
                   sector_id, status, published_at, lat, lon, funding_progress, languages, title, document)
               VALUES (:id, :lsg_id, :region_id, :district_id, :municipality_id, :sector_id, :status,
                   :published_at, :lat, :lon, :funding_progress, :languages, :title, :document)""",
            [{**d, "languages": _languages(d["languages"]), "document": json.dumps(d, ensure_ascii=False)}
             for d in documents],
        )
        _execute(
            """INSERT INTO search_projects_fts (rowid, title, summary, body, places, skills)
               VALUES (:id, :title, :summary, :body, :places, :skills)""",
            [{"id": d["id"], "title": index_text(d["title"]), "summary": index_text(d["summary"]),
              "body": index_text(d["body"]), "places": index_text(d["places"]),
              "skills": index_text(d["skill_names"])} for d in documents],
        )
        terms = [{"facet": "kind", "value": kind, "id": d["id"]} for d in documents for kind in d["need_kinds"]]
        terms += [{"facet": "skill", "value": str(s), "id": d["id"]} for d in documents for s in d["skill_ids"]]
        self._insert_terms("project", terms)
        self._insert_windows("project", [{"id": d["id"], **w} for d in documents for w in d["skill_windows"]])

    def _insert_terms(self, entity, terms):
        if terms:
            _execute("INSERT OR IGNORE INTO search_terms (entity, facet, value, entity_id) "
                     "VALUES (:entity, :facet, :value, :id)", [{**t, "entity": entity} for t in terms])

    def _insert_windows(self, entity, windows):
        if windows:
            _execute("INSERT INTO search_windows (entity, entity_id, skill_id, starts_on, ends_on) "
                     "VALUES (:entity, :id, :skill_id, :starts_on, :ends_on)",
                     [{"skill_id": None, **w, "entity": entity} for w in windows])

    def delete_project(self, project_id):
        params = {"id": project_id}
        _execute("DELETE FROM search_projects WHERE project_id = :id", params)
        _execute("DELETE FROM search_projects_fts WHERE rowid = :id", params)
        _execute("DELETE FROM search_terms WHERE entity = 'project' AND entity_id = :id", params)
        _execute("DELETE FROM search_windows WHERE entity = 'project' AND entity_id = :id", params)

    def index_profile(self, document):
        self.delete_profile(document["id"])
        self._insert_profiles([document])

    def _insert_profiles(self, documents):
        if not documents:
            return
        _execute(
            """INSERT INTO search_profiles (profile_id, region_id, district_id, municipality_id, visibility,
                   languages, updated_at, document)
               VALUES (:id, :region_id, :district_id, :municipality_id, :visibility, :languages,
                   :updated_at, :document)""",
            [{**d, "languages": _languages(d["languages"]), "document": json.dumps(d, ensure_ascii=False)}
             for d in documents],
        )
        terms = []
        for d in documents:
            for facet, key in (("skill", "skill_ids"), ("verified", "verified_skill_ids"),
                               ("sector", "sector_ids"), ("lsg", "lsg_ids")):
                terms += [{"facet": facet, "value": str(v), "id": d["id"]} for v in d[key]]
        self._insert_terms("profile", terms)
        self._insert_windows("profile", [{"id": d["id"], **w} for d in documents for w in d["windows"]])

    def delete_profile(self, profile_id):
        params = {"id": profile_id}
        _execute("DELETE FROM search_profiles WHERE profile_id = :id", params)
        _execute("DELETE FROM search_terms WHERE entity = 'profile' AND entity_id = :id", params)
        _execute("DELETE FROM search_windows WHERE entity = 'profile' AND entity_id = :id", params)

    def push(self, projects=(), profiles=()):
        """Outbox sync jobs left from a time on Elasticsearch: the embedded index syncs itself."""
        self.sync(projects, profiles)

    # ------------------------------------------------------------ search

    def _expand(self, term):
        """The FTS5 expression for one query stem: the stem as a prefix, or, when the index has no
        word starting with it, the indexed words one letter away."""
        if _execute("SELECT 1 FROM search_projects_vocab WHERE term >= :t AND term < :end LIMIT 1",
                    {"t": term, "end": term + "\uffff"}).first():
            return _fts_phrase(term) + " *"
        if len(term) < MIN_FUZZY_LENGTH:
            return _fts_phrase(term) + " *"
        candidates = _execute("SELECT term FROM search_projects_vocab WHERE term >= :a AND term < :b",
                              {"a": term[0], "b": term[0] + "\uffff"}).scalars()
        near = [c for c in candidates if within_one_edit(term, c) or within_one_edit(term, c[:len(term)])]
        if not near:
            return _fts_phrase(term)
        return "(" + " OR ".join(_fts_phrase(c) for c in near[:20]) + ")"

    def fts_expression(self, stems):
        return " AND ".join(self._expand(s) for s in stems)

    def _where(self, query, stems):
        """SQL conditions, parameters and expanding parameter names for a query's filters."""
        conditions, params, expanding = [], {}, []
        if stems:
            conditions.append("p.project_id IN (SELECT rowid FROM search_projects_fts "
                              "WHERE search_projects_fts MATCH :match)")
            params["match"] = self.fts_expression(stems)
        for name in ("region", "district", "municipality"):
            if getattr(query, name):
                conditions.append(f"p.{name}_id = :{name}")
                params[name] = getattr(query, name)
        if query.sector:
            conditions.append("p.sector_id IN :sectors")
            params["sectors"] = list(query.sector)
            expanding.append("sectors")
        if query.status:
            conditions.append("p.status IN :statuses")
            params["statuses"] = list(query.status)
            expanding.append("statuses")
        for facet, values in (("kind", query.kind), ("skill", query.skill)):
            if values:
                conditions.append(
                    f"p.project_id IN (SELECT entity_id FROM search_terms WHERE entity = 'project' "
                    f"AND facet = '{facet}' AND value IN :{facet}_values)")
                params[f"{facet}_values"] = [str(v) for v in values]
                expanding.append(f"{facet}_values")
        if query.ids:
            conditions.append("p.project_id IN :ids")
            params["ids"] = list(query.ids)
            expanding.append("ids")
        if query.origin:
            lat, lon = query.origin
            params.update(lat=lat, lon=lon, coslat=math.cos(math.radians(lat)))
            if query.near:
                degrees = query.km / KM_PER_DEGREE
                params.update(dlat=degrees, dlon=degrees / params["coslat"], r2=degrees * degrees)
                conditions.append("p.lat BETWEEN :lat - :dlat AND :lat + :dlat")
                conditions.append("p.lon BETWEEN :lon - :dlon AND :lon + :dlon")
                conditions.append(f"{self.DISTANCE2} <= :r2")
        return " AND ".join(conditions) or "1", params, expanding

    # Squared distance in degrees of latitude (equirectangular: exact enough within a country).
    DISTANCE2 = "((p.lat - :lat) * (p.lat - :lat) + (p.lon - :lon) * :coslat * (p.lon - :lon) * :coslat)"

    def search(self, query):
        stems = query_stems(query.q)
        where, params, expanding = self._where(query, stems)
        facets = {name: {} for name in ("region", "district", "sector", "status", "kind", "skill")}
        total = 0
        if query.with_facets:
            rows = _execute(
                f"""WITH m AS MATERIALIZED (
                        SELECT p.project_id, p.region_id, p.district_id, p.sector_id, p.status
                        FROM search_projects p WHERE {where})
                    SELECT 'total', NULL, count(*) FROM m
                    UNION ALL SELECT 'region', region_id, count(*) FROM m GROUP BY region_id
                    UNION ALL SELECT 'district', district_id, count(*) FROM m GROUP BY district_id
                    UNION ALL SELECT 'sector', sector_id, count(*) FROM m
                        WHERE sector_id IS NOT NULL GROUP BY sector_id
                    UNION ALL SELECT 'status', status, count(*) FROM m GROUP BY status
                    UNION ALL SELECT t.facet, t.value, count(*) FROM m JOIN search_terms t
                        ON t.entity = 'project' AND t.entity_id = m.project_id GROUP BY t.facet, t.value""",
                params, expanding,
            )
            for facet, value, count in rows:
                if facet == "total":
                    total = count
                else:
                    facets[facet][int(value) if facet not in ("status", "kind") else value] = count
        else:
            total = _execute(f"SELECT count(*) FROM search_projects p WHERE {where}", params, expanding).scalar()
        order, score = self._order(query, stems, params)
        page = _execute(
            f"""SELECT p.project_id, {score} AS score FROM search_projects p
                {"JOIN search_projects_fts f ON f.rowid = p.project_id AND search_projects_fts MATCH :match"
                 if stems and query.sort == "relevance" else ""}
                WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset""",
            {**params, "limit": query.per_page, "offset": query.offset}, expanding,
        )
        hits = [Hit(project_id, float(score or 0)) for project_id, score in page]
        return SearchResults(total=total, hits=hits, facets=facets, query_stems=tuple(stems))

    def _order(self, query, stems, params):
        sort = query.sort
        if sort == "nearest" and query.origin:
            return f"{self.DISTANCE2}, p.project_id DESC", "0"
        if sort == "funding":
            return ("p.funding_progress IS NULL, p.funding_progress DESC, p.published_at DESC, "
                    "p.project_id DESC"), "0"
        if sort == "relevance" and stems:
            weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
            return (f"bm25(search_projects_fts, {weights}), p.published_at DESC, p.project_id DESC",
                    f"-bm25(search_projects_fts, {weights})")
        return "p.published_at DESC, p.project_id DESC", "0"

    def project_documents(self, ids):
        if not ids:
            return {}
        rows = _execute("SELECT project_id, document FROM search_projects WHERE project_id IN :ids",
                        {"ids": list(ids)}, ("ids",))
        return {project_id: json.loads(document) for project_id, document in rows}

    def suggest(self, prefix, *, limit=8):
        stems = query_stems(prefix)
        if not stems:
            return []
        match = " AND ".join(f"title : {_fts_phrase(s)} *" for s in stems)
        return list(_execute(
            """SELECT p.title FROM search_projects_fts f JOIN search_projects p ON p.project_id = f.rowid
               WHERE search_projects_fts MATCH :match ORDER BY p.published_at DESC LIMIT :limit""",
            {"match": match, "limit": limit},
        ).scalars())

    # ------------------------------------------------------------ matching

    @staticmethod
    def _levels(prefix, subject_place, columns):
        """SQL adding the weight of the closest home tie (municipality > district > region)."""
        parts = []
        for level, (value, column) in zip(
            ("home_municipality", "home_district", "home_region"), zip(reversed(subject_place), columns)
        ):
            if value:
                parts.append(f"WHEN {prefix}.{column} = {int(value)} THEN {matching.WEIGHTS[level]}")
        return f"(CASE {' '.join(parts)} ELSE 0 END)" if parts else "0"

    @staticmethod
    def _windows_overlap(entity, id_column, windows, skills=None):
        """The availability weight when a window of the entity overlaps one of these (for a
        project: a window of a skill need for one of the member's skills)."""
        if not windows:
            return "0"
        ranges = " OR ".join(
            f"(w.starts_on <= '{end}' AND w.ends_on >= '{start}')" for start, end in windows
        )
        skill = f"AND w.skill_id IN ({skills}) " if skills else ""
        return (f"(CASE WHEN EXISTS (SELECT 1 FROM search_windows w WHERE w.entity = '{entity}' "
                f"AND w.entity_id = {id_column} {skill}AND ({ranges})) "
                f"THEN {matching.WEIGHTS['availability']} ELSE 0 END)")

    @staticmethod
    def _languages_shared(column, languages):
        if not languages:
            return "0"
        found = " OR ".join(f"instr({column}, ',{lang},') > 0" for lang in languages if lang.isalpha())
        return f"(CASE WHEN {found} THEN {matching.WEIGHTS['language']} ELSE 0 END)"

    def match_projects(self, subject, *, limit=20):
        if subject.is_empty:
            return []
        w = matching.WEIGHTS
        skills = ",".join(f"'{int(s)}'" for s in subject.skill_ids) or "''"
        verified = ",".join(f"'{int(s)}'" for s in subject.verified_skill_ids) or "''"
        sectors = ",".join(str(int(s)) for s in subject.sector_ids) or "NULL"
        has_skill = ("EXISTS (SELECT 1 FROM search_terms t WHERE t.entity = 'project' AND t.facet = 'skill' "
                     "AND t.entity_id = p.project_id AND t.value IN ({}))")
        windows = subject.windows if subject.skill_ids else ()
        score = " + ".join((
            f"(CASE WHEN {has_skill.format(verified)} THEN {w['skill_verified']} "
            f"WHEN {has_skill.format(skills)} THEN {w['skill']} ELSE 0 END)",
            self._levels("p", (subject.region_id, subject.district_id, subject.municipality_id),
                         ("municipality_id", "district_id", "region_id")),
            f"(CASE WHEN p.sector_id IN ({sectors}) THEN {w['sector']} ELSE 0 END)",
            self._windows_overlap("project", "p.project_id", windows,
                                  ",".join(str(int(s)) for s in subject.skill_ids)),
            self._languages_shared("p.languages", subject.languages),
            f"(CASE WHEN p.published_at >= '{subject.fresh_since}' THEN {w['fresh']} ELSE 0 END)",
        ))
        region = int(subject.region_id) if subject.region_id else "NULL"
        rows = _execute(
            f"""SELECT p.project_id, {score} AS score FROM search_projects p
                WHERE p.status = 'open' AND (p.region_id = {region} OR p.sector_id IN ({sectors})
                    OR p.project_id IN (SELECT entity_id FROM search_terms WHERE entity = 'project'
                                        AND facet = 'skill' AND value IN ({skills})))
                ORDER BY score DESC, p.project_id DESC LIMIT :limit""",
            {"limit": limit},
        )
        return [(project_id, float(score)) for project_id, score in rows]

    def match_profiles(self, subject, *, limit=20):
        w = matching.WEIGHTS
        windows = ((subject.starts_on, subject.ends_on),) if subject.starts_on and subject.ends_on else ()
        sector = (f"(CASE WHEN EXISTS (SELECT 1 FROM search_terms t WHERE t.entity = 'profile' "
                  f"AND t.facet = 'sector' AND t.entity_id = s.profile_id AND t.value = '{int(subject.sector_id)}') "
                  f"THEN {w['sector']} ELSE 0 END)") if subject.sector_id else "0"
        score = " + ".join((
            f"(CASE WHEN EXISTS (SELECT 1 FROM search_terms t WHERE t.entity = 'profile' AND t.facet = 'verified' "
            f"AND t.entity_id = s.profile_id AND t.value = :skill) THEN {w['skill_verified']} ELSE {w['skill']} END)",
            self._levels("s", (subject.region_id, subject.district_id, subject.municipality_id),
                         ("municipality_id", "district_id", "region_id")),
            sector,
            self._windows_overlap("profile", "s.profile_id", windows),
            self._languages_shared("s.languages", subject.languages),
            f"(CASE WHEN s.updated_at >= '{subject.fresh_since}' THEN {w['fresh']} ELSE 0 END)",
        ))
        rows = _execute(
            f"""SELECT s.profile_id, {score} AS score, s.document
                FROM search_terms k JOIN search_profiles s ON s.profile_id = k.entity_id
                WHERE k.entity = 'profile' AND k.facet = 'skill' AND k.value = :skill
                  AND (s.visibility = 'public' OR (s.visibility = 'pledged_lsgs' AND EXISTS (
                      SELECT 1 FROM search_terms l WHERE l.entity = 'profile' AND l.facet = 'lsg'
                      AND l.entity_id = s.profile_id AND l.value = :lsg)))
                ORDER BY score DESC, s.profile_id LIMIT :limit""",
            {"skill": str(subject.skill_id), "lsg": str(subject.lsg_id), "limit": limit},
        )
        return [(profile_id, float(score), json.loads(document)) for profile_id, score, document in rows]

    # ------------------------------------------------------------ maintenance

    def reindex(self):
        """Drop and rebuild the index tables inside the caller's transaction."""
        from app.models import MemberProfile, Project, PUBLIC_STATUSES

        for statement in DROP + SCHEMA:
            _execute(statement)
        counts = {"project": 0, "profile": 0}
        vocabulary = Vocabulary()
        project_ids = db.session.scalars(
            db.select(Project.id).where(Project.status.in_(PUBLIC_STATUSES)).order_by(Project.id)
        ).all()
        for start in range(0, len(project_ids), BATCH):
            batch = db.session.scalars(
                db.select(Project).where(Project.id.in_(project_ids[start:start + BATCH]))
            ).all()
            documents = project_documents(batch, vocabulary)
            self._insert_projects(list(documents.values()))
            counts["project"] += len(documents)
            db.session.expunge_all()
        profile_ids = db.session.scalars(db.select(MemberProfile.id).order_by(MemberProfile.id)).all()
        for start in range(0, len(profile_ids), BATCH):
            batch = db.session.scalars(
                db.select(MemberProfile).where(MemberProfile.id.in_(profile_ids[start:start + BATCH]))
            ).all()
            documents = profile_documents(batch)
            self._insert_profiles(list(documents.values()))
            counts["profile"] += len(documents)
            db.session.expunge_all()
        _execute("INSERT INTO search_projects_fts (search_projects_fts) VALUES ('optimize')")
        return counts

    def indexed_ids(self, entity):
        table, column = {"project": ("search_projects", "project_id"),
                         "profile": ("search_profiles", "profile_id")}[entity]
        ids = set(_execute(f"SELECT {column} FROM {table}").scalars())
        if entity == "project":
            ids |= set(_execute("SELECT rowid FROM search_projects_fts").scalars())
        return ids
