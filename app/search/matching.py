"""Matching members and projects, and why: the one place the weights live (text fields' too).

A match scores the same facts from both sides: skill fit (verified counts more), home ties (the
same municipality counts more than the same district, which counts more than the same region),
sector interest, availability overlapping a skill need's dates, a shared language, and freshness.
Backends rank with these weights (SQL on the embedded engine, constant-score clauses on
Elasticsearch); ``explain`` recomputes the score from the documents and names the reasons, so the
page can say why, and tests can check that each engine added up what this module says.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.models import SkillStatus

# How much a word found in each text field of a project counts (title most): bm25 column weights
# on the embedded engine, field boosts on Elasticsearch. Ordered as the engines store them.
TEXT_WEIGHTS = {"title": 10, "summary": 4, "body": 1, "places": 3, "skill_names": 5}

WEIGHTS = {
    "skill": 30,
    "skill_verified": 45,  # instead of "skill" when the skill is verified
    "home_region": 8,
    "home_district": 15,  # instead of "home_region"
    "home_municipality": 25,  # instead of "home_district"
    "sector": 10,
    "availability": 12,
    "language": 5,
    "fresh": 4,
}
# A project published (or a profile updated) this recently counts as fresh.
FRESH_DAYS = 60
MAX_WINDOWS = 10


def increments(levels):
    """For weights that replace one another (region < district < municipality), what each level
    adds on top of the one below, so engines that only add can reach the same totals."""
    result, below = [], 0
    for level in levels:
        result.append((level, WEIGHTS[level] - below))
        below = WEIGHTS[level]
    return result


HOME_LEVELS = ("home_region", "home_district", "home_municipality")


@dataclass
class MemberSubject:
    """A member looking for projects."""

    skill_ids: tuple = ()
    verified_skill_ids: tuple = ()
    region_id: int | None = None
    district_id: int | None = None
    municipality_id: int | None = None
    sector_ids: tuple = ()
    windows: tuple = ()  # ((starts_on iso, ends_on iso), ...)
    languages: tuple = ()
    today: date = field(default_factory=date.today)

    @property
    def fresh_since(self):
        return (self.today - timedelta(days=FRESH_DAYS)).isoformat()

    @property
    def is_empty(self):
        return not (self.skill_ids or self.region_id or self.sector_ids)


@dataclass
class NeedSubject:
    """A skill need looking for volunteers."""

    skill_id: int
    lsg_id: int
    region_id: int
    district_id: int
    municipality_id: int
    sector_id: int | None = None
    starts_on: str | None = None
    ends_on: str | None = None
    languages: tuple = ()
    today: date = field(default_factory=date.today)

    @property
    def fresh_since(self):
        return (self.today - timedelta(days=FRESH_DAYS)).isoformat()


def member_subject(profile, today=None):
    skills = [s for s in profile.skills if s.status != SkillStatus.REJECTED]
    today = today or date.today()
    return MemberSubject(
        skill_ids=tuple(sorted(s.skill_id for s in skills)),
        verified_skill_ids=tuple(sorted(s.skill_id for s in skills if s.status == SkillStatus.VERIFIED)),
        region_id=profile.home_region_id,
        district_id=profile.home_district_id,
        municipality_id=profile.home_municipality_id,
        sector_ids=tuple(sorted(s.id for s in profile.sectors)),
        windows=tuple((w.starts_on.isoformat(), w.ends_on.isoformat())
                      for w in profile.windows if w.ends_on >= today)[:MAX_WINDOWS],
        languages=tuple(sorted(profile.languages or ())),
        today=today,
    )


def need_subject(need, document, today=None):
    """A skill need of a published project, placed by the project's search document."""
    return NeedSubject(
        skill_id=need.skill_id,
        lsg_id=document["lsg_id"],
        region_id=document["region_id"],
        district_id=document["district_id"],
        municipality_id=document["municipality_id"],
        sector_id=document["sector_id"],
        starts_on=need.starts_on.isoformat() if need.starts_on else None,
        ends_on=need.ends_on.isoformat() if need.ends_on else None,
        languages=tuple(document["languages"]),
        today=today or date.today(),
    )


