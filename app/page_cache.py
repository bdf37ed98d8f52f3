"""Rendered pages kept for visitors, so a page read a thousand times between two changes is
rendered once.

A page is cached only for a visitor (no one logged in, no message waiting to be flashed), only
for a GET with no query string, and only when the view answered 200 with HTML and no header of its
own. Its key is the site's code, migrations and configuration (``release``), the scheme, host and
path, and the language; its entry carries the content version it was rendered under
(app/content_version.py) and the moment it expires: the first moment the clock changes what it
shows (``shown_until`` in app/models/_common.py: a question falling due, a project turning
silent), else the next midnight, in UTC or the site's time zone, whichever comes first, and at
most PAGE_CACHE_MAX_AGE seconds. An entry under another version, or expired, is
never served. The CSRF token in a cached page is the current visitor's, put in as it is served.

Entries live in one SQLite file (PAGE_CACHE_PATH, zlib-compressed, at most PAGE_CACHE_ROWS of
them, the oldest dropped first) that every process of the machine shares: a page rendered by one
worker serves the others, and a worker replaced keeps what was cached. A cache that cannot be read
or written is passed by: the page is rendered as if it were off. An empty PAGE_CACHE_PATH turns it off.
"""
import hashlib
import logging
import os
import sqlite3
import threading
import zlib
from datetime import datetime, time, timedelta
from functools import wraps
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app import content_version
from app.models._common import SHOWN_UNTIL, utcnow

log = logging.getLogger(__name__)

TOKEN_HOLE = b"\x00csrf\x00"  # no stored text holds a NUL byte (app/security.py refuses them)
STATE_HEADER = "X-Page-Cache"  # hit or miss, on the pages that may be cached
SCHEMA = """CREATE TABLE IF NOT EXISTS pages (
    key TEXT PRIMARY KEY, version INTEGER NOT NULL, expires REAL NOT NULL, stored REAL NOT NULL, body BLOB NOT NULL)"""
PRUNE_EVERY = 200  # writes between two checks of the number of rows
# What a cache that cannot be used raises: SQLite's errors, a directory that cannot be made, a
# damaged entry. The page is then rendered as if the cache were off.
STORE_ERRORS = (sqlite3.Error, OSError, zlib.error)


class PageStore:
    """The SQLite file of cached pages; one connection per thread of each process."""

    def __init__(self, path, max_rows):
        self.path, self.max_rows = str(path), max_rows
        self._local = threading.local()
        self._writes = 0

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():  # a forked worker opens its own
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=1, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def get(self, key, version, now):
        row = self._connection().execute("SELECT version, expires, body FROM pages WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] != version or now >= row[1]:
            return None
        return zlib.decompress(row[2])

    def put(self, key, version, expires, body, now):
        connection = self._connection()
        connection.execute("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                           (key, version, expires, now, zlib.compress(body, 1)))
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            connection.execute("DELETE FROM pages WHERE key IN (SELECT key FROM pages ORDER BY stored "
                               "LIMIT max(0, (SELECT count(*) FROM pages) - ?))", (self.max_rows,))

    def clear(self):
        self._connection().execute("DELETE FROM pages")


def store():
    """This app's store, or None when the cache is off."""
    path = current_app.config.get("PAGE_CACHE_PATH")
    if not path:
        return None
    found = current_app.extensions.get("page_cache")
    if found is None or found.path != str(path):
        found = current_app.extensions["page_cache"] = PageStore(path, current_app.config["PAGE_CACHE_ROWS"])
    return found


def release():
    """What else than the data decides a page: the code, templates and catalogues under app/ and
    the migrations (a data migration commits outside any session, so it moves no content version),
    each file's name, size and time; and the configuration. Worked out once per process."""
    found = current_app.extensions.get("page_cache_release")
    if found is None:
        digest = hashlib.sha256()
        migrations = os.path.join(os.path.dirname(current_app.root_path), "migrations")
        for top in (current_app.root_path, migrations):
            for root, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")  # written as modules load
                for name in sorted(files):
                    stat = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        for key, value in sorted(current_app.config.items()):
            digest.update(f"{key}={value!r}\n".encode())
        found = current_app.extensions["page_cache_release"] = digest.hexdigest()[:16]
    return found


def _expires(now):
    """Epoch seconds at which a page rendered now stops being served."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local_now = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    local_midnight = datetime.combine(local_now.date() + timedelta(days=1), time(), zone)
    moments = [datetime.combine(now.date() + timedelta(days=1), time()),
               local_midnight.astimezone(ZoneInfo("UTC")).replace(tzinfo=None),
               now + timedelta(seconds=current_app.config["PAGE_CACHE_MAX_AGE"])]
    if g.get(SHOWN_UNTIL) is not None:
        moments.append(g.get(SHOWN_UNTIL))
    return _epoch(min(moments))


def _epoch(moment):
    return moment.replace(tzinfo=ZoneInfo("UTC")).timestamp()


def _key():
    # The host and scheme too: the page's own links (og:url) are built on them.
    return f"{release()} {get_locale()} {request.host_url}{request.path.lstrip('/')}"


def _cacheable():
    return (request.method in ("GET", "HEAD") and not request.query_string
            and not session.get("_flashes") and not current_user.is_authenticated)


def _served(body):
    if TOKEN_HOLE in body:
        body = body.replace(TOKEN_HOLE, generate_csrf().encode())
    response = make_response(body)
    response.headers[STATE_HEADER] = "hit"
    return response


def _kept(response):
    """The body to store, or None when this answer must not be kept."""
    if response.status_code != 200 or response.mimetype != "text/html" or response.direct_passthrough:
        return None
    if set(response.headers.keys()) - {"Content-Type", "Content-Length"}:
        return None
    body = response.get_data()
    token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])
    return body.replace(token.encode(), TOKEN_HOLE) if token else body


def cached_for_visitors(view):
    """Serve the view's page from the cache to visitors (a request with a query string is rendered,
    never cached: each one would take a place in the cache)."""

    @wraps(view)
    def wrapper(**kwargs):
        pages = store()
        if pages is None or not _cacheable():
            return view(**kwargs)
        version = content_version.current()  # before the data: see app/content_version.py
        now = utcnow()
        key = _key()
        if version is not None:
            try:
                body = pages.get(key, version, _epoch(now))
            except STORE_ERRORS as error:
                log.warning("page cache %s cannot be read: %s", pages.path, error)
                body = None
            if body is not None:
                return _served(body)
        g.pop(SHOWN_UNTIL, None)
        response = make_response(view(**kwargs))
        body = _kept(response) if version is not None else None
        if body is not None:
            try:
                pages.put(key, version, _expires(now), body, _epoch(now))
            except STORE_ERRORS as error:
                log.warning("page cache %s cannot be written: %s", pages.path, error)
        response.headers[STATE_HEADER] = "miss"
        return response

    return wrapper
