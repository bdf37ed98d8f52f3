"""Someone decides on a row that waits for a decision: a membership, a credential, a pledge.

Each decision runs the same steps: lock the row, check it is still in a status that allows this
decision, stamp who decided, when and why, flush, and write the audit event. The caller checks
permission (app/authz.py) and the reason's wording before.
"""
from flask_babel import gettext as _

from app.errors import InvalidInput, InvalidTransition
from app.extensions import db
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event


def required_reason(reason, *, field="reason", limit=None):
    """The reason for a decision, stripped; a decision without one is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason for your decision."), field=field)
    if limit is not None and len(reason) > limit:
        raise InvalidInput(_("At most %(max)d characters.", max=limit), field=field)
    return reason


def decide(actor, row, new_status, action, *, allowed_from, already_decided, reason=None, changes=None,
           audit_attrs=(), **data):
    """Move ``row`` (with ``status``, ``decided_by``, ``decided_at``, ``decision_reason``) to
    ``new_status`` and audit it as ``action``; ``actor`` is None for the system (a webhook, a job).

    ``allowed_from``: the statuses the row may be in, checked once the row is locked; otherwise
    InvalidTransition(``already_decided``). ``changes``: more attributes set with the decision.
    The audit row gets ``data`` and the ``audit_attrs`` named attributes as they stand after it.
    """
    # Two deciders at once: the second waits for the first, then sees the row decided.
    lock_for_update(row)
    if row.status not in allowed_from:
        raise InvalidTransition(already_decided)
    for name, value in (changes or {}).items():
        setattr(row, name, value)
    row.status = new_status
    row.decision_reason = reason
    row.decided_by = actor
    row.decided_at = utcnow()
    db.session.flush()
    data.update({name: getattr(row, name) for name in audit_attrs})
    return record_event(actor, action, row, reason=reason, **data)
