"""Small per-process caches of what the index answered, keyed by the index's generation.

Every write to the index moves its generation on (SearchBackend.generation: a counter beside the
embedded tables, a state document on Elasticsearch), so an entry can never outlive the data it came
from. This is the one cache of search, in named parts: the search service keeps the engine's
answers ("results": one per search, shared by visitors and members; pages are rendered per
request); the embedded engine keeps how it expanded a word ("expansions") and the rows an FTS5
expression matched ("matches", at most 8 MB: bounded by their size in bytes: a word's matches serve every
filter and page of it). Each process keeps its own entries, the least recently used go first.
"""
from collections import OrderedDict
from threading import Lock

from flask import current_app

SIZE = 512


class LRUCache:
    """At most `size` entries and, given a `weigh`, at most `budget` of their total weight."""

    def __init__(self, size=SIZE, *, budget=None, weigh=None):
        self.size, self.budget, self.weigh = size, budget, weigh
        self.weight = 0
        self._entries = OrderedDict()
        self._lock = Lock()

    def get(self, key):
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            if key in self._entries:
                self._forget(key)
            self._entries[key] = value
            self.weight += self.weigh(value) if self.weigh else 0
            while len(self._entries) > self.size or (self.budget is not None and self.weight > self.budget):
                self._forget(next(iter(self._entries)))

    def _forget(self, key):
        value = self._entries.pop(key)
        self.weight -= self.weigh(value) if self.weigh else 0


def named_cache(name, **options):
    """This app's cache called name (one per app, so tests' apps never share entries); options
    (LRUCache's) apply when it is made."""
    cache = current_app.extensions.get(f"search_cache_{name}")
    if cache is None:
        cache = current_app.extensions.setdefault(f"search_cache_{name}", LRUCache(**options))
    return cache


def cached(name, key, compute, **options):
    """compute() under key in the named cache."""
    cache = named_cache(name, **options)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.put(key, value)
    return value
