"""The embedded index's search_projects table as numpy column arrays, one copy per process and
index generation.

A search asks SQLite only for what FTS5 alone knows: the rows a MATCH finds, with their bm25.
The filters, the total, every facet count and the page are computed here, over arrays. Done in SQL
they cost a pass over every match for each facet, and a numbered sort of all of them for the page:
a search without words ("what needs money") touched 100,000 rows about ten times.

The two fixed orders a page can follow (newest first; best funded first) are computed by SQLite
when the arrays are loaded, with the ORDER BY the engine used to run for every search, so the
answers are the same. Loading takes a few tenths of a second on 100,000 projects; it happens once
for each generation of the index (any write to it moves the generation on).
"""
import math
from threading import Lock

import numpy as np
from flask import current_app

from app.extensions import db
from app.search.cache import cached
from app.search.query import KM_PER_DEGREE, NEED_KINDS
from app.search.sqlite_tables import generation

KIND_BITS = {kind: 1 << i for i, kind in enumerate(NEED_KINDS)}
CACHE = "search_cache_columns"  # tests drop every search_cache_* extension when they roll back
INTEGERS = ("project_id", "coalesce(region_id, 0)", "coalesce(district_id, 0)", "coalesce(municipality_id, 0)",
            "coalesce(sector_id, 0)", "{status}",
            " | ".join(f"((instr(kinds, ',{kind},') > 0) << {i})" for i, kind in enumerate(NEED_KINDS)))
# julianday: published_at as a number, ordered as its text is (it is one ISO format).
REALS = "lat, lon, funding_progress, julianday(published_at)"
MATCHES_BUDGET = 16 * 2**20  # bytes of remembered matches per process: the ids (and ranks) of a million rows


def _driver_rows(sql, params=()):
    """Rows as plain tuples from sqlite3 itself: on 100,000 rows SQLAlchemy's Row objects cost more
    than the query."""
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _nbytes(arrays):
    return sum(a.nbytes for a in arrays)


def matching_ids(match, generation):
    """Ids of the rows an FTS5 expression matches (remembered for this generation of the index)."""
    return cached("matches", (generation, "ids", match), lambda: (
        np.array(_driver_rows("SELECT rowid FROM search_projects_fts WHERE search_projects_fts MATCH ?", (match,)),
                 dtype=np.int64).reshape(-1),), budget=MATCHES_BUDGET, weigh=_nbytes)[0]


def ranked_ids(match, bm25, generation):
    """(ids, bm25 ranks) of the rows an FTS5 expression matches. Ranking costs FTS5 about three times
    what matching alone does (it reads each row's column sizes)."""
    def rank():
        rows = _driver_rows(f"SELECT rowid, {bm25} FROM search_projects_fts WHERE search_projects_fts MATCH ?",
                            (match,))
        found = np.array(rows, dtype=np.float64).reshape(-1, 2)
        return found[:, 0].astype(np.int64), np.ascontiguousarray(found[:, 1])
    return cached("matches", (generation, "ranked", match), rank, budget=MATCHES_BUDGET, weigh=_nbytes)


def _integers(text):
    # One comma-separated text per column parses in C; 100,000 rows of tuples take ten times longer.
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, np.int64)


