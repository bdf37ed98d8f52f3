"""The one place where errors become responses: a page in the user's language, or JSON for the API."""
import logging
import time
from datetime import timedelta

from flask import current_app, jsonify, render_template, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.errors import Conflict, DomainError
from app.extensions import db, limiter

log = logging.getLogger(__name__)

TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    422: _l("Invalid input"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do that."),
    404: _l("The page or item you asked for does not exist."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("An unexpected error happened on our side. Nothing was saved; please try again later."),
}


def wants_json():
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def problem_response(status, detail):
    """RFC 9457 problem details, the API's one error shape: the title is the status's standard name
    (``about:blank``), the detail says what happened in the reader's language."""
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status,
            "detail": str(detail)}
    return current_app.response_class(current_app.json.dumps(body), status=status,
                                      mimetype="application/problem+json")


def error_response(status, message):
    if request.path.startswith("/api/"):
        return problem_response(status, message)
    if wants_json():
        return jsonify(error={"status": status, "message": str(message)}), status
    title = TITLES.get(status, TITLES[400])
    return render_template("errors/error.html", status=status, title=title, message=message), status


def retry_message():
    """"Try again in 40 seconds", from the limit that was hit (its window's reset time)."""
    current = limiter.current_limit
    if current is None:
        return MESSAGES[429]
    wait = timedelta(seconds=max(1, int(current.reset_at - time.time())))
    return _("Too many attempts. Please try again in %(time)s.",
             time=format_timedelta(wait, granularity="second", add_direction=False))


def register(app):
    @app.errorhandler(DomainError)
    def domain_error(error):
        return error_response(error.status_code, error.message)

    @app.errorhandler(IntegrityError)
    def constraint_refused(error):
        # Two requests wrote the same thing at once (a second membership request, a second
        # profile): the check passed for both, the database's constraint let one through.
        db.session.rollback()
        log.info("a write refused by a database constraint: %s", error.orig)
        return error_response(Conflict.status_code, Conflict.default_message)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400,
            _l("This form has expired or was sent without its security token. "
               "Please go back, reload the page and try again."),
        )

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error):
        return error_response(429, retry_message())

    @app.errorhandler(HTTPException)
    def http_error(error):
        status = error.code or 500
        return error_response(status, MESSAGES.get(status, error.description))

    @app.errorhandler(500)
    def internal_error(error):
        # The failed transaction must not leak into rendering the page (or into the next request).
        db.session.rollback()
        return error_response(500, MESSAGES[500])
