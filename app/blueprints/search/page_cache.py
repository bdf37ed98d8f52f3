"""The search page's results for visitors who are not logged in, from a per-process cache.

Most searches are the same few pages (a region, a sector, the newest projects), read by visitors
with nothing personal on them. The part of the page below the header is kept under the index's
generation, the language and the search's canonical arguments (see app/search/cache.py).
"""
from urllib.parse import urlencode

from flask import session
from flask_babel import get_locale
from flask_login import current_user

from app.search import backend


def cache_key(query):
    """The key for a search's rendered results, or None when they must be rendered for this
    request alone (a member's page has their reasons and forms; flashes are one person's)."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    generation = backend().generation()
    if generation is None:
        return None
    return generation, str(get_locale()), urlencode(query.to_args())
