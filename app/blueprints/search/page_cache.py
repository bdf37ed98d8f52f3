"""Rendered search results for visitors who are not logged in, kept per process.

Most searches are the same few pages (a region, a sector, the newest projects), read by visitors
with nothing personal on them. The part of the page below the header is kept here under the
index's generation, the language and the search; any write to the index moves the generation
on, so a page is never older than the index. Engines that cannot give a generation cheaply
(Elasticsearch) are not cached.
"""
from collections import OrderedDict
from threading import Lock
from urllib.parse import urlencode

from flask import current_app, session
from flask_babel import get_locale
from flask_login import current_user

from app.search import backend

SIZE = 512


class PageCache:
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


def page_cache():
    return current_app.extensions.setdefault("search_page_cache", PageCache())


def cache_key(query):
    """The key for a search's results, or None when they must be rendered for this request
    alone. The query's own canonical arguments, not the raw URL: unknown or repeated parameters
    do not make new entries."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    generation = backend().generation()
    if generation is None:
        return None
    return generation, str(get_locale()), urlencode(query.to_args())
