"""The embedded index's search_projects table as numpy column arrays, one copy per process and
index generation.

A search asks SQLite only for what FTS5 alone knows: the rows a MATCH finds, with their bm25.
The filters, the total, every facet count and the page are computed here, over arrays. Done in SQL
they cost a pass over every match for each facet, and a numbered sort of all of them for the page:
a search without words ("what needs money") touched 100,000 rows about ten times.

The arrays follow the index: each row of search_projects carries the generation that wrote it, so
when the generation moves on only the rows written since are read again (and the list of ids, for
the rows that left). Loading all of them takes a few tenths of a second on 100,000 projects; that
happens at the first search of a process and after a reindex.
"""
import math
from threading import Lock

import numpy as np
from flask import current_app

from app.search.backend import SearchUnavailable
from app.search.cache import cached
from app.search.query import KM_PER_DEGREE, NEED_KINDS
from app.models._common import driver_rows
from app.search.sqlite_tables import generation

KIND_BITS = {kind: 1 << i for i, kind in enumerate(NEED_KINDS)}
CACHE = "search_cache_columns"  # tests drop every search_cache_* extension when they roll back
INTEGERS = ("project_id", "coalesce(region_id, 0)", "coalesce(district_id, 0)", "coalesce(municipality_id, 0)",
            "coalesce(sector_id, 0)",
            " | ".join(f"((instr(kinds, ',{kind},') > 0) << {i})" for i, kind in enumerate(NEED_KINDS)))
# julianday: published_at as a number, ordered as its text is (it is one ISO format).
REALS = "project_id, lat, lon, funding_progress, julianday(published_at)"
ARRAYS = ("ids", "region", "district", "municipality", "sector", "kinds")  # INTEGERS' names
REFRESH_AT_MOST = 0.2  # of the rows written since: more, and every row is read again
SPARSE_IDS = 4  # ids this many times the rows (and more): rows found by binary search, not a lookup array
MATCHES_BUDGET = 8 * 2**20  # bytes of remembered matches per process: the ids of two million rows


def _nbytes(arrays):
    return sum(a.nbytes for a in arrays)


def matching_ids(match, generation):
    """Ids of the rows an FTS5 expression matches (remembered for this generation of the index)."""
    return cached("matches", (generation, "ids", match), lambda: (
        np.array(driver_rows("SELECT rowid FROM search_projects_fts WHERE search_projects_fts MATCH ?", (match,)),
                 dtype=np.int32).reshape(-1),), budget=MATCHES_BUDGET, weigh=_nbytes)[0]


def ranked_ids(match, bm25, generation):
    """(ids, bm25 ranks) of the rows an FTS5 expression matches. Ranking costs FTS5 about three times
    what matching alone does (it reads each row's column sizes)."""
    def rank():
        rows = driver_rows(f"SELECT rowid, {bm25} FROM search_projects_fts WHERE search_projects_fts MATCH ?",
                            (match,))
        found = np.array(rows, dtype=np.float64).reshape(-1, 2)
        return found[:, 0].astype(np.int32), np.ascontiguousarray(found[:, 1])
    return cached("matches", (generation, "ranked", match), rank, budget=MATCHES_BUDGET, weigh=_nbytes)


def _integers(text):
    # One comma-separated text per column parses in C; 100,000 rows of tuples take ten times longer.
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, np.int64)


def _read(where="", params=()):
    """{array name: values} of the rows of search_projects that `where` keeps, by project id, and
    their statuses' names. Two statements (whole numbers as texts, the rest as rows): when a
    commit came between them, their ids differ and both are read again."""
    texts = ", ".join(f"group_concat({c})" for c in INTEGERS) + ", group_concat(coalesce(status, ''), '|')"
    for _ in range(5):
        *numbers, statuses = driver_rows(f"SELECT {texts} FROM (SELECT * FROM search_projects {where} "
                                          "ORDER BY project_id)", params)[0]
        reals = np.array(driver_rows(f"SELECT {REALS} FROM search_projects {where} ORDER BY project_id", params),
                         dtype=np.float64).reshape(-1, 5)
        arrays = dict(zip(ARRAYS, (_integers(t) for t in numbers)))
        if len(reals) == len(arrays["ids"]) and (reals[:, 0] == arrays["ids"]).all():
            arrays.update(zip(("lat", "lon", "funding", "published"),
                              (np.ascontiguousarray(reals[:, i]) for i in range(1, 5))))
            return arrays, statuses.split("|") if statuses is not None else []
    raise SearchUnavailable("The index kept changing while it was read.")


