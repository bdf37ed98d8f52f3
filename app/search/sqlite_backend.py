"""The embedded engine: SQLite FTS5 tables in the application's own database file.

The index is written by the same transaction as the data it derives from, so it never lags and
never needs a server. Text is stored as Snowball stems (see app/search/text.py); a query stem
matches as a prefix, and a stem the index has never seen is replaced by the indexed words one
letter away from it.

Layout, for speed: ``search_projects`` and ``search_profiles`` hold only the small columns that
filters, facets and match scores read (a scan of 100,000 projects stays in a few megabytes);
multi-valued fields are kept as ",1,5," sets for ``instr``; the documents shown on a page live
apart in ``search_documents``. A search is one statement: the matching rows are materialized
once, then the page, the total and every facet count are read from them.
"""
import json
import math

from sqlalchemy import bindparam, text

from app.extensions import db
from app.search import matching
from app.search.backend import SearchBackend
from app.search.documents import Vocabulary, profile_documents, profile_rows, project_documents, project_rows
from app.search.query import KM_PER_DEGREE, NEED_KINDS, Hit, SearchResults
from app.search.text import FIRST_MATCH_WITHIN, MIN_FUZZY_LENGTH, index_text, query_stems, within_one_edit

# FTS5 column weights for bm25 (title, summary, body, places, skills): the title matters most.
COLUMN_WEIGHTS = (10.0, 4.0, 1.0, 3.0, 5.0)
BM25 = "bm25(search_projects_fts, " + ", ".join(str(w) for w in COLUMN_WEIGHTS) + ")"
BATCH = 1000

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_projects (
        project_id INTEGER PRIMARY KEY, region_id INTEGER, district_id INTEGER, municipality_id INTEGER,
        sector_id INTEGER, status TEXT, published_at TEXT, lat REAL, lon REAL, funding_progress REAL,
        languages TEXT, kinds TEXT, skills TEXT)""",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_place ON search_projects (region_id, district_id)",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_sector ON search_projects (sector_id)",
    "CREATE INDEX IF NOT EXISTS ix_search_projects_published ON search_projects (published_at)",
    """CREATE TABLE IF NOT EXISTS search_profiles (
        profile_id INTEGER PRIMARY KEY, region_id INTEGER, district_id INTEGER, municipality_id INTEGER,
        visibility TEXT, languages TEXT, updated_at TEXT, verified TEXT, sectors TEXT, lsgs TEXT)""",
    """CREATE TABLE IF NOT EXISTS search_documents (
        entity TEXT NOT NULL, entity_id INTEGER NOT NULL, title TEXT, document TEXT NOT NULL,
        PRIMARY KEY (entity, entity_id))""",
    """CREATE TABLE IF NOT EXISTS search_terms (
        entity TEXT NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL, entity_id INTEGER NOT NULL,
        PRIMARY KEY (entity, facet, value, entity_id)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS ix_search_terms_entity ON search_terms (entity, entity_id)",
    """CREATE TABLE IF NOT EXISTS search_windows (
        entity TEXT NOT NULL, entity_id INTEGER NOT NULL, skill_id INTEGER, starts_on TEXT NOT NULL,
        ends_on TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS ix_search_windows_entity ON search_windows (entity, entity_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_projects_fts USING fts5(
        title, summary, body, places, skills, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_projects_vocab USING fts5vocab(search_projects_fts, row)",
)
# A counter every write to the index moves on: pages cached for visitors key on it. Kept across
# reindexing, so a rebuilt index never takes an old number back.
STATE = (
    "CREATE TABLE IF NOT EXISTS search_state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO search_state (id, generation) VALUES (1, 0)",
)
DROP = (
    "DROP TABLE IF EXISTS search_projects_vocab", "DROP TABLE IF EXISTS search_projects_fts",
    "DROP TABLE IF EXISTS search_windows", "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_documents", "DROP TABLE IF EXISTS search_profiles",
    "DROP TABLE IF EXISTS search_projects",
)


def not_an_index_table(obj, name, type_, reflected, compare_to):
    """For Alembic: the embedded index's tables are made by the migration on SQLite only and are
    not models; comparing models with the database leaves them out."""
    return not (type_ == "table" and reflected and compare_to is None and name.startswith("search_"))


def _set(values):
    """A set as text, ",a,b,", tested with instr(column, ',a,')."""
    return "," + ",".join(str(v) for v in values) + "," if values else ""


def _has_any(column, values):
    """SQL: the set column holds one of values (only ints and words: never user text)."""
    return "(" + " OR ".join(f"instr({column}, ',{value},') > 0" for value in values) + ")" if values else "0"


def _ints(values):
    return [int(v) for v in values]


def _insert(sql, rows):
    """Many rows at once, straight to the driver: bulk writes skip SQLAlchemy's per-row work."""
    if rows:
        db.session.connection().exec_driver_sql(sql, rows)


def _execute(sql, params=None, expanding=()):
    statement = text(sql)
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return db.session.execute(statement, params or {})


def _fts_phrase(term):
    return '"' + term.replace('"', "") + '"'


def _distance2(table):
    """Squared distance in degrees of latitude (equirectangular: exact enough within a country)."""
    return (f"(({table}.lat - :lat) * ({table}.lat - :lat) "
            f"+ ({table}.lon - :lon) * :coslat * ({table}.lon - :lon) * :coslat)")


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
            self._insert_projects([documents[i] for i in projects if i in documents])
        if profiles:
            found = db.session.scalars(db.select(MemberProfile).where(MemberProfile.id.in_(profiles))).all()
            documents = profile_documents(found)
            for profile_id in profiles:
                self.delete_profile(profile_id)
            self._insert_profiles([documents[i] for i in profiles if i in documents])
        if projects or profiles:
            self._bump()

    def generation(self):
        return _execute("SELECT generation FROM search_state").scalar()

    def _bump(self):
        _execute("UPDATE search_state SET generation = generation + 1")

    def push(self, projects=(), profiles=()):
        """Outbox sync jobs left from a time on Elasticsearch: the embedded index syncs itself."""
        self.sync(projects, profiles)

    def index_project(self, document):
        self.delete_project(document["id"])
        self._insert_projects([document])

    def _insert_projects(self, documents):
        if not documents:
            return
        _insert(
            """INSERT INTO search_projects (project_id, region_id, district_id, municipality_id, sector_id,
                   status, published_at, lat, lon, funding_progress, languages, kinds, skills)
               VALUES (:id, :region_id, :district_id, :municipality_id, :sector_id, :status, :published_at,
                   :lat, :lon, :funding_progress, :languages, :kinds, :skills)""",
            [{**d, "languages": _set(d["languages"]), "kinds": _set(d["need_kinds"]), "skills": _set(d["skill_ids"])}
             for d in documents],
        )
        # Pages show a snippet from the start of the body only (text.FIRST_MATCH_WITHIN): the rest
        # is searched through the FTS table and need not be stored twice.
        self._insert_documents("project", [(d["id"], d["title"], {**d, "body": d["body"][:FIRST_MATCH_WITHIN]})
                                           for d in documents])
        _insert(
            """INSERT INTO search_projects_fts (rowid, title, summary, body, places, skills)
               VALUES (:id, :title, :summary, :body, :places, :skills)""",
            [{"id": d["id"], "title": index_text(d["title"]), "summary": index_text(d["summary"]),
              "body": index_text(d["body"]), "places": index_text(d["places"]),
              "skills": index_text(d["skill_names"])} for d in documents],
        )
        self._insert_terms("project", [("skill", s, d["id"]) for d in documents for s in d["skill_ids"]])
        self._insert_windows("project", [(d["id"], w["skill_id"], w["starts_on"], w["ends_on"])
                                         for d in documents for w in d["skill_windows"]])

    def _insert_documents(self, entity, rows):
        _insert("INSERT INTO search_documents (entity, entity_id, title, document) "
                 "VALUES (:entity, :id, :title, :document)",
                 [{"entity": entity, "id": i, "title": title, "document": json.dumps(d, ensure_ascii=False)}
                  for i, title, d in rows])

    def _insert_terms(self, entity, terms):
        if terms:
            _insert("INSERT OR IGNORE INTO search_terms (entity, facet, value, entity_id) "
                     "VALUES (:entity, :facet, :value, :id)",
                     [{"entity": entity, "facet": facet, "value": str(value), "id": i} for facet, value, i in terms])

    def _insert_windows(self, entity, windows):
        if windows:
            _insert("INSERT INTO search_windows (entity, entity_id, skill_id, starts_on, ends_on) "
                     "VALUES (:entity, :id, :skill_id, :starts_on, :ends_on)",
                     [{"entity": entity, "id": i, "skill_id": skill, "starts_on": start, "ends_on": end}
                      for i, skill, start, end in windows])

    def _delete(self, entity, table, column, entity_id):
        params = {"id": entity_id, "entity": entity}
        _execute(f"DELETE FROM {table} WHERE {column} = :id", params)
        _execute("DELETE FROM search_documents WHERE entity = :entity AND entity_id = :id", params)
        _execute("DELETE FROM search_terms WHERE entity = :entity AND entity_id = :id", params)
        _execute("DELETE FROM search_windows WHERE entity = :entity AND entity_id = :id", params)

    def delete_project(self, project_id):
        self._delete("project", "search_projects", "project_id", project_id)
        _execute("DELETE FROM search_projects_fts WHERE rowid = :id", {"id": project_id})

    def index_profile(self, document):
        self.delete_profile(document["id"])
        self._insert_profiles([document])

    def _insert_profiles(self, documents):
        if not documents:
            return
        _insert(
            """INSERT INTO search_profiles (profile_id, region_id, district_id, municipality_id, visibility,
                   languages, updated_at, verified, sectors, lsgs)
               VALUES (:id, :region_id, :district_id, :municipality_id, :visibility, :languages,
                   :updated_at, :verified, :sectors, :lsgs)""",
            [{**d, "languages": _set(d["languages"]), "verified": _set(d["verified_skill_ids"]),
              "sectors": _set(d["sector_ids"]), "lsgs": _set(d["lsg_ids"])} for d in documents],
        )
        self._insert_documents("profile", [(d["id"], None, d) for d in documents])
        self._insert_terms("profile", [("skill", s, d["id"]) for d in documents for s in d["skill_ids"]])
        self._insert_windows("profile", [(d["id"], None, w["starts_on"], w["ends_on"])
                                         for d in documents for w in d["windows"]])

    def delete_profile(self, profile_id):
        self._delete("profile", "search_profiles", "profile_id", profile_id)

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
        # Whole words only: a word whose beginning is one letter away is another word
        # ("мекеп" is not "мекендештер").
        near = [c for c in candidates if within_one_edit(term, c)]
        if not near:
            return _fts_phrase(term)
        return "(" + " OR ".join(_fts_phrase(c) for c in near[:20]) + ")"

    def fts_expression(self, stems):
        return " AND ".join(self._expand(s) for s in stems)

    def _where(self, query, stems, *, ranked):
        """SQL conditions on search_projects p, their parameters and expanding parameter names."""
        conditions, params, expanding = [], {}, []
        if stems:
            params["match"] = self.fts_expression(stems)
            if not ranked:  # ranked searches join the matches instead (see search)
                conditions.append("p.project_id IN (SELECT rowid FROM search_projects_fts "
                                  "WHERE search_projects_fts MATCH :match)")
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
        if query.kind:
            conditions.append(_has_any("p.kinds", [k for k in query.kind if k in NEED_KINDS]))
        if query.skill:
            conditions.append("p.project_id IN (SELECT entity_id FROM search_terms WHERE entity = 'project' "
                              "AND facet = 'skill' AND value IN :skill_values)")
            params["skill_values"] = [str(v) for v in query.skill]
            expanding.append("skill_values")
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
                conditions.append(f"{_distance2('p')} <= :r2")
        return " AND ".join(conditions) or "1", params, expanding

    @staticmethod
    def _order(query, ranked):
        """ORDER BY over the materialized matches m; ties go to the newer project."""
        if query.sort == "nearest" and query.origin:
            return f"{_distance2('m')}, m.project_id DESC"
        if query.sort == "funding":
            return "m.funding_progress IS NULL, m.funding_progress DESC, m.published_at DESC, m.project_id DESC"
        if ranked:
            return "m.rank, m.published_at DESC, m.project_id DESC"
        return "m.published_at DESC, m.project_id DESC"

    def search(self, query):
        stems = query_stems(query.q)
        ranked = bool(stems) and query.sort == "relevance"
        where, params, expanding = self._where(query, stems, ranked=ranked)
        columns = ("p.project_id, p.region_id, p.district_id, p.sector_id, p.status, p.kinds, p.published_at, "
                   "p.funding_progress, p.lat, p.lon")
        if ranked:
            matches = f"""h AS MATERIALIZED (SELECT rowid AS id, {BM25} AS rank FROM search_projects_fts
                              WHERE search_projects_fts MATCH :match),
                          m AS MATERIALIZED (SELECT {columns}, h.rank FROM h
                              JOIN search_projects p ON p.project_id = h.id WHERE {where})"""
        else:
            matches = f"m AS MATERIALIZED (SELECT {columns}, 0 AS rank FROM search_projects p WHERE {where})"
        parts = [
            f"""SELECT 'hit', project_id, -rank, pos FROM (
                    SELECT m.project_id, m.rank, row_number() OVER (ORDER BY {self._order(query, ranked)}) AS pos
                    FROM m) WHERE pos > :offset AND pos <= :offset + :limit""",
            "SELECT 'total', NULL, count(*), NULL FROM m",
        ]
        if query.with_facets:
            parts += [
                "SELECT 'region', region_id, count(*), NULL FROM m GROUP BY region_id",
                "SELECT 'district', district_id, count(*), NULL FROM m GROUP BY district_id",
                "SELECT 'sector', sector_id, count(*), NULL FROM m WHERE sector_id IS NOT NULL GROUP BY sector_id",
                "SELECT 'status', status, count(*), NULL FROM m GROUP BY status",
                *(f"SELECT 'kind', '{kind}', sum(instr(kinds, ',{kind},') > 0), NULL FROM m" for kind in NEED_KINDS),
                """SELECT 'skill', value, count(*), NULL FROM search_terms WHERE entity = 'project'
                       AND facet = 'skill' AND entity_id IN (SELECT project_id FROM m) GROUP BY value""",
            ]
        rows = _execute(f"WITH {matches} " + " UNION ALL ".join(parts),
                        {**params, "limit": query.per_page, "offset": query.offset}, expanding)
        facets = {name: {} for name in ("region", "district", "sector", "status", "kind", "skill")}
        hits, total = [], 0
        for kind, value, number, position in rows:
            if kind == "hit":
                hits.append((position, Hit(value, float(number or 0))))
            elif kind == "total":
                total = number
            elif number:
                facets[kind][value if kind in ("status", "kind") else int(value)] = number
        return SearchResults(total=total, hits=[hit for _, hit in sorted(hits, key=lambda h: h[0])],
                             facets=facets, query_stems=tuple(stems))

    def _documents(self, entity, ids):
        if not ids:
            return {}
        rows = _execute("SELECT entity_id, document FROM search_documents WHERE entity = :entity "
                        "AND entity_id IN :ids", {"entity": entity, "ids": list(ids)}, ("ids",))
        return {entity_id: json.loads(document) for entity_id, document in rows}

    def project_documents(self, ids):
        return self._documents("project", ids)

    def suggest(self, prefix, *, limit=8):
        stems = query_stems(prefix)
        if not stems:
            return []
        match = " AND ".join(f"title : {_fts_phrase(s)} *" for s in stems)
        return list(_execute(
            """SELECT d.title FROM search_projects_fts f
               JOIN search_projects p ON p.project_id = f.rowid
               JOIN search_documents d ON d.entity = 'project' AND d.entity_id = f.rowid
               WHERE search_projects_fts MATCH :match ORDER BY p.published_at DESC LIMIT :limit""",
            {"match": match, "limit": limit},
        ).scalars())

    # ------------------------------------------------------------ matching

    @staticmethod
    def _home(table, place):
        """SQL adding the weight of the closest home tie (municipality > district > region)."""
        region, district, municipality = place
        parts = [f"WHEN {table}.{column} = {int(value)} THEN {matching.WEIGHTS[level]}"
                 for level, column, value in (("home_municipality", "municipality_id", municipality),
                                              ("home_district", "district_id", district),
                                              ("home_region", "region_id", region)) if value]
        return f"(CASE {' '.join(parts)} ELSE 0 END)" if parts else "0"

    @staticmethod
    def _free(entity, id_column, windows, skills=()):
        """The availability weight when a window of the entity overlaps one of these (for a
        project: the window of a skill need for one of the member's skills)."""
        if not windows:
            return "0"
        ranges = " OR ".join(f"(w.starts_on <= '{end}' AND w.ends_on >= '{start}')" for start, end in windows)
        skill = f"AND w.skill_id IN ({','.join(str(s) for s in _ints(skills))}) " if skills else ""
        return (f"(CASE WHEN EXISTS (SELECT 1 FROM search_windows w WHERE w.entity = '{entity}' "
                f"AND w.entity_id = {id_column} {skill}AND ({ranges})) "
                f"THEN {matching.WEIGHTS['availability']} ELSE 0 END)")

    @staticmethod
    def _languages(column, languages):
        languages = [lang for lang in languages if lang.isalpha()]
        return f"(CASE WHEN {_has_any(column, languages)} THEN {matching.WEIGHTS['language']} ELSE 0 END)" \
            if languages else "0"

    def match_projects(self, subject, *, limit=20):
        if subject.is_empty:
            return []
        w = matching.WEIGHTS
        skills, verified = _ints(subject.skill_ids), _ints(subject.verified_skill_ids)
        sectors = ",".join(str(s) for s in _ints(subject.sector_ids)) or "NULL"
        base = " + ".join((
            f"(CASE WHEN {_has_any('p.skills', verified)} THEN {w['skill_verified']} "
            f"WHEN {_has_any('p.skills', skills)} THEN {w['skill']} ELSE 0 END)",
            self._home("p", (subject.region_id, subject.district_id, subject.municipality_id)),
            f"(CASE WHEN p.sector_id IN ({sectors}) THEN {w['sector']} ELSE 0 END)",
            self._languages("p.languages", subject.languages),
            f"(CASE WHEN p.published_at >= '{subject.fresh_since}' THEN {w['fresh']} ELSE 0 END)",
        ))
        region = int(subject.region_id) if subject.region_id else "NULL"
        skill_values = ",".join(f"'{s}'" for s in skills) or "NULL"
        rows = self._top(
            f"""SELECT p.project_id AS id, {base} AS base FROM search_projects p
                WHERE p.status = 'open' AND (p.region_id = {region} OR p.sector_id IN ({sectors})
                    OR p.project_id IN (SELECT entity_id FROM search_terms WHERE entity = 'project'
                                        AND facet = 'skill' AND value IN ({skill_values})))""",
            self._free("project", "c.id", subject.windows if skills else (), skills), "-c.id", limit, {},
        )
        return [(project_id, float(score)) for project_id, score in rows]

    @staticmethod
    def _top(candidates, free, tiebreak, limit, params):
        """The best `limit` candidates by base score plus the availability weight, best first.

        Availability needs a lookup per candidate, so it is only looked up for candidates that
        could still reach the top: those whose base score is at most its weight below the
        limit-th best base score. The answer is the same as scoring every candidate in full."""
        rows = _execute(
            f"""WITH c AS MATERIALIZED ({candidates}),
                     cut AS (SELECT base FROM c ORDER BY base DESC LIMIT 1 OFFSET :limit - 1)
                SELECT c.id, c.base + {free} AS score FROM c
                WHERE c.base >= coalesce((SELECT base FROM cut), 0) - :reach
                ORDER BY score DESC, {tiebreak} LIMIT :limit""",
            {**params, "limit": limit, "reach": matching.WEIGHTS["availability"] if free != "0" else 0},
        )
        return rows.all()

    def match_profiles(self, subject, *, limit=20):
        w = matching.WEIGHTS
        windows = ((subject.starts_on, subject.ends_on),) if subject.starts_on and subject.ends_on else ()
        skill = int(subject.skill_id)
        sector = (f"(CASE WHEN instr(s.sectors, ',{int(subject.sector_id)},') > 0 THEN {w['sector']} ELSE 0 END)"
                  if subject.sector_id else "0")
        base = " + ".join((
            f"(CASE WHEN instr(s.verified, ',{skill},') > 0 THEN {w['skill_verified']} ELSE {w['skill']} END)",
            self._home("s", (subject.region_id, subject.district_id, subject.municipality_id)),
            sector,
            self._languages("s.languages", subject.languages),
            f"(CASE WHEN s.updated_at >= '{subject.fresh_since}' THEN {w['fresh']} ELSE 0 END)",
        ))
        ranked = self._top(
            f"""SELECT s.profile_id AS id, {base} AS base
                FROM search_terms k JOIN search_profiles s ON s.profile_id = k.entity_id
                WHERE k.entity = 'profile' AND k.facet = 'skill' AND k.value = :skill
                  AND (s.visibility = 'public'
                       OR (s.visibility = 'pledged_lsgs' AND instr(s.lsgs, :lsg) > 0))""",
            self._free("profile", "c.id", windows), "c.id", limit,
            {"skill": str(skill), "lsg": f",{int(subject.lsg_id)},"},
        )
        documents = self._documents("profile", [profile_id for profile_id, _ in ranked])
        return [(profile_id, float(score), documents[profile_id]) for profile_id, score in ranked]

    # ------------------------------------------------------------ maintenance

    def reindex(self):
        """Drop and rebuild the index tables inside the caller's transaction."""
        from app.models import PUBLIC_STATUSES, MemberProfile, Project

        for statement in DROP + SCHEMA + STATE:
            _execute(statement)
        self._bump()
        counts = {"project": 0, "profile": 0}
        vocabulary = Vocabulary()
        # No incremental merging while loading: one merge at the end does the same work once.
        _execute("INSERT INTO search_projects_fts (search_projects_fts, rank) VALUES ('automerge', 0)")
        for entity, model, where, load, build, insert in (
            ("project", Project, Project.status.in_(PUBLIC_STATUSES), project_rows,
             lambda batch: project_documents(batch, vocabulary), self._insert_projects),
            ("profile", MemberProfile, True, profile_rows, profile_documents, self._insert_profiles),
        ):
            ids = db.session.scalars(db.select(model.id).where(where).order_by(model.id)).all()
            for start in range(0, len(ids), BATCH):
                batch = ids[start:start + BATCH]
                documents = build(load(batch[0], batch[-1]))
                insert(list(documents.values()))
                counts[entity] += len(documents)
        _execute("INSERT INTO search_projects_fts (search_projects_fts) VALUES ('optimize')")
        _execute("INSERT INTO search_projects_fts (search_projects_fts, rank) VALUES ('automerge', 4)")
        return counts

    def indexed_ids(self, entity):
        table, column = {"project": ("search_projects", "project_id"),
                         "profile": ("search_profiles", "profile_id")}[entity]
        ids = set(_execute(f"SELECT {column} FROM {table}").scalars())
        ids |= set(_execute("SELECT entity_id FROM search_documents WHERE entity = :entity",
                            {"entity": entity}).scalars())
        if entity == "project":
            ids |= set(_execute("SELECT rowid FROM search_projects_fts").scalars())
        return ids