def _overlaps(a_start, a_end, b_start, b_end):
    return a_start <= b_end and b_start <= a_end


def _home_level(subject_place, document_place):
    """The home tie between two places given as (region, district, municipality) ids."""
    (region, district, municipality), (d_region, d_district, d_municipality) = subject_place, document_place
    if municipality and municipality == d_municipality:
        return "home_municipality"
    if district and district == d_district:
        return "home_district"
    if region and region == d_region:
        return "home_region"
    return None


@dataclass
class Reason:
    key: str
    weight: int
    detail: dict = field(default_factory=dict)


def explain_project(subject, document):
    """The reasons a project suits a member, each with its weight."""
    reasons = []
    skills = set(document["skill_ids"]) & set(subject.skill_ids)
    if skills:
        verified = skills & set(subject.verified_skill_ids)
        key = "skill_verified" if verified else "skill"
        reasons.append(Reason(key, WEIGHTS[key], {"skill_ids": sorted(verified or skills)}))
    level = _home_level((subject.region_id, subject.district_id, subject.municipality_id),
                        (document["region_id"], document["district_id"], document["municipality_id"]))
    if level:
        reasons.append(Reason(level, WEIGHTS[level], {"place": document[level.replace("home_", "") + "_id"]}))
    if document["sector_id"] and document["sector_id"] in subject.sector_ids:
        reasons.append(Reason("sector", WEIGHTS["sector"], {"sector_id": document["sector_id"]}))
    for window in document["skill_windows"]:
        if window["skill_id"] not in subject.skill_ids:
            continue
        free = [w for w in subject.windows if _overlaps(w[0], w[1], window["starts_on"], window["ends_on"])]
        if free:
            reasons.append(Reason("availability", WEIGHTS["availability"],
                                  {"starts_on": window["starts_on"], "ends_on": window["ends_on"]}))
            break
    shared = set(document["languages"]) & set(subject.languages)
    if shared:
        reasons.append(Reason("language", WEIGHTS["language"], {"languages": sorted(shared)}))
    if document["published_at"][:10] >= subject.fresh_since:
        reasons.append(Reason("fresh", WEIGHTS["fresh"]))
    return reasons


def explain_profile(subject, document):
    """The reasons a member suits a skill need, each with its weight."""
    reasons = []
    if subject.skill_id in document["verified_skill_ids"]:
        reasons.append(Reason("skill_verified", WEIGHTS["skill_verified"], {"skill_ids": [subject.skill_id]}))
    elif subject.skill_id in document["skill_ids"]:
        reasons.append(Reason("skill", WEIGHTS["skill"], {"skill_ids": [subject.skill_id]}))
    level = _home_level((document["region_id"], document["district_id"], document["municipality_id"]),
                        (subject.region_id, subject.district_id, subject.municipality_id))
    if level:
        reasons.append(Reason(level, WEIGHTS[level],
                              {"place": getattr(subject, level.replace("home_", "") + "_id")}))
    if subject.sector_id and subject.sector_id in document["sector_ids"]:
        reasons.append(Reason("sector", WEIGHTS["sector"], {"sector_id": subject.sector_id}))
    if subject.starts_on and subject.ends_on:
        for window in document["windows"]:
            if _overlaps(window["starts_on"], window["ends_on"], subject.starts_on, subject.ends_on):
                reasons.append(Reason("availability", WEIGHTS["availability"], dict(window)))
                break
    shared = set(document["languages"]) & set(subject.languages)
    if shared:
        reasons.append(Reason("language", WEIGHTS["language"], {"languages": sorted(shared)}))
    if document["updated_at"][:10] >= subject.fresh_since:
        reasons.append(Reason("fresh", WEIGHTS["fresh"]))
    return reasons


def total(reasons):
    return sum(r.weight for r in reasons)
