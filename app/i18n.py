"""Which language a request is served in: the user's setting, else the switcher, else the browser."""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from app.security import is_safe_next

# Each language named in itself, so a reader finds their own.
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
# Set when a visitor picks a language before logging in: that choice is newer than the account's.
CHOSEN_BEFORE_LOGIN = "lang_chosen_before_login"


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and worker jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def language_choices():
    return [(code, LANGUAGE_NAMES[code]) for code in current_app.config["LANGUAGES"]]


def remember_choice(lang):
    """The switcher's choice, kept in the session; a visitor's is marked as made before logging in."""
    session["lang"] = lang
    if current_user.is_authenticated:
        session.pop(CHOSEN_BEFORE_LOGIN, None)
    else:
        session[CHOSEN_BEFORE_LOGIN] = True


def take_choice_made_before_login():
    """At login: the language the visitor chose before it (once; None when they chose none)."""
    if session.pop(CHOSEN_BEFORE_LOGIN, False) and session.get("lang") in current_app.config["LANGUAGES"]:
        return session["lang"]
    return None


def _shows_a_page(path):
    """A path of this site that answers GET (a page, not a form's POST-only action)."""
    try:
        current_app.url_map.bind_to_environ(request.environ).match(path, method="GET")
    except HTTPException:  # NotFound, MethodNotAllowed, or a redirect to another URL
        return False
    return True


def language_return_path():
    """Where the switcher brings the reader back: this page; after a form sent by POST, the page
    showing that form (its own URL when it answers GET, else the same-site page it was sent from)."""
    if request.method == "GET":
        return request.full_path.removesuffix("?")
    if _shows_a_page(request.path):
        return request.path
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    if referrer.netloc == request.host and is_safe_next(back) and _shows_a_page(referrer.path):
        return back
    return ""
