"""Which language a request is served in: the user's setting, else the switcher, else the browser."""
from flask import current_app, has_request_context, request, session
from flask_login import current_user

# Each language named in itself, so a reader finds their own.
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}


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
