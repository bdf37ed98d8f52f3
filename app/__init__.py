"""Birge: the application factory."""
import logging
import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from config import INSTANCE_DIR, load_config


def create_app(config_name=None, overrides=None):
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    config = load_config(config_name)
    app.config.from_object(config)
    app.config["SECRET_KEY"] = config.init_secret_key()
    app.config["PUBLIC_URL"] = config.init_public_url()
    if overrides:
        app.config.update(overrides)

    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def register_extensions(app):
    from app import models  # noqa: F401  (every model registered on the metadata)
    from app import assets, content_version, search
    from sqlalchemy import event

    from app.extensions import (babel, csrf, db, enforce_foreign_keys, limiter, login_manager, migrate,
                                ping_when_idle)
    from app.i18n import select_locale, select_timezone
    from app.search.sqlite_tables import not_an_index_table
    from app.security import load_user

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", enforce_foreign_keys)
        ping_when_idle(db.engine, app.config["POOL_PING_IDLE_SECONDS"])
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, include_object=not_an_index_table)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please log in to see this page.")
    search.init_app(app)
    content_version.init_app(app)  # after search: its listener writes the index before this one runs
    assets.init_app(app)


def register_url_converters(app):
    from app.forms import IdConverter

    app.url_map.converters["id"] = IdConverter


def register_blueprints(app):
    from app.blueprints.account import bp as account_bp
    from app.blueprints.api import bp as api_bp
    from app.blueprints.admin import bp as admin_bp
    from app.blueprints.attention import bp as attention_bp
    from app.blueprints.auth import bp as auth_bp
    from app.blueprints.follows import bp as follows_bp
    from app.blueprints.lsgs import bp as lsgs_bp
    from app.blueprints.media import bp as media_bp
    from app.blueprints.messages import bp as messages_bp
    from app.blueprints.missions import bp as missions_bp
    from app.blueprints.moderation import bp as moderation_bp
    from app.blueprints.notifications import bp as notifications_bp
    from app.blueprints.numbers import bp as numbers_bp
    from app.blueprints.payments import bp as payments_bp
    from app.blueprints.pledges import bp as pledges_bp
    from app.blueprints.profiles import bp as profiles_bp
    from app.blueprints.projects import bp as projects_bp
    from app.blueprints.public import bp as public_bp
    from app.blueprints.questions import bp as questions_bp
    from app.blueprints.search import bp as search_bp
    from app.blueprints.webhooks import bp as webhooks_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(lsgs_bp, url_prefix="/lsgs")
    app.register_blueprint(projects_bp, url_prefix="/projects")
    app.register_blueprint(pledges_bp, url_prefix="/pledges")
    app.register_blueprint(payments_bp, url_prefix="/pay")
    app.register_blueprint(webhooks_bp, url_prefix="/webhooks")
    app.register_blueprint(profiles_bp, url_prefix="/members")
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(media_bp, url_prefix="/media")
    app.register_blueprint(search_bp, url_prefix="/search")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(questions_bp)
    app.register_blueprint(missions_bp)
    app.register_blueprint(attention_bp, url_prefix="/attention")
    app.register_blueprint(follows_bp, url_prefix="/following")
    app.register_blueprint(messages_bp, url_prefix="/messages")
    app.register_blueprint(numbers_bp, url_prefix="/numbers")
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_request_hooks(app):
    from app.security import commit_or_rollback, refuse_nul_bytes, set_security_headers

    app.before_request(refuse_nul_bytes)
    app.after_request(commit_or_rollback)
    app.after_request(set_security_headers)


def register_error_handlers(app):
    from app.error_pages import register

    register(app)


def register_template_helpers(app):
    from app import authz
    from app.i18n import language_choices, language_return_path, template_gettext
    from app.markdown import render_markdown
    from app.models._common import current_language
    from app.money import format_money, format_rate
    from app.payments import card_enabled

    app.add_template_filter(format_money, "money")
    app.add_template_filter(format_rate, "rate")
    app.add_template_filter(render_markdown, "markdown")

    @app.context_processor
    def inject_helpers():
        return {"authz": authz, "language_choices": language_choices(),
                "current_language": current_language(), "card_enabled": card_enabled(),
                "language_return_path": language_return_path, **template_gettext()}


def register_commands(app):
    from app.cli import register

    register(app)
