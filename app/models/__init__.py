"""All models, imported here so Alembic and the app see one metadata."""
from app.models.audit import AuditEvent
from app.models.geo import District, Municipality, MunicipalityKind, Region, Sector, Skill
from app.models.lsg import Lsg, LsgMembership, MembershipStatus
from app.models.projects import (
    CURRENCIES,
    PUBLIC_STATUSES,
    CofinancingShare,
    Milestone,
    Need,
    NeedKind,
    Photo,
    PhotoKind,
    Project,
    ProjectStatus,
    ProjectUpdate,
    RevisionState,
    ShareSource,
    SpendingLine,
)
from app.models.users import Role, User, normalize_email

__all__ = [
    "CURRENCIES",
    "PUBLIC_STATUSES",
    "AuditEvent",
    "CofinancingShare",
    "Milestone",
    "Need",
    "NeedKind",
    "Photo",
    "PhotoKind",
    "Project",
    "ProjectStatus",
    "ProjectUpdate",
    "RevisionState",
    "ShareSource",
    "SpendingLine",
    "District",
    "Lsg",
    "LsgMembership",
    "MembershipStatus",
    "Municipality",
    "MunicipalityKind",
    "Region",
    "Role",
    "Sector",
    "Skill",
    "User",
    "normalize_email",
]
