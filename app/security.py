"""Request-wide safety: the login loader, the one commit per request, headers, safe redirects."""
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.extensions import db
from app.models import User
from app.payments import card_enabled


def load_user(user_id):
    """The login cookie holds "<id>:<session_token>"; a changed password ends older sessions."""
    raw_id, _, token = (user_id or "").partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_token != token:
        return None
    return user


def refuse_nul_bytes():
    """No text we store or search may hold a NUL byte (PostgreSQL refuses it in any text column):
    a request carrying one, in its path, query string or form, is refused before any view runs."""
    fields = [request.path, *request.args.keys(), *request.args.values()]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in fields):
        raise InvalidInput(_l("The text contains a character that is not allowed (a NUL byte)."))


def commit_or_rollback(response):
    """Services flush; the request commits once when it succeeded, and rolls back otherwise."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:{tiles}; style-src 'self'; script-src 'self'{scripts}; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'{stripe}"
)


def _origin(url):
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _tile_origin():
    origin = _origin(current_app.config.get("MAP_TILE_URL"))
    return f" {origin}" if origin else ""


def _stripe_sources():
    """With card payments on: Stripe.js may load, call Stripe's API and show its frames (3-D Secure)."""
    js = _origin(current_app.config.get("STRIPE_JS_URL"))
    if not card_enabled() or not js:
        return {"scripts": "", "stripe": ""}
    api = _origin(current_app.config.get("STRIPE_API_BASE"))
    connect = " ".join(dict.fromkeys(o for o in (js, api) if o))
    frames = js + (" https://hooks.stripe.com" if js == "https://js.stripe.com" else "")
    return {"scripts": f" {js}", "stripe": f"; connect-src 'self' {connect}; frame-src {frames}"}


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy",
                                CONTENT_SECURITY_POLICY.format(tiles=_tile_origin(), **_stripe_sources()))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def is_safe_next(target):
    """Only a path on this site: no scheme, no host, no protocol-relative '//' or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
