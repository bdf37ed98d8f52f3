"""Member profiles, who may see them, and the moderators' check of skill credentials.

A member edits only their own profile. Credentials (a licence, a diploma) go to moderators, who
verify or reject them with a reason; every submission and decision is audited.
"""
import re
from datetime import date

from flask_babel import gettext as _

from app.authz import (
    can_decide_credential,
    can_see_whole_profile,
    can_verify_credentials,
    is_authenticated,
    is_official_of_any,
    is_profile_owner,
    require,
)
from app.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from app.extensions import db
from app.models import (
    COUNTRIES,
    LANGUAGES,
    AvailabilityWindow,
    District,
    MemberProfile,
    Municipality,
    ProfileSkill,
    ProfileVisibility,
    Region,
    Sector,
    Skill,
    SkillStatus,
)
from app.ledger import lsgs_pledged_to_by
from app.models._common import lock_for_update, utcnow
from app.services.audit import record_event
from app.services.decisions import decide, required_reason
from app.services.notifications import localized, notify
from app.uploads import store_image

BIO_MAX = 2000
CITY_MAX = 120
PHONE_MAX = 40
MESSENGER_MAX = 120
REASON_MAX = 2000
MAX_WINDOWS = 20
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")

PROFILE_FIELDS = frozenset({
    "country", "city", "home_region", "home_district", "home_municipality", "bio", "languages",
    "sectors", "contact_email_ok", "contact_phone", "contact_messenger", "contact_officials_ok",
    "visibility",
})
HOME_FIELDS = ("home_region", "home_district", "home_municipality")


# ---------------------------------------------------------------- the member's own profile


def profile_of(user):
    return db.session.scalar(db.select(MemberProfile).filter_by(user_id=user.id))


def _blank_profile(user):
    return MemberProfile(user=user, visibility=ProfileVisibility.PRIVATE, languages=[], city="", bio="",
                         contact_email_ok=False, contact_phone="", contact_messenger="",
                         contact_officials_ok=False)


def profile_for_editing(user):
    """The member's profile, or a blank one that is not saved: reading the editor writes nothing."""
    require(is_authenticated, user)
    return profile_of(user) or _blank_profile(user)


def get_or_create_profile(user):
    require(is_authenticated, user)
    profile = profile_of(user)
    if profile is None:
        profile = _blank_profile(user)
        db.session.add(profile)
        db.session.flush()
    return profile


def _text(value, limit, field, message):
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput(message, field=field)
    return value


def _home(region, district, municipality):
    """The most precise place chosen, with its parents; a parent given must be the right one."""
    for value, model in ((region, Region), (district, District), (municipality, Municipality)):
        if value is not None and not isinstance(value, model):
            raise InvalidInput(_("Choose your home place from the lists."), field="home_region")
    if municipality is not None:
        if district is not None and municipality.district_id != district.id:
            raise InvalidInput(_("This municipality is not in the district you chose."), field="home_municipality")
        district = municipality.district
    if district is not None:
        if region is not None and district.region_id != region.id:
            raise InvalidInput(_("This district is not in the region you chose."), field="home_district")
        region = district.region
    return {"home_region": region, "home_district": district, "home_municipality": municipality}


