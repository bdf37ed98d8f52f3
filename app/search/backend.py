"""The interface every search backend implements."""
from abc import ABC, abstractmethod


class SearchBackend(ABC):
    @abstractmethod
    def index_project(self, project): ...

    @abstractmethod
    def delete_project(self, project_id): ...

    @abstractmethod
    def index_profile(self, profile): ...

    @abstractmethod
    def delete_profile(self, profile_id): ...

    @abstractmethod
    def search(self, query, *, filters=None, facets=(), sort="relevance", page=1, per_page=20): ...

    @abstractmethod
    def match(self, subject, *, limit=20): ...

    @abstractmethod
    def suggest(self, prefix, *, limit=8): ...

    @abstractmethod
    def reindex(self): ...

    @abstractmethod
    def check(self): ...
