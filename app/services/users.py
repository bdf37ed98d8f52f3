"""Site roles: granted by admins in the app, or by an operator on the command line."""
from flask_babel import gettext as _

from app.authz import can_administer, require
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.extensions import db
from app.models import Role, User
from app.services.accounts import find_user_by_email, register_user
from app.services.audit import record_event


def get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def set_role(actor, user, role, *, reason=None):
    """Change a user's site role. ``actor`` None means an operator on the command line."""
    if actor is not None:
        require(can_administer, actor)
        if actor.id == user.id:
            raise PermissionDenied(_("You cannot change your own role."))
    if not isinstance(role, Role):
        try:
            role = Role(role)
        except ValueError:
            raise InvalidInput(_("Unknown role.")) from None
    if user.role == role:
        return user
    previous = user.role
    user.role = role
    db.session.flush()
    record_event(actor, "user.role_changed", user, reason=reason, previous=previous.value, role=role.value)
    return user


def create_admin(*, email, password, name):
    """An operator's first admin: a new account, or an existing one promoted."""
    user = find_user_by_email(email)
    if user is None:
        user = register_user(email=email, password=password, name=name)
    return set_role(None, user, Role.ADMIN, reason="flask users create-admin")


def list_users(actor, *, query=None, page=1, per_page=50):
    require(can_administer, actor)
    select = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        pattern = f"%{query.strip().lower()}%"
        select = select.where(db.or_(User.email.like(pattern), db.func.lower(User.name).like(pattern)))
    return db.paginate(select, page=page, per_page=per_page, error_out=False)