def _clean(fields):
    """Check every given field before anything changes; return the values to store."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    cleaned = {}
    if "country" in fields:
        country = (fields["country"] or "").strip().upper() or None
        if country is not None and country not in COUNTRIES:
            raise InvalidInput(_("Choose your country from the list."), field="country")
        cleaned["country"] = country
    if "city" in fields:
        cleaned["city"] = _text(fields["city"], CITY_MAX, "city",
                                _("At most %(max)d characters.", max=CITY_MAX))
    if any(name in fields for name in HOME_FIELDS):
        cleaned.update(_home(*(fields.get(name) for name in HOME_FIELDS)))
    if "bio" in fields:
        cleaned["bio"] = _text(fields["bio"], BIO_MAX, "bio",
                               _("The text about you is too long: at most %(max)d characters.", max=BIO_MAX))
    if "languages" in fields:
        languages = set(fields["languages"] or ())
        if not languages <= set(LANGUAGES):
            raise InvalidInput(_("Choose languages from the list."), field="languages")
        cleaned["languages"] = [code for code in LANGUAGES if code in languages]
    if "sectors" in fields:
        sectors = list(fields["sectors"] or ())
        if not all(isinstance(sector, Sector) for sector in sectors):
            raise InvalidInput(_("Choose sectors from the list."), field="sectors")
        cleaned["sectors"] = sorted(set(sectors), key=lambda sector: sector.id)
    if "contact_phone" in fields:
        phone = _text(fields["contact_phone"], PHONE_MAX, "contact_phone",
                      _("At most %(max)d characters.", max=PHONE_MAX))
        if phone and (not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 6):
            raise InvalidInput(_("Enter a phone number such as +7 912 345 67 89."), field="contact_phone")
        cleaned["contact_phone"] = phone
    if "contact_messenger" in fields:
        cleaned["contact_messenger"] = _text(fields["contact_messenger"], MESSENGER_MAX, "contact_messenger",
                                             _("At most %(max)d characters.", max=MESSENGER_MAX))
    for flag in ("contact_email_ok", "contact_officials_ok"):
        if flag in fields:
            cleaned[flag] = bool(fields[flag])
    if "visibility" in fields:
        try:
            cleaned["visibility"] = ProfileVisibility(fields["visibility"])
        except ValueError:
            raise InvalidInput(_("Choose who may see your profile."), field="visibility") from None
    return cleaned


def update_profile(user, **fields):
    """Change the given fields of the user's own profile; all of them are checked first."""
    require(is_authenticated, user)
    cleaned = _clean(fields)
    profile = get_or_create_profile(user)
    for name, value in cleaned.items():
        setattr(profile, name, value)
    db.session.flush()
    return profile


def add_availability(user, *, starts_on, ends_on, today=None):
    require(is_authenticated, user)
    if not starts_on or not ends_on:
        raise InvalidInput(_("Give the first and the last day when you are free."), field="starts_on")
    if ends_on < starts_on:
        raise InvalidInput(_("The end date is before the start date."), field="ends_on")
    if ends_on < (today or date.today()):
        raise InvalidInput(_("These dates are already past."), field="ends_on")
    profile = get_or_create_profile(user)
    if len(profile.windows) >= MAX_WINDOWS:
        raise InvalidInput(_("You can give at most %(max)d periods; remove a past one first.", max=MAX_WINDOWS))
    window = AvailabilityWindow(starts_on=starts_on, ends_on=ends_on)
    profile.windows.append(window)
    db.session.flush()
    return window


def _own(model, user, item_id):
    """A window or skill of the user's own profile."""
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound()
    require(is_profile_owner, user, item.profile)
    return item


def remove_availability(user, window_id):
    window = _own(AvailabilityWindow, user, window_id)
    window.profile.windows.remove(window)
    db.session.flush()


def add_skill(user, skill):
    require(is_authenticated, user)
    if not isinstance(skill, Skill):
        raise InvalidInput(_("Choose a skill from the list."), field="skill")
    profile = get_or_create_profile(user)
    if any(held.skill_id == skill.id for held in profile.skills):
        raise Conflict(_("This skill is already on your profile."))
    held = ProfileSkill(skill=skill, status=SkillStatus.DECLARED)
    profile.skills.append(held)
    db.session.flush()
    return held


def remove_skill(user, profile_skill_id):
    held = _own(ProfileSkill, user, profile_skill_id)
    held.profile.skills.remove(held)
    db.session.flush()


