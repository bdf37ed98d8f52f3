"""The embedded engine: SQLite FTS5 tables in the application's own database file.

The index is written by the same transaction as the data it derives from, so it never lags and
never needs a server. Text is stored as Snowball stems (see app/search/text.py); a query stem
matches as a prefix, and a stem the index has never seen is replaced by the indexed words one
letter away from it. Each word may also match its translations and Latin readings
(app/search/vocabulary.py), ranked after matches of the words as typed.

The tables and the statements that write them are in app/search/sqlite_tables.py. A search asks
SQLite for the rows its words MATCH (with bm25 when ranked by relevance); the filters, the total,
the facet counts and the page are computed over this process's column arrays of the index
(app/search/sqlite_columns.py).
"""
import gc

import numpy as np

from app.extensions import db
from app.models import PUBLIC_STATUSES, MemberProfile, Project
from app.search import matching, sqlite_columns
from app.search import sqlite_tables as tables
from app.search.backend import SearchBackend
from app.search.cache import cached
from app.search.documents import Vocabulary, profile_documents, profile_rows, project_documents, project_rows
from app.search.query import FACETS, Hit, SearchResults
from app.search.sqlite_tables import DROP, SCHEMA, STATE, execute, fts_phrase, has_any, ints
from app.search.text import MIN_FUZZY_LENGTH, query_stems, within_one_edit
from app.search.vocabulary import highlight_stems, query_groups

# bm25 column weights, in the FTS table's column order (title, summary, body, places, skills).
COLUMN_WEIGHTS = tuple(float(w) for w in matching.TEXT_WEIGHTS.values())
BM25 = "bm25(search_projects_fts, " + ", ".join(str(w) for w in COLUMN_WEIGHTS) + ")"
BATCH = 2000
REINDEX_CACHE_KB = -65536  # 64 MB (negative: KiB, as PRAGMA cache_size takes it)


def _no_facets():
    return {name: {} for name in FACETS}


