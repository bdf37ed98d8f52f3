"""The version of what the site shows, moved by every transaction that changes it."""
from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ContentVersion(db.Model):
    """One row. Its value is replaced by a new random number in the same transaction as any write
    to a table pages show (app/content_version.py), so whatever is cached from the data under one
    value (rendered pages, reference names) is never used once the data moved on. Random rather
    than counted: a database restored from a backup and written again never meets an old value."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