def submit_credential(user, profile_skill_id, upload):
    """Send a scan or photo of a licence or diploma for a skill; moderators check it."""
    held = _own(ProfileSkill, user, profile_skill_id)
    lock_for_update(held)
    if held.status == SkillStatus.PENDING:
        raise InvalidTransition(_("A credential for this skill is already waiting for a moderator."))
    if held.status == SkillStatus.VERIFIED:
        raise InvalidTransition(_("This skill is already verified."))
    stored = store_image(upload, private=True)  # a licence is nobody else's business
    held.credential_filename = stored.name
    held.status = SkillStatus.PENDING
    held.submitted_at = utcnow()
    # A rejected credential may be sent again; the earlier decision stays in the audit trail.
    held.decision_reason = None
    held.decided_by = None
    held.decided_at = None
    db.session.flush()
    record_event(user, "credential.submitted", held, skill=held.skill.code, filename=stored.name)
    return held


# ---------------------------------------------------------------- moderators' checks


def pending_credentials(moderator):
    require(can_verify_credentials, moderator)
    return db.session.scalars(
        db.select(ProfileSkill)
        .where(ProfileSkill.status == SkillStatus.PENDING)
        .order_by(ProfileSkill.submitted_at, ProfileSkill.id)
    ).all()


def credential_for_review(moderator, profile_skill_id):
    require(can_verify_credentials, moderator)
    held = db.session.get(ProfileSkill, profile_skill_id)
    if held is None or held.credential_filename is None:
        raise NotFound()
    return held


def _decide(moderator, held, reason, new_status, action, kind):
    require(can_verify_credentials, moderator)
    require(can_decide_credential, moderator, held, message=_("You cannot decide on your own credential."))
    reason = required_reason(reason, limit=REASON_MAX)
    decide(moderator, held, new_status, action, allowed_from={SkillStatus.PENDING},
           already_decided=_("This credential has already been decided."), reason=reason,
           user_id=held.profile.user_id, skill=held.skill.code)
    notify(held.profile.user, kind, skill=localized(held.skill), reason=reason)
    return held


def verify_credential(moderator, profile_skill, *, reason):
    return _decide(moderator, profile_skill, reason, SkillStatus.VERIFIED, "credential.verified",
                   "credential_verified")


def reject_credential(moderator, profile_skill, *, reason):
    return _decide(moderator, profile_skill, reason, SkillStatus.REJECTED, "credential.rejected",
                   "credential_rejected")


# ---------------------------------------------------------------- who sees what


def lsgs_pledged_to(user):
    """Ids of the LSGs whose projects the member pledged to (any pledge not withdrawn)."""
    return lsgs_pledged_to_by([user.id]).get(user.id, set())


def _official_of_pledged_lsg(viewer, profile):
    return is_official_of_any(viewer, lsgs_pledged_to(profile.user))


def credential_status(user, skill):
    """Where the user's credential for the skill stands (a SkillStatus), or None without the skill."""
    return db.session.scalar(
        db.select(ProfileSkill.status).join(MemberProfile)
        .where(MemberProfile.user_id == user.id, ProfileSkill.skill_id == skill.id)
    )


def profile_visible_to(viewer, profile):
    if profile.visibility == ProfileVisibility.PUBLIC or can_see_whole_profile(viewer, profile):
        return True
    return profile.visibility == ProfileVisibility.PLEDGED_LSGS and _official_of_pledged_lsg(viewer, profile)


def contacts_visible_to(viewer, profile):
    """The member and moderators; officials of LSGs they pledged to if allowed; never the public."""
    if can_see_whole_profile(viewer, profile):
        return True
    return (profile.contact_officials_ok and profile_visible_to(viewer, profile)
            and _official_of_pledged_lsg(viewer, profile))


def profile_page(viewer, user_id):
    """What a viewer sees of a member's profile; NotFound when it is not theirs to see."""
    profile = db.session.scalar(db.select(MemberProfile).filter_by(user_id=user_id))
    if profile is None or not profile_visible_to(viewer, profile):
        raise NotFound()
    today = date.today()
    return {
        "profile": profile,
        "show_contacts": contacts_visible_to(viewer, profile),
        "windows": [window for window in profile.windows if window.ends_on >= today],
        "is_owner": is_profile_owner(viewer, profile),
    }
