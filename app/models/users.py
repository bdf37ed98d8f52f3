"""Accounts and roles."""
import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models._common import str_enum, utcnow


class Role(enum.Enum):
    """Site-wide role. Being an LSG official is not a role: it comes from an approved membership."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


def normalize_email(email: str) -> str:
    """Addresses are unique case-insensitively: stored trimmed and lower-cased."""
    return (email or "").strip().lower()


def new_session_token():
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), default=Role.MEMBER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login (and remember-me) cookie; replaced when the password changes and at logout,
    # so a copied cookie stops working: the server, not the browser, decides that a session ended.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # How often the digest of followed projects and "digest" notifications is mailed.
    digest_every: Mapped[str] = mapped_column(String(8), default="week", server_default="week")

    memberships: Mapped[list["LsgMembership"]] = relationship(  # noqa: F821
        back_populates="user", foreign_keys="LsgMembership.user_id"
    )

    def set_password(self, password: str):
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = new_session_token()

    def end_sessions(self):
        """Every cookie issued so far stops working (logout ends the session on the server)."""
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login
    def get_id(self):
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self):
        return self.active

    @property
    def is_moderator(self):
        return self.role == Role.MODERATOR

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def __repr__(self):
        return f"<User {self.id} {self.email}>"