class SqliteBackend(SearchBackend):
    name = "sqlite"

    # ------------------------------------------------------------ writes

    def sync(self, projects=(), profiles=()):
        """The embedded index is written by the same transaction as the data: sync writes now."""
        self.push(projects, profiles)

    def push(self, projects=(), profiles=()):
        if projects:
            found = db.session.scalars(db.select(Project).where(Project.id.in_(projects))).all()
            documents = project_documents(found)
            for project_id in projects:
                tables.delete_project(project_id)
            tables.insert_projects([documents[i] for i in projects if i in documents])
        if profiles:
            found = db.session.scalars(db.select(MemberProfile).where(MemberProfile.id.in_(profiles))).all()
            documents = profile_documents(found)
            for profile_id in profiles:
                tables.delete_profile(profile_id)
            tables.insert_profiles([documents[i] for i in profiles if i in documents])
        if projects or profiles:
            tables.bump()

    def generation(self):
        return tables.generation()

    # ------------------------------------------------------------ search

    def _expand(self, term):
        """The FTS5 expression for one query stem: the stem as a prefix, or, when the index has no
        word starting with it, the indexed words one letter away. Remembered until the index changes."""
        return cached("expansions", (tables.generation(), term), lambda: self._expansion(term))

    @staticmethod
    def _expansion(term):
        if execute("SELECT 1 FROM search_projects_vocab WHERE term >= :t AND term < :end LIMIT 1",
                   {"t": term, "end": term + "\uffff"}).first():
            return fts_phrase(term) + " *"
        if len(term) < MIN_FUZZY_LENGTH:
            return fts_phrase(term) + " *"
        candidates = execute("SELECT term FROM search_projects_vocab WHERE term >= :a AND term < :b "
                             "AND length(term) BETWEEN :shortest AND :longest",
                             {"a": term[0], "b": term[0] + "\uffff", "shortest": len(term) - 1,
                              "longest": len(term) + 1}).scalars()
        # Whole words only: a word whose beginning is one letter away is another word
        # ("мекеп" is not "мекендештер").
        near = [c for c in candidates if within_one_edit(term, c)]
        if not near:
            return fts_phrase(term)
        return "(" + " OR ".join(fts_phrase(c) for c in near[:20]) + ")"

    def fts_expression(self, stems):
        return " AND ".join(self._expand(s) for s in stems)

    def _typed_expression(self, group):
        return self.fts_expression(group.typed.stems)

    def _group_expression(self, group):
        """A group matches its stems as typed (prefix and typo rules) or any alternative: another
        language's variant or a Latin word's Cyrillic reading, as a phrase whose last word is a prefix."""
        typed = self._typed_expression(group)
        if not group.expanded:
            return typed
        others = [fts_phrase(" ".join(a.stems)) + " *" for a in group.alternatives[1:]]
        return "(" + " OR ".join([f"({typed})", *others]) + ")"

    def match_expressions(self, groups):
        """The FTS5 expression of a query's groups, and the one matching its words as typed only
        (None when nothing was expanded): exact-language matches rank first."""
        match = " AND ".join(self._group_expression(g) for g in groups)
        exact = " AND ".join(self._typed_expression(g) for g in groups) if any(g.expanded for g in groups) else None
        return match, exact

    def search(self, query):
        columns = sqlite_columns.columns()
        groups = query_groups(query.q or "")
        mask = columns.where(query)
        rank = exact = None
        if groups:
            match, typed = self.match_expressions(groups)
            if query.sort != "relevance":
                mask &= columns.mask_of(sqlite_columns.matching_ids(match, columns.generation))
            else:
                rank, exact, mask = self._rank(columns, mask, match, typed, query.offset + query.per_page)
        rows = np.flatnonzero(mask)
        page = columns.page(rows, query, rank=rank, exact=exact)
        hits = [Hit(int(columns.ids[row]), 0.0 if rank is None else float(-rank[row])) for row in page]
        return SearchResults(total=len(rows), hits=hits,
                             facets=columns.facets(mask, rows) if query.with_facets else _no_facets(),
                             query_stems=tuple(highlight_stems(query.q or "")))

    @staticmethod
    def _rank(columns, mask, match, typed, needed):
        """(bm25 rank per row, whether the row matches the words as typed, the mask of matches).

        A match in the language typed ranks above a translated one (bm25 weighs no term), and among
        them by the words as typed alone: what they rank by without the vocabulary. The other
        matches are ranked only when the page reaches past the typed ones."""
        rank, exact = np.zeros(columns.size), np.zeros(columns.size, dtype=bool)
        if typed:
            mask &= columns.mask_of(sqlite_columns.matching_ids(match, columns.generation))
            ids, ranks = sqlite_columns.ranked_ids(typed, BM25, columns.generation)
            rows, known = columns.rows_of(ids)
            rank[rows[known]], exact[rows[known]] = ranks[known], True
            if np.count_nonzero(mask & exact) >= needed:
                return rank, exact, mask
        ids, ranks = sqlite_columns.ranked_ids(match, BM25, columns.generation)
        rows, known = columns.rows_of(ids)
        rows, ranks = rows[known], ranks[known]
        if typed:
            rows, ranks = rows[~exact[rows]], ranks[~exact[rows]]
        else:
            exact[rows] = True
            mask &= columns.mask_of(ids)
        rank[rows] = ranks
        return rank, exact, mask

    def project_documents(self, ids):
        return tables.documents("project", ids)

    def suggest(self, prefix, *, limit=8):
        stems = query_stems(prefix)
        if not stems:
            return []
        match = " AND ".join(f"title : {fts_phrase(s)} *" for s in stems)
        return list(execute(
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
        skill = f"AND w.skill_id IN ({','.join(str(s) for s in ints(skills))}) " if skills else ""
        return (f"(CASE WHEN EXISTS (SELECT 1 FROM search_windows w WHERE w.entity = '{entity}' "
                f"AND w.entity_id = {id_column} {skill}AND ({ranges})) "
                f"THEN {matching.WEIGHTS['availability']} ELSE 0 END)")

    @staticmethod
    def _languages(column, languages):
        languages = [lang for lang in languages if lang.isalpha()]
        return f"(CASE WHEN {has_any(column, languages)} THEN {matching.WEIGHTS['language']} ELSE 0 END)" \
            if languages else "0"

    def match_projects(self, subject, *, limit=20):
        if subject.is_empty:
            return []
        w = matching.WEIGHTS
        skills, verified = ints(subject.skill_ids), ints(subject.verified_skill_ids)
        sectors = ",".join(str(s) for s in ints(subject.sector_ids)) or "NULL"
        base = " + ".join((
            f"(CASE WHEN {has_any('p.skills', verified)} THEN {w['skill_verified']} "
            f"WHEN {has_any('p.skills', skills)} THEN {w['skill']} ELSE 0 END)",
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
        rows = execute(
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
        documents = tables.documents("profile", [profile_id for profile_id, _ in ranked])
        return [(profile_id, float(score), documents[profile_id]) for profile_id, score in ranked]

    # ------------------------------------------------------------ maintenance

    def reindex(self):
        """Drop and rebuild the index tables inside the caller's transaction."""
        # The cycle collector would scan every live object again and again while a million rows
        # come and go (a third of the time); what is built here is freed by reference counting.
        collecting = gc.isenabled()
        gc.disable()
        # A bigger page cache for the rebuild only (a setting of this connection, not of the
        # transaction): the new tables' pages stay in memory instead of being spilled and read back.
        cache_size = execute("PRAGMA cache_size").scalar()
        execute(f"PRAGMA cache_size = {REINDEX_CACHE_KB}")
        try:
            return self._reindex()
        finally:
            execute(f"PRAGMA cache_size = {int(cache_size)}")
            if collecting:
                gc.enable()

    def _reindex(self):
        # The secondary indexes are built once the tables are full: one sort instead of a
        # B-tree insert per row.
        indexes = [statement for statement in SCHEMA if statement.startswith("CREATE INDEX")]
        for statement in DROP + tuple(s for s in SCHEMA if s not in indexes) + STATE:
            execute(statement)
        counts = {"project": 0, "profile": 0}
        vocabulary = Vocabulary()
        # No incremental merging while loading: one merge at the end does the same work once.
        execute("INSERT INTO search_projects_fts (search_projects_fts, rank) VALUES ('automerge', 0)")
        for entity, model, where, load, build, insert in (
            ("project", Project, Project.status.in_(PUBLIC_STATUSES), project_rows,
             lambda batch: project_documents(batch, vocabulary), tables.insert_projects),
            ("profile", MemberProfile, True, profile_rows, profile_documents, tables.insert_profiles),
        ):
            ids = db.session.scalars(db.select(model.id).where(where).order_by(model.id)).all()
            for start in range(0, len(ids), BATCH):
                batch = ids[start:start + BATCH]
                documents = build(load(batch[0], batch[-1]))
                insert(list(documents.values()))
                counts[entity] += len(documents)
        for statement in indexes:
            execute(statement)
        execute("INSERT INTO search_projects_fts (search_projects_fts) VALUES ('optimize')")
        execute("INSERT INTO search_projects_fts (search_projects_fts, rank) VALUES ('automerge', 4)")
        tables.bump()  # after the rows, which carry the generation it moves to
        return counts

    def indexed_ids(self, entity):
        table, column = {"project": ("search_projects", "project_id"),
                         "profile": ("search_profiles", "profile_id")}[entity]
        ids = set(execute(f"SELECT {column} FROM {table}").scalars())
        ids |= set(execute("SELECT entity_id FROM search_documents WHERE entity = :entity",
                           {"entity": entity}).scalars())
        if entity == "project":
            ids |= set(execute("SELECT rowid FROM search_projects_fts").scalars())
        return ids
