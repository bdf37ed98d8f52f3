"""The embedded engine's tables: their schema, and the statements that write them.

Layout, for speed: ``search_projects`` and ``search_profiles`` hold only the small columns that
filters, facets and match scores read (a scan of 100,000 projects stays in a few megabytes);
multi-valued fields are kept as ",1,5," sets for ``instr``; the documents shown on a page live
apart in ``search_documents``; ``search_projects_fts`` holds the stemmed text (app/search/text.py).
"""
import json

from sqlalchemy import bindparam, text

from app.extensions import db
from app.models._common import driver_rows
from app.search.text import FIRST_MATCH_WITHIN, index_names, index_text

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_projects (
        project_id INTEGER PRIMARY KEY, region_id INTEGER, district_id INTEGER, municipality_id INTEGER,
        sector_id INTEGER, status TEXT, published_at TEXT, lat REAL, lon REAL, funding_progress REAL,
        languages TEXT, kinds TEXT, skills TEXT, generation INTEGER NOT NULL DEFAULT 0)""",
    # The generation that wrote the row: processes read again only the rows written since they last did.
    "CREATE INDEX IF NOT EXISTS ix_search_projects_generation ON search_projects (generation)",
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


def as_set(values):
    """A set as text, ",a,b,", tested with instr(column, ',a,')."""
    return "," + ",".join(str(v) for v in values) + "," if values else ""


def has_any(column, values):
    """SQL: the set column holds one of values (only ints and words: never user text)."""
    return "(" + " OR ".join(f"instr({column}, ',{value},') > 0" for value in values) + ")" if values else "0"


def ints(values):
    return [int(v) for v in values]


def insert_many(sql, rows):
    """Many rows at once, straight to the driver: bulk writes skip SQLAlchemy's per-row work."""
    if rows:
        db.session.connection().exec_driver_sql(sql, rows)


def execute(sql, params=None, expanding=()):
    statement = text(sql)
    if expanding:
        statement = statement.bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return db.session.execute(statement, params or {})


def fts_phrase(term):
    return '"' + term.replace('"', "") + '"'


# ---------------------------------------------------------------- writes


def generation():
    return driver_rows("SELECT generation FROM search_state")[0][0]


def bump():
    execute("UPDATE search_state SET generation = generation + 1")


def insert_projects(documents):
    if not documents:
        return
    # Positional rows: the driver binds a tuple faster than a dict of named parameters.
    insert_many(
        """INSERT INTO search_projects (project_id, region_id, district_id, municipality_id, sector_id,
               status, published_at, lat, lon, funding_progress, languages, kinds, skills, generation)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT generation + 1 FROM search_state))""",
        [(d["id"], d["region_id"], d["district_id"], d["municipality_id"], d["sector_id"], d["status"],
          d["published_at"], d["lat"], d["lon"], d["funding_progress"], as_set(d["languages"]),
          as_set(d["need_kinds"]), as_set(d["skill_ids"])) for d in documents],
    )
    # Pages show a snippet from the start of the body only (text.FIRST_MATCH_WITHIN): the rest
    # is searched through the FTS table and need not be stored twice.
    insert_documents("project", [(d["id"], d["title"], {**d, "body": d["body"][:FIRST_MATCH_WITHIN]})
                                 for d in documents])
    # Places and skills are the same few texts over and over: their stems are remembered.
    insert_many(
        "INSERT INTO search_projects_fts (rowid, title, summary, body, places, skills) VALUES (?, ?, ?, ?, ?, ?)",
        [(d["id"], index_text(d["title"]), index_text(d["summary"]), index_text(d["body"]),
          index_names(d["places"]), index_names(d["skill_names"])) for d in documents],
    )
    insert_terms("project", [("skill", s, d["id"]) for d in documents for s in d["skill_ids"]])
    insert_windows("project", [(d["id"], w["skill_id"], w["starts_on"], w["ends_on"])
                               for d in documents for w in d["skill_windows"]])


def insert_documents(entity, rows):
    insert_many("INSERT INTO search_documents (entity, entity_id, title, document) VALUES (?, ?, ?, ?)",
                [(entity, i, title, json.dumps(d, ensure_ascii=False)) for i, title, d in rows])


def insert_terms(entity, terms):
    if terms:
        insert_many("INSERT OR IGNORE INTO search_terms (entity, facet, value, entity_id) VALUES (?, ?, ?, ?)",
                    [(entity, facet, str(value), i) for facet, value, i in terms])


def insert_windows(entity, windows):
    if windows:
        insert_many("INSERT INTO search_windows (entity, entity_id, skill_id, starts_on, ends_on) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(entity, i, skill, start, end) for i, skill, start, end in windows])


def delete_entity(entity, table, column, entity_id):
    params = {"id": entity_id, "entity": entity}
    execute(f"DELETE FROM {table} WHERE {column} = :id", params)
    execute("DELETE FROM search_documents WHERE entity = :entity AND entity_id = :id", params)
    execute("DELETE FROM search_terms WHERE entity = :entity AND entity_id = :id", params)
    execute("DELETE FROM search_windows WHERE entity = :entity AND entity_id = :id", params)


def delete_project(project_id):
    delete_entity("project", "search_projects", "project_id", project_id)
    execute("DELETE FROM search_projects_fts WHERE rowid = :id", {"id": project_id})


def insert_profiles(documents):
    if not documents:
        return
    insert_many(
        """INSERT INTO search_profiles (profile_id, region_id, district_id, municipality_id, visibility,
               languages, updated_at, verified, sectors, lsgs)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [(d["id"], d["region_id"], d["district_id"], d["municipality_id"], d["visibility"],
          as_set(d["languages"]), d["updated_at"], as_set(d["verified_skill_ids"]), as_set(d["sector_ids"]),
          as_set(d["lsg_ids"])) for d in documents],
    )
    insert_documents("profile", [(d["id"], None, d) for d in documents])
    insert_terms("profile", [("skill", s, d["id"]) for d in documents for s in d["skill_ids"]])
    insert_windows("profile", [(d["id"], None, w["starts_on"], w["ends_on"])
                               for d in documents for w in d["windows"]])


def delete_profile(profile_id):
    delete_entity("profile", "search_profiles", "profile_id", profile_id)


# ---------------------------------------------------------------- reads


def documents(entity, ids):
    """{id: document} of the stored documents of one kind among ids."""
    if not ids:
        return {}
    rows = execute("SELECT entity_id, document FROM search_documents WHERE entity = :entity "
                   "AND entity_id IN :ids", {"entity": entity, "ids": list(ids)}, ("ids",))
    return {entity_id: json.loads(document) for entity_id, document in rows}
