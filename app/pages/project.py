"""What a project page shows, assembled from a version of the project (published or working).

It reads the project services (versions, spending) and the ledger; the project views use it."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.markdown import plain_text, render_markdown
from app.models import Municipality, NeedKind, Sector, ShareSource, Skill
from app.money import format_money, percent
from app.ledger import confirmed_diaspora_money, confirmed_totals
from app.pages.word_diff import DELETE, INSERT, Segment, changed, word_diff
from app.services.projects import changes_since_review, is_stale, milestone_spending, snapshot
from app.services.projects.versions import LIST_FIELDS, SCALAR_FIELDS


@dataclass
class NeedView:
    id: int
    kind: str
    title: str
    currency: str | None = None
    target_amount: int | None = None
    skill: Skill | None = None
    slots: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    on_site: bool | None = None
    requirements: str | None = None
    verified_required: bool = False
    item: str | None = None
    quantity: int | None = None
    unit: str | None = None
    done: int = 0
    total: int = 0
    closed: bool = False

    @property
    def percent(self):
        return percent(self.done, self.total)


@dataclass
class ShareView:
    source: str
    label: str
    planned: int
    received: int
    conditional: bool
    condition: str
    released: bool = False
    counts_volunteer_work: bool = False  # a diaspora share given partly as volunteer work (missions)

    @property
    def percent(self):
        return percent(self.received, self.planned)


@dataclass
class MilestoneView:
    title: str
    due_on: date | None
    planned: int
    spent: int

    @property
    def percent(self):
        return percent(self.spent, self.planned)


@dataclass
class ProjectPage:
    title: str
    summary: str
    description_html: str
    sector: Sector | None
    municipality: Municipality
    lat: float
    lon: float
    has_own_point: bool
    currency: str
    budget: int
    starts_on: date | None
    ends_on: date | None
    needs: list[NeedView] = field(default_factory=list)
    shares: list[ShareView] = field(default_factory=list)
    milestones: list[MilestoneView] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)
    working_copy: bool = False
    stale: bool = False

    @property
    def cover(self):
        return next((p for p in self.photos if p["is_cover"]), self.photos[0] if self.photos else None)

    @property
    def planned_total(self):
        return sum(s.planned for s in self.shares)

    @property
    def received_total(self):
        return sum(s.received for s in self.shares)


def _shares(project, data, pledges=None):
    """The plan with confirmed diaspora money counted; a conditional match is released once every
    diaspora share is complete (the condition 3x1-style programmes set)."""
    diaspora_money = confirmed_diaspora_money(project, pledges)
    shares = []
    for s in data["shares"]:
        received = s["received"] + (diaspora_money if s["source"] == ShareSource.DIASPORA.value else 0)
        if s["source"] == ShareSource.DIASPORA.value:
            diaspora_money = 0  # counted once, on the first diaspora share
        shares.append(ShareView(source=s["source"], label=s["label"], planned=s["planned"], received=received,
                                conditional=s["conditional"], condition=s["condition"],
                                counts_volunteer_work=s.get("counts_volunteer_work", False)))
    diaspora = [s for s in shares if s.source == ShareSource.DIASPORA.value]
    complete = bool(diaspora) and all(s.received >= s.planned for s in diaspora)
    for share in shares:
        share.released = share.conditional and complete
    return shares


def _day(value):
    return date.fromisoformat(value) if value else None


def need_progress(need, confirmed):
    """(done, total) for a need: confirmed money, accepted skill offers, delivered goods."""
    if need["kind"] == NeedKind.FUNDS.value:
        return confirmed.get(need["id"], 0), need["target_amount"] or 0
    if need["kind"] == NeedKind.SKILL.value:
        return confirmed.get(need["id"], 0), need["slots"] or 0
    return confirmed.get(need["id"], 0), need["quantity"] or 0


def project_page(project, *, working_copy, pledges=None):
    """The page of a version of the project; ``pledges``: its public ledger when the caller has read
    it (the counted money is picked from it rather than read again)."""
    data = snapshot(project) if working_copy or not project.published_snapshot else project.published_snapshot
    municipality = project.municipality  # the version's place is nearly always the project's, loaded with it
    if municipality is None or municipality.code != data["municipality"]:
        municipality = db.session.scalar(db.select(Municipality).filter_by(code=data["municipality"]))
    sector = project.sector if data["sector"] else None  # as the place: the project's, unless the version moved it
    if data["sector"] and (sector is None or sector.code != data["sector"]):
        sector = db.session.scalar(db.select(Sector).filter_by(code=data["sector"]))
    skill_codes = {n["skill"] for n in data["needs"] if n["skill"]}
    skills = {s.code: s for s in db.session.scalars(db.select(Skill).where(Skill.code.in_(skill_codes)))} \
        if skill_codes else {}
    spent = {m.id: s for m, _planned, s in milestone_spending(project)}

    confirmed = confirmed_totals([n["id"] for n in data["needs"]])
    closed = {n.id for n in project.needs if n.closed_at is not None}
    needs = []
    for n in data["needs"]:
        done, total = need_progress(n, confirmed)
        needs.append(NeedView(
            id=n["id"], kind=n["kind"], title=n["title"], currency=n["currency"], target_amount=n["target_amount"],
            skill=skills.get(n["skill"]), slots=n["slots"], starts_on=_day(n["starts_on"]),
            ends_on=_day(n["ends_on"]), on_site=n["on_site"], requirements=n["requirements"],
            verified_required=n["verified_required"], item=n["item"], quantity=n["quantity"], unit=n["unit"],
            done=done, total=total, closed=n["id"] in closed,
        ))
    has_point = data["lat"] is not None and data["lon"] is not None
    return ProjectPage(
        title=data["title"], summary=data["summary"], description_html=render_markdown(data["description"]),
        sector=sector, municipality=municipality,
        lat=data["lat"] if has_point else municipality.lat, lon=data["lon"] if has_point else municipality.lon,
        has_own_point=has_point, currency=data["currency"], budget=data["budget"],
        starts_on=_day(data["starts_on"]), ends_on=_day(data["ends_on"]), needs=needs,
        shares=_shares(project, data, pledges),
        milestones=[MilestoneView(title=m["title"], due_on=_day(m["due_on"]), planned=m["amount"],
                                  spent=spent.get(m["id"], 0)) for m in data["milestones"]],
        photos=data["photos"], working_copy=working_copy, stale=is_stale(project),
    )


def _describe_item(field, item, currency, skill_names):
    if field == "needs":
        if item["kind"] == NeedKind.FUNDS.value:
            return f"{item['title']}: {format_money(item['target_amount'], item['currency'])}"
        if item["kind"] == NeedKind.SKILL.value:
            skill = skill_names.get(item["skill"], item["skill"])
            title = f"{item['title']}, " if item["title"] else ""
            return f"{title}{skill} × {item['slots']}, {item['starts_on']} – {item['ends_on']}"
        return f"{item['title']}: {item['quantity']} {item['unit'] or ''}".strip()
    if field == "shares":
        return f"{item['source']} {item['label']}: {format_money(item['planned'], currency)}".strip()
    if field == "milestones":
        return f"{item['title']}: {format_money(item['amount'], currency)}"
    return item.get("caption") or item.get("filename", "")


def readable_changes(project):
    """[(field, [before...], [after...])] as short texts for the review page and the editor."""
    readable = []
    skill_names = {s.code: s.name for s in db.session.scalars(db.select(Skill))}
    for name, before, after in changes_since_review(project):
        if isinstance(before, list) or isinstance(after, list):
            before = [_describe_item(name, item, project.currency, skill_names) for item in before or []]
            after = [_describe_item(name, item, project.currency, skill_names) for item in after or []]
        elif name == "budget":
            before, after = [format_money(before, project.currency)], [format_money(after, project.currency)]
        else:
            before, after = [before] if before not in (None, "") else [], [after] if after not in (None, "") else []
        readable.append((name, before, after))
    return readable


# ---------------------------------------------------------------- what changed, for the review page

TEXT_FIELDS = ("title", "summary", "description")
SHARE_SOURCES = {"lsg": _l("The LSG's own funds"), "programme": _l("Government or donor programme"),
                 "diaspora": _l("Diaspora"), "other": _l("Other")}
ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class ChangeLine:
    action: str  # ADDED, REMOVED or CHANGED
    segments: list[Segment]


@dataclass
class FieldChange:
    field: str
    lines: list[ChangeLine]


class _Names:
    """Readable names for the codes a snapshot keeps, looked up once per page."""

    def __init__(self):
        self.skills = {s.code: s.name for s in db.session.scalars(db.select(Skill))}
        self.sectors = {s.code: s.name for s in db.session.scalars(db.select(Sector))}

    def municipality(self, code):
        place = db.session.scalar(db.select(Municipality).filter_by(code=code)) if code else None
        return place.name if place else (code or "")


def _date(value):
    return format_date(_day(value), "medium") if value else ""


def _scalar_text(name, value, snap, names):
    if value in (None, ""):
        return ""
    if name == "budget":
        return format_money(value, snap["currency"])
    if name in ("starts_on", "ends_on"):
        return _date(value)
    if name == "sector":
        return names.sectors.get(value, value)
    if name == "municipality":
        return names.municipality(value)
    if name in ("lat", "lon"):
        return f"{value:.4f}"
    return str(value)


def _need_text(need, names):
    if need["kind"] == NeedKind.FUNDS.value:
        return f"{need['title']}: {format_money(need['target_amount'], need['currency'])}"
    if need["kind"] == NeedKind.SKILL.value:
        parts = [names.skills.get(need["skill"], need["skill"] or ""), f"× {need['slots']}",
                 f"{_date(need['starts_on'])} – {_date(need['ends_on'])}", _("on site") if need["on_site"] else _("remote")]
        if need["verified_required"]:
            parts.append(_("verified credential required"))
        if need["requirements"]:
            parts.append(need["requirements"])
        return ", ".join(([need["title"]] if need["title"] else []) + parts)
    amount = f"{need['quantity']} {need['unit'] or ''}".strip()
    item = f" ({need['item']})" if need["item"] and need["item"] != need["title"] else ""
    return f"{need['title'] or need['item']}{item}: {amount}"


def _item_text(name, item, snap, names):
    currency = snap["currency"]
    if name == "needs":
        return _need_text(item, names)
    if name == "shares":
        label = f" ({item['label']})" if item["label"] else ""
        text = f"{SHARE_SOURCES.get(item['source'], item['source'])}{label}: {format_money(item['planned'], currency)}"
        return f"{text}. {_('Released when:')} {item['condition']}" if item["conditional"] else text
    if name == "milestones":
        due = f", {_date(item['due_on'])}" if item["due_on"] else ""
        return f"{item['title']}{due}: {format_money(item['amount'], currency)}"
    cover = f" ({_('cover')})" if item.get("is_cover") else ""
    return f"{item.get('caption') or item.get('filename', '')}{cover}"


def _whole(op, text):
    return [Segment(op, text)] if text else []


def _list_lines(name, before, after, names):
    """Added, removed and changed items of a list, matched by their ids."""
    old = {item.get("id"): item for item in before.get(name) or []}
    new = {item.get("id"): item for item in after.get(name) or []}
    lines = []
    for key, item in old.items():
        if key not in new:
            lines.append(ChangeLine(REMOVED, _whole(DELETE, _item_text(name, item, before, names))))
    for key, item in new.items():
        text = _item_text(name, item, after, names)
        if key not in old:
            lines.append(ChangeLine(ADDED, _whole(INSERT, text)))
            continue
        segments = word_diff(_item_text(name, old[key], before, names), text)
        if changed(segments):
            lines.append(ChangeLine(CHANGED, segments))
    return lines


def _text_diff(name, old, new):
    """The words a reader sees; for a description whose words stayed but whose Markdown changed (a
    link's address, say), the Markdown's words, so that no change is hidden."""
    if name != "description":
        return word_diff(old, new)
    segments = word_diff(plain_text(old), plain_text(new))
    return segments if changed(segments) else word_diff(old, new)


def review_changes(project):
    """[FieldChange] since the last review, in the reader's words: a word diff for the texts (the
    description's plain words, not its Markdown), old and new values, and one line for each item
    added, removed or changed. Empty on a first review."""
    before = project.reviewed_snapshot
    if before is None:
        return []
    after, names = snapshot(project), _Names()
    changes = []
    for name in SCALAR_FIELDS:
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in TEXT_FIELDS:
            segments = _text_diff(name, old or "", new or "")
            lines = [ChangeLine(CHANGED, segments)] if changed(segments) else []
        else:
            lines = [ChangeLine(CHANGED, _whole(DELETE, _scalar_text(name, old, before, names))
                                + _whole(INSERT, _scalar_text(name, new, after, names)))]
        if lines:
            changes.append(FieldChange(name, lines))
    for name in LIST_FIELDS:
        lines = _list_lines(name, before, after, names) if before.get(name) != after[name] else []
        if lines:
            changes.append(FieldChange(name, lines))
    return changes
