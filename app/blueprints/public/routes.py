from flask import abort, current_app, render_template, request, session
from flask_login import current_user
from sqlalchemy import text

from app.blueprints import redirect_next
from app.blueprints.public import bp
from app.extensions import db
from app.services.accounts import set_language


@bp.get("/")
def index():
    return render_template("public/index.html")


@bp.post("/lang")
def switch_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
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
