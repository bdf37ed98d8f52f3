from urllib.parse import parse_qs, urlencode

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.blueprints.forms import run_action
from app.blueprints.search.forms import SaveSearchForm
from app.search import SearchUnavailable
from app.search.query import SORTS, SearchQuery
from app.pages.search import SORT_LABELS, in_language
from app.services import search as service

bp = Blueprint("search", __name__)


def search_url(query, **changes):
    args = query.to_args(**changes)
    return _index_url() + ("?" + urlencode(args) if args else "")


def _index_url():
    """The search page's path, built once per request (a results page links to it forty times)."""
    if "search_index_url" not in g:
        g.search_index_url = url_for("search.index")
    return g.search_index_url


def toggled(values, value):
    return tuple(v for v in values if v != value) if value in values else tuple(sorted((*values, value)))


@bp.app_context_processor
def helpers():
    return {"search_url": search_url, "toggled": toggled}


@bp.get("/")
def index():
    query = SearchQuery.from_args(request.args)
    page = service.run_search(current_user, query)  # the engine's answers are cached there, once
    form = SaveSearchForm(query=urlencode(query.to_args(page=1)))
    html = render_template("search/index.html", sorts=SORTS, sort_labels=in_language(SORT_LABELS),
                           save_form=form, **page)
    return html, 503 if page["unavailable"] else 200


@bp.get("/suggest")
def suggest():
    found = service.suggestions(request.args.get("q", ""))
    return jsonify([{"kind": s["kind"], "text": s["text"],
                     "url": url_for("search.index") + "?" + urlencode(s["args"])} for s in found])


@bp.post("/saved")
@login_required
def save():
    form = SaveSearchForm()
    query = SearchQuery.from_args(MultiDict(parse_qs(form.query.data or "")))
    if not form.validate_on_submit():
        flash(_("Please check the name: at most 120 characters."), "error")
        return redirect(search_url(query))
    saved = run_action(lambda: service.save_search(current_user, query, name=form.name.data))
    if not saved:
        return redirect(search_url(query))
    flash(_("Saved. We will email you when a new project matches “%(name)s”.", name=saved.value.name), "success")
    return redirect(url_for("search.saved"))


@bp.get("/saved")
@login_required
def saved():
    searches = service.saved_searches(current_user)
    return render_template("search/saved.html", searches=searches,
                           queries={s.id: service.saved_query(s) for s in searches})


@bp.post("/saved/<id:saved_id>/delete")
@login_required
def delete_saved(saved_id):
    service.delete_saved_search(current_user, saved_id)
    flash(_("Deleted; you will get no more alerts for it."), "success")
    return redirect(url_for("search.saved"))


@bp.post("/follow-home")
@login_required
def follow_home():
    saved = run_action(lambda: service.follow_home(current_user))
    if not saved:
        return redirect(url_for("search.saved"))
    flash(_("Saved. We will email you when a new project matches “%(name)s”.", name=saved.value.name), "success")
    return redirect(url_for("search.saved"))


@bp.get("/for-you")
@login_required
def for_you():
    try:
        results = service.matched_for_you(current_user)
    except SearchUnavailable:
        return render_template("search/for_you.html", results=[], unavailable=True), 503
    return render_template("search/for_you.html", results=results, unavailable=False)


@bp.get("/needs/<id:need_id>/volunteers")
@login_required
def volunteers(need_id):
    need = service.skill_need(need_id)
    try:
        found = service.suggested_volunteers(current_user, need)
    except SearchUnavailable:
        return render_template("search/volunteers.html", need=need, suggestions=[], unavailable=True), 503
    return render_template("search/volunteers.html", need=need, suggestions=found, unavailable=False)
