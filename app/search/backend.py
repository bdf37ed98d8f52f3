"""The interface every search backend implements."""
from abc import ABC, abstractmethod


class SearchUnavailable(Exception):
    """The search engine cannot answer now (down, unreachable, or its index is missing)."""


class ReindexRunning(SearchUnavailable):
    """The index is being rebuilt: changes wait until the new index takes over."""


class SearchBackend(ABC):
    name = ""

    # ------------------------------------------------------------ writes

    @abstractmethod
    def sync(self, projects=(), profiles=()):
        """Bring the index up to date with these project and profile ids, inside the caller's
        transaction: index what is searchable now, remove what is not. The embedded engine
        writes its tables; Elasticsearch's writes go to the outbox for the worker."""

    @abstractmethod
    def index_project(self, document): ...

    @abstractmethod
    def delete_project(self, project_id): ...

    @abstractmethod
    def index_profile(self, document): ...

    @abstractmethod
    def delete_profile(self, profile_id): ...

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

    # ------------------------------------------------------------ maintenance

    @abstractmethod
    def reindex(self):
        """Rebuild the whole index from the database; returns {entity: count}."""

    @abstractmethod
    def indexed_ids(self, entity):
        """The ids in the index for "project" or "profile"."""

    def check(self):
        """[Drift] per entity: the database against the index, by count and ids."""
        from app.search.documents import searchable_profile_ids, searchable_project_ids
        from app.search.query import Drift

        report = []
        for entity, expected in (("project", searchable_project_ids()), ("profile", searchable_profile_ids())):
            found = self.indexed_ids(entity)
            report.append(Drift(entity, len(expected), len(found), sorted(expected - found),
                                sorted(found - expected)))
        return report

    def generation(self):
        """A number that changes whenever the index does, or None when the engine cannot say
        cheaply (then nothing derived from results is cached)."""
        return None

    def ping(self):
        """Raise SearchUnavailable when the engine cannot be reached."""
