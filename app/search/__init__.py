"""Search: one backend interface, two backends (embedded SQLite FTS5, Elasticsearch).

The database is the source of truth; search is derived. The backends arrive with the search
issue; this module fixes the interface they implement.
"""
from app.search.backend import SearchBackend

__all__ = ["SearchBackend"]
