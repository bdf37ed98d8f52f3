"""The interface every search backend implements, and the errors generic code handles.

Two kinds of write: ``sync`` runs inside the transaction that changed the data (just before it
commits) and either writes the index there (the embedded engine) or leaves outbox rows for the
worker (Elasticsearch); ``push`` writes the current state of some ids to the index now — it is
what the worker calls for those outbox rows, on whichever backend it has.
"""
from abc import ABC, abstractmethod

from app.search.documents import searchable_profile_ids, searchable_project_ids
from app.search.query import Drift


class SearchUnavailable(Exception):
    """The search engine cannot answer now (down, unreachable, or its index is missing).
    A caller that writes (the worker) retries later with backoff."""


class DocumentRefused(Exception):
    """The engine refused a document it was sent: the document's fault, not an outage (the worker
    then sends each change alone, so only that one fails)."""


class ReindexRunning(SearchUnavailable):
    """Not a failure: the engine asks writers to try again soon, without backoff (for instance
    while a new index is filled, after which the changes go to it). Readers are not affected."""


class SearchBackend(ABC):
    name = ""

    # ------------------------------------------------------------ writes

    @abstractmethod
    def sync(self, projects=(), profiles=()):
        """Bring the index up to date with these project and profile ids, inside the caller's
        transaction: index what is searchable now, remove what is not."""

    @abstractmethod
    def push(self, projects=(), profiles=()):
        """Write the current state of these projects and profiles to the index now: documents of
        the searchable ones, deletions of the rest. Raises SearchUnavailable (retry later) or
        ReindexRunning (retry soon)."""

    # ------------------------------------------------------------ reads

    @abstractmethod
    def search(self, query):
        """SearchResults for a SearchQuery: the page of hits, the total and the facet counts."""

    @abstractmethod
    def project_documents(self, ids):
        """{id: document} of the indexed projects among ids."""

    @abstractmethod
    def match_projects(self, subject, *, limit=20):
        """[(project id, score)] of open projects for a MemberSubject, best first."""

    @abstractmethod
    def match_profiles(self, subject, *, limit=20):
        """[(profile id, score, document)] of profiles for a NeedSubject, best first; only
        profiles whose visibility lets the need's LSG see them."""

    @abstractmethod
    def suggest(self, prefix, *, limit=8):
        """Titles of searchable projects with a word starting with prefix."""

    @abstractmethod
    def generation(self):
        """A number that changes whenever the index does (every write, every reindex). Results
        cached under it (app/search/cache.py) can never outlive the data they came from."""

    # ------------------------------------------------------------ maintenance

    @abstractmethod
    def reindex(self):
        """Rebuild the whole index from the database; returns {entity: count}."""

    @abstractmethod
    def indexed_ids(self, entity):
        """The ids in the index for "project" or "profile"."""

    def check(self):
        """[Drift] per entity: the database against the index, by count and ids."""
        report = []
        for entity, expected in (("project", searchable_project_ids()), ("profile", searchable_profile_ids())):
            found = self.indexed_ids(entity)
            report.append(Drift(entity, len(expected), len(found), sorted(expected - found),
                                sorted(found - expected)))
        return report

    def ping(self):
        """Raise SearchUnavailable when the engine cannot be reached."""
