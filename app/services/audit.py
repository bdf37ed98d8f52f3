from app.authz import can_moderate, require
from app.extensions import db
from app.models import AuditEvent, User


def record_event(actor, action, target, reason=None, **data):
    """Write an audit row in the caller's transaction. ``actor`` is None for system actions."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target.__tablename__,
        target_id=target.id,
        reason=reason,
        data=data,
    )
    db.session.add(event)
    return event


def list_events(viewer, *, action=None, actor_email=None, target_type=None, page=1, per_page=50):
    require(can_moderate, viewer)
    query = db.select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if actor_email:
        query = query.join(User, AuditEvent.actor_id == User.id).where(
            User.email == actor_email.strip().lower()
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def known_actions(viewer):
    require(can_moderate, viewer)
    return db.session.scalars(db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
