"""Alerts: a newly published project, mailed to the members whose saved searches it matches.

Publishing only writes an outbox row; the worker runs this. The saved searches that could match
are picked by SQL first (their region and sectors), then each is asked of the search backend with
the new project's id as a filter, so both engines decide a match exactly as their search page
would. Each match becomes its own delivery row and "mail" job: the worker sends one mail, then
commits that it went out, so a failure or a crash later never has an accepted mail sent again, and
a saved search is never alerted twice for the same project.
"""
import logging

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.mail import absolute_url, send_mail, stable_message_id
from app.models import AlertDelivery, Municipality, Project, SavedSearch, saved_search_sectors
from app.models._common import utcnow
from app.outbox import enqueue
from app.search import SearchUnavailable, backend
from app.search.documents import is_searchable
from app.search.query import SearchQuery
from app.services.search import home_municipality, with_origin

log = logging.getLogger(__name__)
BATCH = 1000


def candidates(document, *, after_id=0, limit=BATCH):
    """Saved searches whose region and sectors do not rule this project out."""
    sectors = db.select(saved_search_sectors.c.saved_search_id)
    sector_ok = ~db.exists(sectors.where(saved_search_sectors.c.saved_search_id == SavedSearch.id))
    if document["sector_id"]:
        sector_ok = sector_ok | db.exists(sectors.where(
            saved_search_sectors.c.saved_search_id == SavedSearch.id,
            saved_search_sectors.c.sector_id == document["sector_id"]))
    return db.session.scalars(
        db.select(SavedSearch)
        .where(SavedSearch.id > after_id,
               db.or_(SavedSearch.region_id.is_(None), SavedSearch.region_id == document["region_id"]),
               sector_ok)
        .order_by(SavedSearch.id).limit(limit)
    ).all()


def _matches(saved, project_id):
    query, _place = with_origin(
        SearchQuery.from_saved(saved.query, ids=(project_id,), per_page=1, with_facets=False),
        home_municipality(saved.user))
    return backend().search(query).total > 0


def _mail(delivery, project, document):
    saved = delivery.saved_search
    user = saved.user
    place = db.session.get(Municipality, document["municipality_id"])
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        link = absolute_url("projects.detail", project_id=project.id)
        subject = _("New project for your search “%(name)s”", name=saved.name)
        body = _(
            "A new project matches your saved search “%(name)s”:\n\n%(title)s\n%(place)s\n\n%(link)s\n\n"
            "You receive this because you follow this search on Birge; delete it on your saved "
            "searches page to stop these emails.",
            name=saved.name, title=document["title"], place=place.name if place else "", link=link,
        )
    send_mail(user.email, subject, body,
              message_id=stable_message_id(f"alert-{delivery.id}.{delivery.project_id}"))


def _document(project_id):
    document = backend().project_documents([project_id]).get(project_id)
    if document is None:
        raise SearchUnavailable(f"project {project_id} is not in the index yet")
    return document


def queue_alerts_for(project_id):
    """The "alert" job: one delivery (not sent yet) and one "mail" job for every saved search that
    matches and was not alerted for this project before; returns how many were queued."""
    project = db.session.get(Project, project_id)
    if project is None or not is_searchable(project):
        return 0  # unpublished again before the worker got to it
    document = _document(project_id)
    queued, after_id = 0, 0
    while True:
        batch = candidates(document, after_id=after_id)
        if not batch:
            return queued
        after_id = batch[-1].id
        for saved in batch:
            if saved.user_id == project.created_by_id or not saved.user.active:
                continue
            already = db.session.scalar(db.select(AlertDelivery.id).filter_by(
                saved_search_id=saved.id, project_id=project_id))
            if already or not _matches(saved, project_id):
                continue
            delivery = AlertDelivery(saved_search_id=saved.id, project_id=project_id)
            db.session.add(delivery)
            db.session.flush()
            enqueue("mail", "alert_delivery", delivery.id)
            queued += 1


def send_alert(delivery_id):
    """The "mail" job: send one alert unless it was sent already; True when a mail went out.

    The caller commits right after this returns: the server has accepted the mail then, and
    ``sent_at`` records it, so a later retry never sends it again."""
    delivery = db.session.get(AlertDelivery, delivery_id)
    if delivery is None or delivery.sent_at is not None:
        return False  # its saved search was deleted, or it went out already
    project = db.session.get(Project, delivery.project_id)
    if not is_searchable(project) or not delivery.saved_search.user.active:
        db.session.delete(delivery)  # nothing to announce now; a new publication may alert again
        return False
    _mail(delivery, project, _document(project.id))
    delivery.sent_at = utcnow()
    return True
