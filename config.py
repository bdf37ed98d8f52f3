"""Configuration classes, read from environment variables.

Pick one with ``BIRGE_CONFIG`` (development, production, testing); development is
the default so that ``make run`` needs nothing set.
"""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("BIRGE_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigError(RuntimeError):
    """A required setting is missing or wrong; raised at start-up, never later."""


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret_key():
    """A random key generated once and kept under instance/, so sessions survive restarts."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'birge.db'}"
    )
    # No pool_pre_ping: it costs a round trip to the database on every checkout, one in every ~20 a
    # project page makes on PostgreSQL. A connection is pinged only when it has been idle in the pool
    # this many seconds (app/extensions.py ping_when_idle): long enough for a server restart or an idle
    # timeout to have dropped it. A connection dropped under load fails one request, and SQLAlchemy
    # then replaces every connection of the pool.
    SQLALCHEMY_ENGINE_OPTIONS = {}
    POOL_PING_IDLE_SECONDS = float(os.environ.get("POOL_PING_IDLE_SECONDS", 10))

    LANGUAGES = ("ky", "ru", "en")
    BABEL_DEFAULT_LOCALE = "ru"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BIRGE_TIMEZONE", "Asia/Bishkek")

    # Throttling; counters move to Redis when more than one instance runs.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Every login, registration and reset request from one address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Wrong passwords for one account from one address (the owner elsewhere is never locked out).
    LOGIN_RATE_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_RATE_LIMIT_PER_ACCOUNT", "5 per minute")
    # Accounts created from one address.
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "5 per hour")
    # Requests to the open-data API (/api/v1/) from one address.
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    # Public checks of certificates of volunteering from one address.
    CERTIFICATE_LOOKUP_RATE_LIMIT = os.environ.get("CERTIFICATE_LOOKUP_RATE_LIMIT", "30 per minute")

    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", 3600))
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default cost (N=32768)
    # Offline pledges still unconfirmed after this many days expire (`flask pledges expire`).
    PLEDGE_PENDING_DAYS = int(os.environ.get("PLEDGE_PENDING_DAYS", 30))
    # The worker's reminders (app/services/reminders.py): offline pledges unconfirmed this many days
    # are recalled to the LSG's officials, then to the moderators; a public project with no update
    # for UPDATE_REMINDER_DAYS is recalled to its officials before the 90-day "silent" flag.
    PLEDGE_CONFIRM_REMINDER_DAYS = int(os.environ.get("PLEDGE_CONFIRM_REMINDER_DAYS", 7))
    PLEDGE_ESCALATE_DAYS = int(os.environ.get("PLEDGE_ESCALATE_DAYS", 14))
    UPDATE_REMINDER_DAYS = int(os.environ.get("UPDATE_REMINDER_DAYS", 80))
    MISSION_REMINDER_DAYS = int(os.environ.get("MISSION_REMINDER_DAYS", 7))
    # A card pledge holds its share of the need this long while its donor pays.
    CARD_HOLD_MINUTES = int(os.environ.get("CARD_HOLD_MINUTES", 30))

    # Public questions: how many a member may ask in 24 hours; an answer is due within this many
    # working days (weekends and the admins' holidays skipped); moderators hear of a question still
    # unanswered this many working days after that.
    QUESTIONS_PER_DAY = int(os.environ.get("QUESTIONS_PER_DAY", 5))
    ANSWER_WORKING_DAYS = int(os.environ.get("ANSWER_WORKING_DAYS", 3))
    QUESTION_ESCALATE_WORKING_DAYS = int(os.environ.get("QUESTION_ESCALATE_WORKING_DAYS", 2))

    # Without MAIL_SERVER, mail is printed to the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Birge <no-reply@birge.kg>")

    # The worker: a job failing this many times is parked as dead (`flask worker status`); an
    # outage of the search engine or the mail server is waited out and never parks a job.
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 10))
    # Private messages one person may send in 24 hours (app/services/messages.py).
    MESSAGES_PER_DAY = int(os.environ.get("MESSAGES_PER_DAY", 30))

    # Every link in mail is built on it, never on the request's Host (which the sender controls);
    # required in production (see init_public_url).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    # Search: "sqlite" (embedded, SQLite only) or "elasticsearch" (needed with PostgreSQL).
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "sqlite")
    ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL")
    SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "birge")
    ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", 5))

    # Map background tiles; the pages still work (marker, place name) when these cannot load.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    # Empty: the page says "© OpenStreetMap contributors" in the reader's language.
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

    # Card payments (Stripe): hidden unless both keys are set. The API base and the Stripe.js
    # address are configuration, so tests point them at localstripe.
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "https://api.stripe.com")
    STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    MAX_CONTENT_LENGTH = 40 * 1024 * 1024  # a form may carry several 8 MB photos
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 8 * 1024 * 1024))

    # Pages rendered for visitors, kept until the data they show changes (app/page_cache.py): one
    # SQLite file the machine's processes share; empty turns the cache off. PAGE_CACHE_MAX_AGE bounds
    # how long any page is kept, whatever else expires it.
    PAGE_CACHE_PATH = os.environ.get("PAGE_CACHE_PATH", str(INSTANCE_DIR / "page-cache.sqlite"))
    PAGE_CACHE_ROWS = int(os.environ.get("PAGE_CACHE_ROWS", 20000))
    PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", 600))

    @classmethod
    def init_secret_key(cls):
        return os.environ.get("SECRET_KEY") or _development_secret_key()

    @classmethod
    def init_public_url(cls):
        return cls.PUBLIC_URL


class DevelopmentConfig(Config):
    DEBUG = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def init_secret_key(cls):
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise ConfigError("SECRET_KEY must be set in production (BIRGE_CONFIG=production).")
        return key

    @classmethod
    def init_public_url(cls):
        url = os.environ.get("PUBLIC_URL", "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("PUBLIC_URL must be set in production to the site's address, e.g. "
                              "https://birge.kg (every link in mail is built on it).")
        return url.rstrip("/")


class TestingConfig(Config):
    TESTING = True
    # The same algorithm at a low cost: tests hash hundreds of passwords.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_URL = "http://localhost"  # where the test client's requests go

    @classmethod
    def init_secret_key(cls):
        return "testing-secret-key-not-for-production"


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_config(name=None):
    name = name or os.environ.get("BIRGE_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown BIRGE_CONFIG {name!r}; expected one of {', '.join(CONFIGS)}."
        ) from None
