from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from app.blueprints import redirect_next
from app.csv_export import csv_response
from app.extensions import db
from app.forms import query_int
from app.i18n import remember_choice
from app.services import home as home_service
from app.services import projects as projects_service
from app.services.accounts import set_language

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", **home_service.home_page())


@bp.post("/lang")
def switch_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    remember_choice(lang)
    if current_user.is_authenticated:
        set_language(current_user, lang)
    return redirect_next("public.index")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        current_app.logger.exception("Health check: database unreachable")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


def public_title(project):
    """A project never published (rejected at first review) keeps its title private."""
    return project.public_title


def _decision_record(event, project):
    return {
        "date": event.created_at.isoformat(timespec="seconds") + "Z",
        "decision": event.action.removeprefix("project."),
        "project_id": project.id,
        "project_title": public_title(project),
        "lsg": project.lsg.name_en,
        "reason": event.reason,
        "url": url_for("projects.detail", project_id=project.id, _external=True),
    }


@bp.get("/decisions")
def decisions():
    page = request.args.get("page", 1, type=query_int)
    pagination, decisions = projects_service.public_decisions(page=page)
    return render_template("public/decisions.html", pagination=pagination, decisions=decisions,
                           public_title=public_title)


@bp.get("/decisions.json")
def decisions_json():
    return jsonify(decisions=[_decision_record(e, p) for e, p in projects_service.all_public_decisions()])


@bp.get("/decisions.csv")
def decisions_csv():
    rows = (_decision_record(event, project) for event, project in projects_service.all_public_decisions())
    return csv_response(rows, ["date", "decision", "project_id", "project_title", "lsg", "reason", "url"],
                        "birge-decisions.csv")
