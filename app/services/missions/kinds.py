"""Missions: admins keep the kinds of mission, each kind's checklist template (and the common items
every kind's checklist has), and the vocabulary of procedures. Audited."""
import re

from flask_babel import gettext as _

from app.authz import can_administer, require
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import ChecklistTemplateItem, MissionKind, Procedure, Sector
from app.services.audit import record_event

_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _code(code, model, limit, **scope):
    code = (code or "").strip().lower()
    if not code:
        raise InvalidInput(_("This field is required."), field="code")
    if len(code) > limit or not _CODE.fullmatch(code):
        raise InvalidInput(_("Small Latin letters, digits and “_”, starting with a letter; at most %(max)d.",
                             max=limit), field="code")
    if db.session.scalar(db.select(model.id).filter_by(code=code, **scope)) is not None:
        raise InvalidInput(_("This code is taken."), field="code")
    return code


def _names(thing, name_ky, name_ru, name_en):
    for field, value in (("name_ky", name_ky), ("name_ru", name_ru), ("name_en", name_en)):
        value = (value or "").strip()
        if not value:
            raise InvalidInput(_("This field is required."), field=field)
        if len(value) > 200:
            raise InvalidInput(_("At most %(max)d characters.", max=200), field=field)
        setattr(thing, field, value)


def kinds_page(admin):
    """(kinds, common template items, procedures) for the admins' page."""
    require(can_administer, admin)
    kinds = db.session.scalars(db.select(MissionKind).order_by(MissionKind.id)).all()
    common = db.session.scalars(db.select(ChecklistTemplateItem).where(ChecklistTemplateItem.kind_id.is_(None))
                                .order_by(ChecklistTemplateItem.position, ChecklistTemplateItem.id)).all()
    procedures = db.session.scalars(db.select(Procedure).order_by(Procedure.kind_id, Procedure.id)).all()
    return kinds, common, procedures


def kind_for_admin(admin, kind_id):
    require(can_administer, admin)
    kind = db.session.get(MissionKind, kind_id)
    if kind is None:
        raise NotFound()
    return kind


def add_kind(admin, *, code, name_ky, name_ru, name_en, sector_id):
    require(can_administer, admin)
    kind = MissionKind(code=_code(code, MissionKind, 32))
    _names(kind, name_ky, name_ru, name_en)
    if sector_id:
        if db.session.get(Sector, sector_id) is None:
            raise InvalidInput(_("Choose a sector."), field="sector")
        kind.sector_id = sector_id
    db.session.add(kind)
    db.session.flush()
    record_event(admin, "mission_kind.added", kind, code=kind.code, sector_id=kind.sector_id)
    return kind


def add_template_item(admin, kind, *, code, name_ky, name_ru, name_en, position):
    """A line of ``kind``'s checklist template, or (``kind`` None) of every kind's. Flushes."""
    require(can_administer, admin)
    kind_id = kind.id if kind is not None else None
    item = ChecklistTemplateItem(kind_id=kind_id, code=_code(code, ChecklistTemplateItem, 40, kind_id=kind_id))
    _names(item, name_ky, name_ru, name_en)
    if not isinstance(position, int) or not 0 <= position <= 10_000:
        raise InvalidInput(_("A whole number from 0 to 10000."), field="position")
    item.position = position
    db.session.add(item)
    db.session.flush()
    record_event(admin, "checklist_template.added", item, code=item.code, kind_id=kind_id)
    return item


def set_template_item_retired(admin, item_id, retired):
    """A retired line is no longer copied to new missions; those that have it keep it. Flushes."""
    require(can_administer, admin)
    item = db.session.get(ChecklistTemplateItem, item_id)
    if item is None:
        raise NotFound()
    item.retired = bool(retired)
    db.session.flush()
    record_event(admin, "checklist_template.retired" if retired else "checklist_template.unretired", item,
                 code=item.code, kind_id=item.kind_id)
    return item


def add_procedure(admin, *, code, name_ky, name_ru, name_en, kind_id):
    require(can_administer, admin)
    procedure = Procedure(code=_code(code, Procedure, 40))
    _names(procedure, name_ky, name_ru, name_en)
    if kind_id:
        if db.session.get(MissionKind, kind_id) is None:
            raise InvalidInput(_("Choose a kind of mission."), field="kind")
        procedure.kind_id = kind_id
    db.session.add(procedure)
    db.session.flush()
    record_event(admin, "procedure.added", procedure, code=procedure.code, kind_id=procedure.kind_id)
    return procedure
