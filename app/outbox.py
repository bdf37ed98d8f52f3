"""The outbox: work written by a transaction, done by the worker after it commits."""
from app.extensions import db
from app.models import OutboxJob


def enqueue(kind, entity, entity_id):
    """Add a job to the caller's transaction: it exists only if that transaction commits."""
    db.session.add(OutboxJob(kind=kind, entity=entity, entity_id=entity_id))