def _skill_pairs(where="", params=()):
    """(project ids, skill ids) of the projects' skill terms."""
    pairs = np.array(driver_rows("SELECT entity_id, CAST(value AS INTEGER) FROM search_terms "
                                  f"WHERE entity = 'project' AND facet = 'skill' {where}", params),
                     dtype=np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def _id_list(ids):
    return ",".join(str(int(i)) for i in ids)


def _one_of(column, values):
    """The mask of a column's values among values (an equality for one: thirty times faster than isin)."""
    values = list(values)
    return column == values[0] if len(values) == 1 else np.isin(column, values)


def _status_codes(names, statuses):
    """Statuses as numbers: the index of each in names, to which new ones are added."""
    codes = {name: i for i, name in enumerate(names)}
    return np.array([codes.setdefault(s, len(codes)) for s in statuses], dtype=np.int64), list(codes)


class Columns:
    """One snapshot of search_projects (row i is the i-th project by id)."""

    def __init__(self, generation, arrays, status_names, skills):
        self.generation, self.status_names = generation, status_names
        for name, values in arrays.items():
            setattr(self, name, values)
        self.size = len(self.ids)
        self._row_at = None
        # Sort keys, smaller first; NULLs go last as they did in SQL's DESC orders.
        self.newest = np.where(np.isnan(self.published), np.inf, -self.published)
        self.best_funded = np.where(np.isnan(self.funding), np.inf, -self.funding)
        owners, values = skills
        rows, known = self.rows_of(owners)
        self.skill_owners, self.skill_values, self.skill_rows = owners[known], values[known], rows[known]

    @classmethod
    def load(cls, generation):
        arrays, statuses = _read()
        arrays["status"], names = _status_codes([], statuses)
        return cls(generation, arrays, names, _skill_pairs())

    def refreshed(self, generation):
        """These arrays brought up to the index as it is now: the rows written since their
        generation read again, the rows that left dropped."""
        present = _integers(driver_rows("SELECT group_concat(project_id) FROM "
                                         "(SELECT project_id FROM search_projects ORDER BY project_id)")[0][0])
        written, statuses = _read("WHERE generation > ?", (self.generation,))
        unseen = np.setdiff1d(np.setdiff1d(present, self.ids), written["ids"])  # committed between the reads
        if len(unseen):
            more, more_statuses = _read(f"WHERE project_id IN ({_id_list(unseen)})")
            written = {name: np.concatenate([written[name], more[name]]) for name in written}
            statuses = statuses + more_statuses
        if len(written["ids"]) > REFRESH_AT_MOST * max(self.size, 1):
            return Columns.load(generation)
        keep = np.isin(self.ids, present) & ~np.isin(self.ids, written["ids"])
        written["status"], names = _status_codes(self.status_names, statuses)
        arrays = {name: np.concatenate([getattr(self, name)[keep], values]) for name, values in written.items()}
        order = np.argsort(arrays["ids"], kind="stable")
        arrays = {name: values[order] for name, values in arrays.items()}
        kept = ~np.isin(self.skill_owners, written["ids"])
        owners, values = _skill_pairs(f"AND entity_id IN ({_id_list(written['ids'])})")
        return Columns(generation, arrays, names,
                       (np.concatenate([self.skill_owners[kept], owners]), np.concatenate([self.skill_values[kept], values])))

    def rows_of(self, project_ids):
        """(row index of each id, whether the id is a row at all)."""
        if not self.size:
            return np.zeros(len(project_ids), np.int64), np.zeros(len(project_ids), bool)
        if self.ids[-1] > SPARSE_IDS * self.size + 100_000:  # a lookup array would be mostly holes
            rows = np.minimum(np.searchsorted(self.ids, project_ids), self.size - 1)
            return rows, self.ids[rows] == project_ids
        if self._row_at is None:  # each id's row, -1 where none: a lookup, not a binary search per id
            self._row_at = np.full(int(self.ids[-1]) + 1, -1, dtype=np.int32)
            self._row_at[self.ids] = np.arange(self.size, dtype=np.int32)
        project_ids = np.asarray(project_ids)
        inside = (project_ids >= 0) & (project_ids < len(self._row_at))
        rows = self._row_at[np.where(inside, project_ids, 0)]
        known = inside & (rows >= 0)
        return np.maximum(rows, 0), known

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
            mask &= _one_of(self.sector, query.sector)
        if query.status:
            mask &= _one_of(self.status, [i for i, name in enumerate(self.status_names) if name in query.status])
        if query.kind:
            bits = sum(KIND_BITS[k] for k in set(query.kind) if k in KIND_BITS)
            mask &= (self.kinds & bits) != 0
        if query.skill:
            wanted = np.zeros(self.size, dtype=bool)
            wanted[self.skill_rows[_one_of(self.skill_values, [int(s) for s in query.skill])]] = True
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
        """Squared distance in degrees of latitude (equirectangular: exact enough within a country),
        in the operations and order the SQL it replaced used, so equal places tie exactly."""
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

    def page(self, rows, query, *, rank=None, exact=None):
        """Row indices of the page among rows (ascending), in the order of the engine's ORDER BY:
        nearest first, best funded, relevance (given a rank, the typed language's matches first),
        or newest."""
        k = query.offset + query.per_page
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

    def facets(self, mask, rows):
        """The facet counts of the rows (given both as a mask and as their indices: gathering by
        index is several times faster than selecting by mask, once per array)."""
        status = self._counts(self.status[rows], skip_zero=False)
        kinds = np.bincount(self.kinds[rows], minlength=1 << len(NEED_KINDS))
        skills = np.bincount(self.skill_values, weights=mask[self.skill_rows]) if len(self.skill_values) else ()
        return {
            "region": self._counts(self.region[rows]),
            "district": self._counts(self.district[rows]),
            "sector": self._counts(self.sector[rows]),
            "status": {self.status_names[code]: count for code, count in status.items()},
            "kind": {kind: int(n) for kind, bit in KIND_BITS.items()
                     if (n := sum(int(c) for value, c in enumerate(kinds) if value & bit))},
            "skill": {int(v): int(skills[v]) for v in np.flatnonzero(skills) if v},
        }


def columns():
    """This process's arrays of the index as it is now (brought up to date after any write to it)."""
    holder = current_app.extensions.setdefault(CACHE, {"lock": Lock(), "generation": None, "columns": None})
    now = generation()
    if holder["generation"] != now:
        with holder["lock"]:
            if holder["generation"] != now:
                known = holder["columns"]
                holder["columns"] = known.refreshed(now) if known else Columns.load(now)
                holder["generation"] = now
    return holder["columns"]