class Columns:
    """One snapshot of search_projects (row i is the i-th project by id)."""

    def __init__(self, generation):
        self.generation = generation
        self.status_names = [row[0] for row in _driver_rows("SELECT DISTINCT status FROM search_projects "
                                                            "ORDER BY status")]
        status = "CASE status " + " ".join(f"WHEN ? THEN {i}" for i in range(len(self.status_names))) + " END" \
            if self.status_names else "0"
        columns = ", ".join(f"group_concat({c.format(status=status)})" for c in INTEGERS)
        texts = _driver_rows(f"SELECT {columns} FROM (SELECT * FROM search_projects ORDER BY project_id)",
                             self.status_names)[0]
        (self.ids, self.region, self.district, self.municipality, self.sector, self.status,
         self.kinds) = (_integers(t) for t in texts)
        self.size = len(self.ids)
        reals = np.array(_driver_rows(f"SELECT {REALS} FROM search_projects ORDER BY project_id"),
                         dtype=np.float64).reshape(self.size, 4)
        self.lat, self.lon, funding, published = (np.ascontiguousarray(reals[:, i]) for i in range(4))
        # Sort keys, smaller first; NULLs go last as they did in SQL's DESC orders.
        self.newest = np.where(np.isnan(published), np.inf, -published)
        self.best_funded = np.where(np.isnan(funding), np.inf, -funding)
        pairs = np.array(_driver_rows("SELECT entity_id, CAST(value AS INTEGER) FROM search_terms "
                                      "WHERE entity = 'project' AND facet = 'skill'"), dtype=np.int64).reshape(-1, 2)
        rows, known = self.rows_of(pairs[:, 0])
        self.skill_rows, self.skill_values = rows[known], pairs[known, 1]

    def rows_of(self, project_ids):
        """(row index of each id, whether the id is a row at all)."""
        if not self.size:
            return np.zeros(len(project_ids), np.int64), np.zeros(len(project_ids), bool)
        rows = np.minimum(np.searchsorted(self.ids, project_ids), self.size - 1)
        return rows, self.ids[rows] == project_ids

    def mask_of(self, project_ids):
        mask = np.zeros(self.size, dtype=bool)
        rows, known = self.rows_of(project_ids)
        mask[rows[known]] = True
        return mask

    # ------------------------------------------------------------ filters

    def where(self, query):
        """The rows a query's filters keep (all but its words), as a boolean mask."""
        mask = np.ones(self.size, dtype=bool)
        for name in ("region", "district", "municipality"):
            if getattr(query, name):
                mask &= getattr(self, name) == getattr(query, name)
        if query.sector:
            mask &= np.isin(self.sector, list(query.sector))
        if query.status:
            codes = [i for i, name in enumerate(self.status_names) if name in query.status]
            mask &= np.isin(self.status, codes)
        if query.kind:
            bits = sum(KIND_BITS[k] for k in set(query.kind) if k in KIND_BITS)
            mask &= (self.kinds & bits) != 0
        if query.skill:
            wanted = np.zeros(self.size, dtype=bool)
            wanted[self.skill_rows[np.isin(self.skill_values, [int(s) for s in query.skill])]] = True
            mask &= wanted
        if query.ids:
            mask &= self.mask_of(np.array(query.ids, dtype=np.int64))
        if query.origin and query.near:
            lat, lon = query.origin
            coslat = math.cos(math.radians(lat))
            degrees = query.km / KM_PER_DEGREE
            dlat, dlon = degrees, degrees / coslat
            with np.errstate(invalid="ignore"):
                mask &= (self.lat >= lat - dlat) & (self.lat <= lat + dlat)
                mask &= (self.lon >= lon - dlon) & (self.lon <= lon + dlon)
                mask &= self.distance2(query.origin) <= degrees * degrees
        return mask

    def distance2(self, origin):
        """Squared distance in degrees of latitude, in the same operations as the SQL it replaces
        (sqlite_tables.distance2), so equal places tie exactly."""
        lat, lon = origin
        coslat = math.cos(math.radians(lat))
        dlat, dlon = self.lat - lat, self.lon - lon
        return dlat * dlat + dlon * coslat * dlon * coslat

    # ------------------------------------------------------------ page

    def _best(self, rows, keys, k):
        """The k first rows ordered by keys (most significant first, as in an ORDER BY), then the
        higher id: only the rows that can be among them are sorted."""
        if k <= 0 or not len(rows):
            return rows[:0]
        primary = keys[0][rows]
        if len(rows) > k:
            keep = primary <= np.partition(primary, k - 1)[k - 1]
            rows, primary = rows[keep], primary[keep]
        order = np.lexsort((-self.ids[rows], *(key[rows] for key in reversed(keys[1:])), primary))
        return rows[order][:k]

    def page(self, mask, query, *, rank=None, exact=None):
        """Row indices of the page, in the order of the engine's ORDER BY: nearest first, best
        funded, relevance (given a rank, the typed language's matches first), or newest."""
        k = query.offset + query.per_page
        rows = np.flatnonzero(mask)
        if query.sort == "nearest" and query.origin:
            distance = self.distance2(query.origin)
            ordered = self._best(rows, (np.where(np.isnan(distance), -np.inf, distance),), k)  # NULL first
        elif query.sort == "funding":
            ordered = self._best(rows, (self.best_funded, self.newest), k)
        elif rank is not None:
            typed = exact[rows]
            top = self._best(rows[typed], (rank, self.newest), k)
            ordered = np.concatenate([top, self._best(rows[~typed], (rank, self.newest), k - len(top))])
        else:
            ordered = self._best(rows, (self.newest,), k)
        return ordered[query.offset:k]

    # ------------------------------------------------------------ facets

    @staticmethod
    def _counts(values, skip_zero=True):
        counts = np.bincount(values) if len(values) else np.empty(0, np.int64)
        return {int(v): int(counts[v]) for v in np.flatnonzero(counts) if v or not skip_zero}

    def facets(self, mask):
        status = self._counts(self.status[mask], skip_zero=False)
        kinds = np.bincount(self.kinds[mask], minlength=1 << len(NEED_KINDS))
        skills = mask[self.skill_rows]
        return {
            "region": self._counts(self.region[mask]),
            "district": self._counts(self.district[mask]),
            "sector": self._counts(self.sector[mask]),
            "status": {self.status_names[code]: count for code, count in status.items()},
            "kind": {kind: int(n) for kind, bit in KIND_BITS.items()
                     if (n := sum(int(c) for value, c in enumerate(kinds) if value & bit))},
            "skill": self._counts(self.skill_values[skills]),
        }


def columns():
    """This process's arrays of the index as it is now (loaded again after any write to it)."""
    holder = current_app.extensions.setdefault(CACHE, {"lock": Lock(), "generation": None, "columns": None})
    now = generation()
    if holder["generation"] != now:
        with holder["lock"]:
            if holder["generation"] != now:
                holder["columns"], holder["generation"] = Columns(now), now
    return holder["columns"]
