"""Which language a request is served in: the user's setting, else the switcher, else the browser."""
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from flask import current_app, has_request_context, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from jinja2.ext import _make_new_ngettext, _make_new_npgettext, _make_new_pgettext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from app.security import is_safe_next

# Each language named in itself, so a reader finds their own.
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
# Set when a visitor picks a language before logging in: that choice is newer than the account's.
CHOSEN_BEFORE_LOGIN = "lang_chosen_before_login"
# A template's constant strings, as rendered, per catalogue (a catalogue is one locale's, and a new
# object when Flask-Babel reloads them, so a memo never outlives the words it came from).
_RENDERED = WeakKeyDictionary()
MAX_RENDERED = 5000  # template strings are constants; a bound keeps a stray dynamic one from growing it


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


def template_gettext():
    """The templates' gettext family (what ``_()`` and ``{% trans %}`` call) bound to the catalogue
    of this render's locale, for a context processor: Flask-Babel's own finds the locale and the
    catalogue again on each of the hundreds of calls a page makes. A string with no variables is
    looked up and escaped once per catalogue; otherwise this is Jinja's newstyle gettext."""
    translations = get_translations()
    rendered = _RENDERED.setdefault(translations, {})

    @pass_context
    def gettext(__context, __string, **variables):
        autoescape = __context.eval_ctx.autoescape
        if not variables:
            found = rendered.get((__string, autoescape))
            if found is not None:
                return found
        rv = translations.ugettext(__string)
        if autoescape:
            rv = Markup(rv)
        rv = rv % variables  # as Jinja does: always a format string, so "%%" reads the same
        if not variables and len(rendered) < MAX_RENDERED:
            rendered[(__string, autoescape)] = rv
        return rv

    return {"gettext": gettext, "ngettext": _make_new_ngettext(translations.ungettext),
            "pgettext": _make_new_pgettext(translations.upgettext),
            "npgettext": _make_new_npgettext(translations.unpgettext)}
