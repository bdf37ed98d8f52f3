"""Small per-process caches of what the index answered, keyed by the index's generation.

Every write to the index moves its generation on (SearchBackend.generation: a counter beside the
embedded tables, a state document on Elasticsearch), so an entry can never outlive the data it came
from. This is the one cache of search: the search service keeps the engine's answers here (one per
search, shared by visitors and members; pages are rendered per request). Each process keeps its
own entries, the least recently used go first.
"""
from collections import OrderedDict
from threading import Lock

from flask import current_app

SIZE = 512


class LRUCache:
    def __init__(self, size=SIZE):
        self.size = size
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
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def named_cache(name):
    """This app's cache called name (one per app, so tests' apps never share entries)."""
    return current_app.extensions.setdefault(f"search_cache_{name}", LRUCache())


def cached(name, key, compute):
    """compute() under key in the named cache."""
    cache = named_cache(name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.put(key, value)
    return value
