"""Who may do what: every route of the app, asked as each of eight roles, on their own objects and
on others'.

``MATRIX`` has one row per rule of ``app.url_map`` and method (HEAD and OPTIONS aside). A route
added without a row fails ``test_every_route_has_a_row``, a row left behind by a removed route
fails too, and a row whose path does not reach its own endpoint fails ``test_rows_are_well_formed``.

``test_authorization_matrix`` builds one world (tests/authz_world.py) per database and asks every
row's paths as every role, in two phases:

1. Every GET, and every request the row refuses (403, 404, a redirect to the login page, or any
   other answer marked refused), on the world as built. A refused request, and any GET, must
   change no row: a checksum of every table's rows is taken after each refused POST (and after
   each row's GETs) and compared with the one before.
2. The allowed POSTs, with valid data, in the order of the table (rows marked ``last`` at the
   end): each must get its status (200 or a redirect to where the feature goes). They change the
   world; the world gives each role that may make a one-time change (a decision, a withdrawal)
   its own object, so allowed requests never get in each other's way. Their checksum is not
   compared: changing rows is what they are for.

Refused requests carry valid data, so that what refuses them is the permission check, not a form.
Every failure of either phase is collected and reported together, naming the endpoint, the role,
the object (own or others') and the status expected and got.

The known holes of issue 9 are in the table (the revision-only need, an official confirming their
own pledge) and have their own tests below, by name, for whoever fixes them.
"""
import io
import json
import zlib
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app.extensions import db, limiter
from app.errors import PermissionDenied
from app.models import AuditEvent, Pledge, PledgeStatus, Role, User
from app.services import pledges as pledge_service
from app.services import projects
from app.services.notifications import KINDS as notification_kinds
from tests.authz_world import ROLES, build_world, jpeg_bytes
from tests.factories import PASSWORD, make_membership, make_official, make_project, make_user
from tests.stripe_server import localstripe  # noqa: F401

IGNORED_METHODS = {"HEAD", "OPTIONS"}
LOGGED_IN = ROLES[1:]
# Seeded once and never changed by any route (admins add municipalities: those are compared).
UNCHANGING_TABLES = {"regions", "districts", "sectors", "skills"}


@pytest.fixture
def app_overrides(localstripe):  # noqa: F811
    """Card payments on (against localstripe), so that /pay/* answer as in production."""
    return localstripe.app_config()


# ---------------------------------------------------------------- the vocabulary of the table


@dataclass(frozen=True)
class Want:
    """What a role gets: a status, whether the request may change rows, where a redirect goes."""

    status: tuple
    allowed: bool
    to: str = ""  # a redirect's path starts with this

    def __str__(self):
        text = "/".join(str(s) for s in self.status)
        return f"{text} to {self.to}" if self.to else text


OK = Want((200,), True)
GO = Want((302,), True)  # allowed, and redirected on to the next page
LOGIN = Want((302,), False, "/auth/login")
DENIED = Want((403,), False)
MISSING = Want((404,), False)


def go(to):
    return Want((302,), True, to)


def refused(*status, to=""):
    return Want(status, False, to)


def wants(others=DENIED, *, visitor=LOGIN, logged_in=None, moderators=None, skip=(), **roles):
    """Role → Want for one path: ``others`` for every role not named; ``skip`` roles are not asked
    this path (another path of the row asks them)."""
    table = {role: others for role in ROLES}
    if logged_in is not None:
        table.update({role: logged_in for role in LOGGED_IN})
    if moderators is not None:
        table.update(moderator=moderators, admin=moderators)
    table["visitor"] = visitor
    table.update(roles)
    for role in skip:
        del table[role]
    return table


@dataclass
class Target:
    path: str  # formatted with the world's ids
    want: dict
    object: str = ""  # whose object this is, for the messages
    data: object = None  # a dict (formatted with the ids) or a callable(ids, role) -> dict
    json: bool = False  # the page's JavaScript asks for JSON


@dataclass
class Row:
    endpoint: str
    method: str
    targets: list
    last: bool = False  # its allowed requests change what other rows rely on: they run at the end
    relogin: bool = False  # its allowed request ends the session: log the role in again after it


def row(endpoint, method, path, *, data=None, object="", json=False, last=False, relogin=False, **wants_args):
    return Row(endpoint, method, [Target(path, wants(**wants_args), object, data, json)], last, relogin)


def rows(endpoint, method, *targets, last=False):
    return Row(endpoint, method, list(targets), last)


# Who sees a draft: its LSG's officials and the moderators; to anyone else it does not exist.
def draft_of_lsg_1(allowed, moderators=DENIED, **roles):
    return wants(MISSING, official_1=allowed, moderators=moderators, **roles)


PUBLIC_GET = dict(others=OK, visitor=OK)
EVERYONE_GO = dict(others=GO, visitor=GO)


def _file(seed=0):
    return (io.BytesIO(jpeg_bytes(seed)), "photo.jpg")


def project_form(ids, role):
    lsg = ids["lsg_2"] if role == "official_2" else ids["lsg_1"]
    return {"lsg": lsg, "title": "New footpath", "summary": "A footpath.", "description": "Gravel.",
            "sector": 0, "currency": "KGS", "budget": "10 000"}


def profile_form(ids, role):
    return {"country": "KG", "city": "Naryn", "home_region": 0, "home_district": 0,
            "home_municipality": ids["municipality_1"], "bio": "", "visibility": "private"}


_emails = iter(range(10**6))


def register_form(ids, role):
    return {"name": "New Person", "email": f"new{next(_emails)}@example.kg", "password": PASSWORD,
            "password_again": PASSWORD, "locale": "en"}


MONEY = {"amount": "100", "currency": "KGS", "method": "bank_transfer", "reference": "ref"}
CARD = {"amount": "100", "currency": "KGS", "payment_method": "pm_card_visa"}
SKILL_OFFER = {"starts_on": "2027-05-11", "ends_on": "2027-05-12", "note": "I can come"}
REASON = {"reason": "Checked by phone"}
NO_ID = "999999"  # no such object


MATRIX = [
    # ------------------------------------------------------------ public pages
    row("public.index", "GET", "/", **PUBLIC_GET),
    row("public.healthz", "GET", "/healthz", **PUBLIC_GET),
    row("public.decisions", "GET", "/decisions", **PUBLIC_GET),
    row("public.decisions_csv", "GET", "/decisions.csv", **PUBLIC_GET),
    row("public.decisions_json", "GET", "/decisions.json", **PUBLIC_GET),
    row("public.switch_language", "POST", "/lang", data={"lang": "en"}, **EVERYONE_GO),
    row("static", "GET", "/static/css/birge.css", **PUBLIC_GET),
    rows("media.image", "GET",
         Target("/media/{published_photo}", wants(**PUBLIC_GET), "a published project's photo"),
         # A licence scan is private: it is never served as a public image, to anyone.
         Target("/media/{credential_file}", wants(MISSING, visitor=MISSING), "member A's credential scan")),
    row("lsgs.index", "GET", "/lsgs/", **PUBLIC_GET),
    rows("lsgs.detail", "GET", Target("/lsgs/{lsg_1}", wants(**PUBLIC_GET), "LSG 1"),
         Target("/lsgs/999999", wants(MISSING, visitor=MISSING), "no LSG")),
    row("webhooks.stripe", "POST", "/webhooks/stripe", data={"id": "evt_x"},
        others=refused(400), visitor=refused(400), object="an unsigned event"),

    # ------------------------------------------------------------ accounts
    row("auth.register", "GET", "/auth/register", others=refused(302, to="/"), visitor=OK),
    row("auth.register", "POST", "/auth/register", data=register_form,
        others=refused(302, to="/"), visitor=go("/account/")),
    row("auth.login", "GET", "/auth/login", others=refused(302, to="/"), visitor=OK),
    row("auth.login", "POST", "/auth/login", data={"email": "nobody@example.kg", "password": "wrong password"},
        others=refused(302, to="/"), visitor=refused(401), object="a wrong password"),
    row("auth.logout", "POST", "/auth/logout", logged_in=go("/"), relogin=True, last=True),
    row("auth.request_reset", "GET", "/auth/reset", **PUBLIC_GET),
    row("auth.request_reset", "POST", "/auth/reset", data={"email": "nobody@example.kg"},
        others=go("/auth/login"), visitor=go("/auth/login")),
    rows("auth.reset_password", "GET",
         Target("/auth/reset/not-a-token", wants(refused(422), visitor=refused(422)), "a forged token")),
    rows("auth.reset_password", "POST",
         Target("/auth/reset/not-a-token", wants(refused(422), visitor=refused(422)), "a forged token",
                {"password": "another password", "password_again": "another password"})),
    row("account.settings", "GET", "/account/", logged_in=OK),
    row("account.settings", "POST", "/account/", data={"name": "Same Name", "locale": "en"},
        logged_in=go("/account/")),
    row("account.change_password", "GET", "/account/password", logged_in=OK),
    row("account.change_password", "POST", "/account/password", logged_in=go("/account/"), last=True,
        data={"current_password": PASSWORD, "password": PASSWORD, "password_again": PASSWORD}),

    # ------------------------------------------------------------ LSGs and memberships
    row("lsgs.join", "GET", "/lsgs/{lsg_2}/join", logged_in=OK),
    row("lsgs.join", "POST", "/lsgs/{lsg_2}/join", data={"position": "Deputy head"}, logged_in=go("/account/"),
        # Already an official, or already waiting for a moderator: refused, nothing written.
        official_2=refused(409), applicant=refused(409)),
    row("moderation.index", "GET", "/moderation/", logged_in=go("/moderation/memberships")),
    row("moderation.memberships_queue", "GET", "/moderation/memberships", moderators=OK),
    row("moderation.membership_detail", "GET", "/moderation/memberships/{applied_1}", moderators=OK,
        object="the applicant's request"),
    rows("moderation.membership_detail", "POST",
         Target("/moderation/memberships/{applied_1}", wants(moderator=go("/moderation/memberships"), skip=["admin"]),
                "the applicant's request to LSG 1", {**REASON, "reject": "Reject"}),
         Target("/moderation/memberships/{applied_2}", wants(admin=go("/moderation/memberships"), skip=["moderator"]),
                "the applicant's request to LSG 2", {**REASON, "reject": "Reject"})),

    # ------------------------------------------------------------ administration
    row("admin.index", "GET", "/admin/", admin=OK),
    row("admin.change_role", "POST", "/admin/users/{member_b}/role", data={"role": "member"},
        admin=go("/admin/"), object="member B"),
    row("admin.municipalities", "GET", "/admin/municipalities", admin=OK),
    row("admin.municipalities", "POST", "/admin/municipalities", admin=go("/admin/municipalities"),
        data={"district": "{district_1}", "kind": "ayil_aymak", "code": "KG-N-ATB-99", "name_ky": "Жаңы",
              "name_ru": "Новый", "name_en": "New", "lat": "41.2", "lon": "75.8"}),
    row("admin.lsgs", "GET", "/admin/lsgs", admin=OK),
    row("admin.lsgs", "POST", "/admin/lsgs", admin=go("/admin/lsgs"),
        data={"municipality": "{municipality_1}", "name_ky": "Жаңы", "name_ru": "Новый",
              "name_en": "New LSG"}),
    row("admin.rates", "GET", "/admin/rates", admin=OK),
    row("admin.rates", "POST", "/admin/rates", data={"currency": "USD", "rate": "87.45"}, admin=go("/admin/rates")),

    # ------------------------------------------------------------ moderation of projects and credentials
    row("moderation.audit_log", "GET", "/moderation/audit", moderators=OK),
    row("moderation.projects_queue", "GET", "/moderation/projects", moderators=OK),
    row("moderation.project_detail", "GET", "/moderation/projects/{submitted_1}", moderators=OK,
        object="LSG 1's submitted project"),
    rows("moderation.project_detail", "POST",
         Target("/moderation/projects/{submitted_1}", wants(moderator=go("/moderation/projects"), skip=["admin"]),
                "LSG 1's submitted project", {"decision": "request_changes", **REASON}),
         Target("/moderation/projects/{submitted_2}", wants(admin=go("/moderation/projects"), skip=["moderator"]),
                "LSG 2's submitted project", {"decision": "request_changes", **REASON})),
    rows("moderation.bulk_decide", "POST",
         Target("/moderation/projects/bulk", wants(moderator=go("/moderation/projects"), skip=["admin"]),
                "LSG 1's submitted project",
                {"decision": "request_changes", "project_ids": "{submitted_1b}", **REASON}),
         Target("/moderation/projects/bulk", wants(admin=go("/moderation/projects"), skip=["moderator"]),
                "LSG 2's submitted project",
                {"decision": "request_changes", "project_ids": "{submitted_2b}", **REASON})),
    rows("moderation.unpublish_project", "POST",
         Target("/moderation/projects/{published_2}/unpublish",
                wants(moderator=go("/moderation/projects/"), skip=["admin"]), "LSG 2's published project",
                {"unpublish-reason": "Photos are not of this village"}),
         Target("/moderation/projects/{published_2b}/unpublish",
                wants(admin=go("/moderation/projects/"), skip=["moderator"]), "LSG 2's other published project",
                {"unpublish-reason": "Photos are not of this village"}), last=True),
    row("moderation.credentials_queue", "GET", "/moderation/credentials", moderators=OK),
    row("moderation.credential_detail", "GET", "/moderation/credentials/{credential_a}", moderators=OK,
        object="member A's credential"),
    rows("moderation.credential_detail", "POST",
         Target("/moderation/credentials/{credential_a}",
                wants(moderator=go("/moderation/credentials"), skip=["admin"]), "member A's credential",
                {**REASON, "reject": "Reject"}),
         Target("/moderation/credentials/{credential_b}",
                wants(admin=go("/moderation/credentials"), skip=["moderator"]), "member B's credential",
                {**REASON, "reject": "Reject"})),
    row("moderation.credential_image", "GET", "/moderation/credentials/{credential_a}/image", moderators=OK,
        object="member A's credential scan"),

    # ------------------------------------------------------------ projects: public pages and lists
    row("projects.index", "GET", "/projects/", **PUBLIC_GET),
    rows("projects.detail", "GET",
         Target("/projects/{published_1}", wants(**PUBLIC_GET), "LSG 1's published project"),
         # A public page: a visitor is not sent to log in, the draft just does not exist for them.
         Target("/projects/{draft_1}", draft_of_lsg_1(OK, moderators=OK, visitor=MISSING), "LSG 1's draft"),
         Target("/projects/{submitted_1}", draft_of_lsg_1(OK, moderators=OK, visitor=MISSING),
                "LSG 1's submitted project"),
         Target("/projects/99999999", wants(MISSING, visitor=MISSING), "no project")),
    row("projects.mine", "GET", "/projects/mine", logged_in=OK),
    row("projects.new", "GET", "/projects/new", logged_in=refused(302, to="/lsgs/"), official_1=OK, official_2=OK),
    rows("projects.new", "POST",
         Target("/projects/new", wants(refused(302, to="/lsgs/"), official_1=go("/projects/"),
                                       official_2=go("/projects/")),
                "the official's own LSG", project_form),
         # LSG 1 chosen by LSG 2's official: not one of the choices.
         Target("/projects/new", wants(refused(302, to="/lsgs/"), official_2=refused(422),
                                       skip=["official_1"]), "another LSG",
                lambda ids, role: {**project_form(ids, role), "lsg": ids["lsg_1"]})),

    # ------------------------------------------------------------ projects: the officials' editor
    rows("projects.manage", "GET",
         Target("/projects/{draft_1}/manage", draft_of_lsg_1(OK), "LSG 1's draft"),
         Target("/projects/{published_1}/manage", wants(official_1=OK), "LSG 1's published project")),
    rows("projects.manage_step", "GET",
         Target("/projects/{draft_1}/manage/needs", draft_of_lsg_1(OK), "LSG 1's draft"),
         Target("/projects/{published_1}/manage/photos", wants(official_1=OK), "LSG 1's published project")),
    rows("projects.confirm_remove", "GET",
         Target("/projects/{draft_1}/shares/{draft_share_1}/delete", draft_of_lsg_1(OK), "a share of LSG 1's draft"),
         # Through one's own project, an item of another LSG's project: not found.
         Target("/projects/{draft_1}/shares/{draft_share_2}/delete", draft_of_lsg_1(MISSING),
                "a share of LSG 2's draft, through LSG 1's draft")),
    rows("projects.edit", "GET",
         Target("/projects/{draft_1}/edit", draft_of_lsg_1(OK), "LSG 1's draft"),
         Target("/projects/{published_1}/edit", wants(official_1=OK), "LSG 1's published project")),
    rows("projects.edit", "POST",
         Target("/projects/{draft_1}/edit", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                lambda ids, role: {**project_form(ids, role), "lsg": ids["lsg_1"], "title": "Draft school roof"}),
         Target("/projects/{published_2}/edit", wants(skip=["official_2"]),
                "LSG 2's published project",
                lambda ids, role: {**project_form(ids, role), "lsg": ids["lsg_2"]})),
    rows("projects.add_funds_need", "POST",
         Target("/projects/{draft_1}/needs/funds", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"funds-title": "Windows", "funds-target_amount": "1 000", "funds-currency": "KGS"}),
         Target("/projects/{published_2}/needs/funds", wants(skip=["official_2"]), "LSG 2's published project",
                {"funds-title": "Windows", "funds-target_amount": "1 000", "funds-currency": "KGS"})),
    rows("projects.add_skill_need", "POST",
         Target("/projects/{draft_1}/needs/skill", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"skill-skill": "{unheld_skill}", "skill-slots": "1", "skill-starts_on": "2027-06-01",
                 "skill-ends_on": "2027-06-02", "skill-on_site": "1"}),
         Target("/projects/{published_2}/needs/skill", wants(skip=["official_2"]), "LSG 2's published project",
                {"skill-skill": "{unheld_skill}", "skill-slots": "1", "skill-starts_on": "2027-06-01",
                 "skill-ends_on": "2027-06-02", "skill-on_site": "1"})),
    rows("projects.add_inkind_need", "POST",
         Target("/projects/{draft_1}/needs/in-kind", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"inkind-item": "Nails", "inkind-quantity": "10"}),
         Target("/projects/{published_2}/needs/in-kind", wants(skip=["official_2"]), "LSG 2's published project",
                {"inkind-item": "Nails", "inkind-quantity": "10"})),
    rows("projects.add_share", "POST",
         Target("/projects/{draft_1}/shares", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"share-source": "lsg", "share-planned": "100"}),
         Target("/projects/{published_2}/shares", wants(skip=["official_2"]), "LSG 2's published project",
                {"share-source": "lsg", "share-planned": "100"})),
    rows("projects.add_milestone", "POST",
         Target("/projects/{draft_1}/milestones", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"milestone-title": "Roof", "milestone-amount": "100"}),
         Target("/projects/{published_2}/milestones", wants(skip=["official_2"]), "LSG 2's published project",
                {"milestone-title": "Roof", "milestone-amount": "100"})),
    rows("projects.add_photo", "POST",
         Target("/projects/{draft_1}/photos", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                lambda ids, role: {"photo-photo": _file(), "photo-caption": "Roof"}),
         Target("/projects/{published_2}/photos", wants(skip=["official_2"]), "LSG 2's published project",
                lambda ids, role: {"photo-photo": _file(), "photo-caption": "Roof"})),
    rows("projects.remove_item", "POST",
         Target("/projects/{draft_1}/shares/{draft_share_1}/delete", draft_of_lsg_1(go("/projects/")),
                "a share of LSG 1's draft"),
         # Through one's own project, an item of another LSG's project: not found.
         Target("/projects/{draft_1}/shares/{draft_share_2}/delete", draft_of_lsg_1(MISSING),
                "a share of LSG 2's draft, through LSG 1's draft"),
         Target("/projects/{published_2}/milestones/" + NO_ID + "/delete", wants(skip=["official_2"]),
                "LSG 2's published project")),
    rows("projects.close_need", "POST",
         Target("/projects/{published_1}/needs/{goods_1}/close", wants(official_1=go("/projects/")),
                "a goods need of LSG 1's published project", {"close-reason": "The school bought them"}),
         Target("/projects/{published_2}/needs/" + NO_ID + "/close", wants(skip=["official_2"]),
                "LSG 2's published project", {"close-reason": "No longer needed"}), last=True),
    rows("projects.set_cover", "POST",
         Target("/projects/{draft_1}/photos/{draft_photo_1}/cover", draft_of_lsg_1(go("/projects/")),
                "a photo of LSG 1's draft")),
    rows("projects.overfunding", "POST",
         Target("/projects/{published_1}/overfunding", wants(official_1=go("/projects/")),
                "LSG 1's published project", {"allowed": "0"})),
    rows("projects.new_update", "GET",
         Target("/projects/{published_1}/updates/new", wants(official_1=OK), "LSG 1's published project")),
    rows("projects.new_update", "POST",
         Target("/projects/{published_1}/updates/new", wants(official_1=go("/projects/")),
                "LSG 1's published project", {"body": "The foundations are poured."})),
    rows("projects.start", "POST",
         Target("/projects/{published_1}/start", wants(official_1=go("/projects/")), "LSG 1's published project"),
         last=True),
    rows("projects.cancel", "POST",
         # Moderators take a project down by unpublishing it; cancelling is its officials' decision.
         Target("/projects/{cancel_1}/cancel", draft_of_lsg_1(go("/projects/")), "LSG 1's draft",
                {"cancel-reason": "No longer needed"}), last=True),
    rows("projects.submit", "POST",
         Target("/projects/{submit_1}/submit", draft_of_lsg_1(go("/projects/")), "LSG 1's complete draft"),
         last=True),

    # ------------------------------------------------------------ pledges
    rows("pledges.new", "GET",
         Target("/pledges/needs/{funds_1}", wants(logged_in=OK), "a funds need of a published project"),
         Target("/pledges/needs/{skill_1}", wants(logged_in=OK), "a skill need of a published project"),
         Target("/pledges/needs/{goods_1}", wants(logged_in=OK), "a goods need of a published project"),
         Target("/pledges/needs/{draft_funds_1}", wants(logged_in=MISSING), "a need of LSG 1's draft"),
         # Issue 9, item 3: only needs of the published version take pledges.
         Target("/pledges/needs/{revision_need}", wants(logged_in=MISSING),
                "a need only in an unreviewed revision")),
    rows("pledges.new", "POST",
         Target("/pledges/needs/{funds_1}", wants(logged_in=go("/pledges/")),  # to its reference: …/made
                "a funds need of a published project", MONEY),
         Target("/pledges/needs/{skill_1}", wants(logged_in=go("/pledges/mine"), member_a=refused(409),
                                                   member_b=refused(409)),
                "a skill need of a published project (A and B already offered)", SKILL_OFFER),
         Target("/pledges/needs/{goods_1}", wants(logged_in=go("/pledges/mine")),
                "a goods need of a published project", {"quantity": "1", "note": "By car"}),
         Target("/pledges/needs/{draft_funds_1}", wants(logged_in=MISSING), "a need of LSG 1's draft", MONEY),
         Target("/pledges/needs/{revision_need}", wants(logged_in=MISSING),
                "a need only in an unreviewed revision", MONEY)),
    row("pledges.mine", "GET", "/pledges/mine", logged_in=OK),
    row("pledges.statement", "GET", "/pledges/statement", logged_in=OK),
    rows("pledges.lsg_statement", "GET",
         Target("/pledges/lsgs/{lsg_1}/statement", wants(official_1=OK, moderators=OK), "LSG 1")),
    rows("pledges.receipt", "GET",
         Target("/pledges/{confirmed}/receipt", wants(MISSING, member_a=OK, official_1=OK),
                "member A's confirmed pledge")),
    rows("pledges.withdraw", "POST",
         Target("/pledges/{pending_withdraw}/withdraw", wants(member_a=go("/pledges/mine")),
                "member A's pending pledge")),
    rows("pledges.incoming", "GET",
         Target("/pledges/projects/{published_1}", wants(official_1=OK), "LSG 1's published project"),
         Target("/pledges/projects/{draft_1}", draft_of_lsg_1(OK), "LSG 1's draft")),
    rows("pledges.confirm", "POST",
         Target("/pledges/{pending_confirm}/confirm", wants(official_1=go("/pledges/projects/")),
                "member A's pending pledge to LSG 1", {"reference": "Bank statement 12"}),
         # Issue 9, item 7b: an official never confirms their own pledge (the named test below asks
         # who may: another official, or a moderator).
         Target("/pledges/{own_pledge}/confirm", wants(skip=["moderator", "admin"]),
                "LSG 1 official's own pledge to LSG 1", {"reference": "Bank statement 13"})),
    rows("pledges.reject", "POST",
         Target("/pledges/{pending_reject}/reject", wants(official_1=go("/pledges/projects/")),
                "member A's pending pledge to LSG 1", REASON)),
    rows("pledges.accept", "POST",
         Target("/pledges/{offer_a}/accept", wants(official_1=go("/pledges/projects/")),
                "member A's skill offer to LSG 1", {"reference": ""})),
    rows("pledges.decline", "POST",
         Target("/pledges/{offer_b}/decline", wants(official_1=go("/pledges/projects/")),
                "member B's skill offer to LSG 1", REASON)),

    # ------------------------------------------------------------ card payments
    rows("payments.card", "GET",
         Target("/pay/needs/{funds_1}", wants(logged_in=OK), "a funds need of a published project"),
         Target("/pay/needs/{skill_1}", wants(logged_in=MISSING), "a skill need"),
         Target("/pay/needs/{draft_funds_1}", wants(logged_in=MISSING), "a need of LSG 1's draft"),
         Target("/pay/needs/{revision_need}", wants(logged_in=MISSING), "a need only in an unreviewed revision")),
    rows("payments.intent", "POST",
         Target("/pay/needs/{funds_1}/intent", wants(logged_in=OK), "a funds need of a published project", CARD,
                json=True),
         Target("/pay/needs/{draft_funds_1}/intent", wants(logged_in=MISSING), "a need of LSG 1's draft", CARD,
                json=True),
         Target("/pay/needs/{revision_need}/intent", wants(logged_in=MISSING),
                "a need only in an unreviewed revision", CARD, json=True)),
    rows("payments.confirm", "POST",
         Target("/pay/pledges/{card}/confirm", wants(MISSING, member_a=OK), "member A's card pledge", json=True),
         Target("/pay/pledges/{pending_confirm}/confirm", wants(MISSING), "member A's offline pledge",
                json=True)),
    rows("payments.processing", "GET",
         Target("/pay/pledges/{card}/processing", wants(MISSING, member_a=OK), "member A's card pledge")),

    # ------------------------------------------------------------ member profiles
    rows("profiles.detail", "GET",
         # A shows her profile to the officials of the LSGs she pledged to (LSG 1) and moderators.
         Target("/members/{member_a}", wants(MISSING, visitor=MISSING, member_a=OK, official_1=OK, moderators=OK),
                "member A's profile (pledged LSGs only)"),
         Target("/members/{member_b}", wants(**PUBLIC_GET), "member B's public profile")),
    row("profiles.me", "GET", "/members/me", logged_in=OK),
    row("profiles.me", "POST", "/members/me", data=profile_form, logged_in=go("/members/me"), last=True),
    row("profiles.add_availability", "POST", "/members/me/availability", logged_in=go("/members/me"),
        data={"window-starts_on": "2027-07-01", "window-ends_on": "2027-07-10"}),
    rows("profiles.remove_availability", "POST",
         Target("/members/me/availability/{window_a}/delete", wants(member_a=go("/members/me")),
                "member A's dates")),
    row("profiles.add_skill", "POST", "/members/me/skills", data={"skill-skill": "{unheld_skill}"},
        logged_in=go("/members/me")),
    rows("profiles.remove_skill", "POST",
         Target("/members/me/skills/{removable_skill_a}/delete", wants(member_a=go("/members/me")),
                "member A's skill")),
    rows("profiles.submit_credential", "POST",
         Target("/members/me/skills/{uploadable_skill_a}/credential", wants(member_a=go("/members/me")),
                "member A's skill", lambda ids, role: {
                    f"credential-{ids['uploadable_skill_a']}-credential": _file(1)})),

    # ------------------------------------------------------------ search
    row("search.index", "GET", "/search/?q=bridge", **PUBLIC_GET),
    row("search.suggest", "GET", "/search/suggest?q=bri", **PUBLIC_GET),
    row("search.for_you", "GET", "/search/for-you", logged_in=OK),
    row("search.saved", "GET", "/search/saved", logged_in=OK),
    row("search.save", "POST", "/search/saved", data={"query": "q=canal", "name": "Canals"},
        logged_in=go("/search/saved")),
    rows("search.delete_saved", "POST",
         Target("/search/saved/{saved_a}/delete", wants(MISSING, member_a=go("/search/saved")),
                "member A's saved search")),
    row("search.follow_home", "POST", "/search/follow-home", logged_in=go("/search/saved")),

    # ------------------------------------------------------------ notifications
    row("notifications.index", "GET", "/notifications/", logged_in=OK),
    rows("notifications.open_one", "POST",
         Target("/notifications/{opened_a}/open", wants(MISSING, member_a=go("/pledges/")),
                "member A's notification")),
    row("notifications.read_all", "POST", "/notifications/read", logged_in=go("/notifications/")),
    row("notifications.preferences", "GET", "/notifications/preferences", logged_in=OK),
    row("notifications.preferences", "POST", "/notifications/preferences",
        data=lambda ids, role: {"digest_every": "day", **{f"kind_{k}": "app" for k in notification_kinds}},
        logged_in=go("/notifications/preferences")),
    row("notifications.unsubscribe", "GET", "/notifications/unsubscribe/{unsubscribe_a}", **PUBLIC_GET),
    row("notifications.unsubscribe", "POST", "/notifications/unsubscribe/{unsubscribe_a}", **PUBLIC_GET),
    rows("search.volunteers", "GET",
         Target("/search/needs/{skill_1}/volunteers", wants(official_1=OK), "a skill need of LSG 1's project")),

    # ------------------------------------------------------------ public questions (issue 11, section 3)
    rows("questions.ask", "GET",
         Target("/projects/{published_1}/ask", wants(logged_in=OK), "a published project"),
         Target("/projects/{draft_1}/ask", wants(MISSING), "a draft")),
    rows("questions.ask", "POST",
         Target("/projects/{published_1}/ask", wants(logged_in=go("/projects/")), "a published project",
                {"to": "lsg", "body": "Is the bridge wide enough?", "show_as": "name"}),
         Target("/projects/{draft_1}/ask", wants(MISSING), "a draft",
                {"to": "lsg", "body": "Is the bridge wide enough?", "show_as": "name"})),
    rows("questions.answer", "GET",
         Target("/questions/{q_lsg}/answer", wants(official_1=OK), "a question to LSG 1"),
         Target("/questions/{q_ministry}/answer", wants(member_b=OK), "a question to member B's ministry")),
    rows("questions.answer", "POST",
         Target("/questions/{q_lsg}/answer", wants(official_1=go("/projects/")), "a question to LSG 1",
                {"body": "In June."}),
         Target("/questions/{q_ministry}/answer", wants(member_b=go("/projects/")),
                "a question to member B's ministry", {"body": "The national standard."})),
    row("questions.report_question", "POST", "/questions/{q_lsg}/report", logged_in=go("/projects/"),
        object="a question"),
    row("questions.report_answer", "POST", "/answers/{answer_1}/report", logged_in=go("/projects/"),
        object="an answer"),
    row("questions.reported", "GET", "/moderation/questions", moderators=OK),
    row("questions.hide_question", "GET", "/questions/{q_hide}/hide", moderators=OK),
    rows("questions.hide_question", "POST",
         Target("/questions/{q_hide}/hide", wants(moderator=go("/moderation/questions"), skip=["admin"]),
                "the moderator's question to hide", REASON),
         Target("/questions/{q_hide_b}/hide", wants(admin=go("/moderation/questions"), skip=["moderator"]),
                "the admin's question to hide", REASON)),
    row("questions.hide_answer", "GET", "/answers/{answer_hide}/hide", moderators=OK),
    rows("questions.hide_answer", "POST",
         Target("/answers/{answer_hide}/hide", wants(moderator=go("/moderation/questions"), skip=["admin"]),
                "the moderator's answer to hide", REASON),
         Target("/answers/{answer_hide_b}/hide", wants(admin=go("/moderation/questions"), skip=["moderator"]),
                "the admin's answer to hide", REASON)),
    rows("questions.ministry", "GET", Target("/ministries/{ministry_1}", wants(**PUBLIC_GET), "a ministry"),
         Target("/ministries/999999", wants(MISSING, visitor=MISSING), "no ministry")),
    row("questions.ministries", "GET", "/admin/ministries", admin=OK),
    row("questions.ministries", "POST", "/admin/ministries", admin=go("/admin/ministries/"),
        data=lambda ids, role: {"name_ky": "Суу", "name_ru": "Вода", "name_en": "Water", "sectors": [ids["sector_1"]]}),
    row("questions.edit_ministry", "GET", "/admin/ministries/{ministry_1}", admin=OK),
    row("questions.edit_ministry", "POST", "/admin/ministries/{ministry_1}", admin=go("/admin/ministries/"),
        data=lambda ids, role: {"name_ky": "М", "name_ru": "М", "name_en": "Ministry", "sectors": [ids["sector_1"]]}),
    row("questions.add_member", "POST", "/admin/ministries/{ministry_1}/members", admin=go("/admin/ministries/"),
        data={"email": "{member_a_email}"}),
    row("questions.remove_member", "POST", "/admin/ministries/{ministry_1}/members/{member_b}/remove",
        admin=go("/admin/ministries/"), last=True),
    row("questions.holidays", "GET", "/admin/holidays", admin=OK),
    row("questions.holidays", "POST", "/admin/holidays", data={"day": "2027-03-21", "name": "Nooruz"},
        admin=go("/admin/holidays")),
    row("questions.remove_holiday", "POST", "/admin/holidays/{holiday_2}/delete", admin=go("/admin/holidays")),

    # ------------------------------------------------------------ needs attention (issue 11, section 5)
    row("attention.index", "GET", "/attention/", official_1=OK, official_2=OK),

    # ------------------------------------------------------------ follows (issue 11, section 2)
    row("follows.index", "GET", "/following/", logged_in=OK),
    rows("follows.follow", "POST",
         Target("/following/project/{published_1}", wants(logged_in=go("/following/")), "a published project",
                {"next": "/following/"}),
         Target("/following/project/{draft_1}", wants(MISSING), "a draft", {"next": "/following/"}),
         Target("/following/lsg/{lsg_1}", wants(logged_in=go("/following/")), "LSG 1", {"next": "/following/"}),
         Target("/following/municipality/{municipality_1}", wants(logged_in=go("/following/")), "a village",
                {"next": "/following/"}),
         Target("/following/district/{district_1}", wants(logged_in=go("/following/")), "a district",
                {"next": "/following/"}),
         Target("/following/region/999999", wants(MISSING), "no region", {"next": "/following/"})),
    rows("follows.unfollow", "POST",
         Target("/following/lsg/{lsg_1}/unfollow", wants(logged_in=go("/following/")), "LSG 1"),
         Target("/following/region/999999/unfollow", wants(MISSING), "no region")),

    # ------------------------------------------------------------ private messages (issue 11, section 4)
    # Member A pledged to LSG 1 (thread A); member B offered to it (thread B, started by Official One,
    # reported by B) and has a public profile. Someone else's thread does not exist (404);
    # moderators read a reported thread, and write in none.
    row("messages.inbox", "GET", "/messages/", logged_in=OK),
    rows("messages.write_to_lsg", "GET",
         Target("/messages/to-lsg/{lsg_1}", wants(member_a=go("/messages/"), member_b=go("/messages/")),
                "LSG 1, which A and B pledged to"),
         Target(f"/messages/to-lsg/{NO_ID}", wants(MISSING), "no LSG")),
    rows("messages.write_to_lsg", "POST",
         Target("/messages/to-lsg/{lsg_1}", wants(member_a=go("/messages/"), member_b=go("/messages/")),
                "LSG 1, which A and B pledged to", {"body": "Another question"}),
         Target("/messages/to-lsg/{lsg_2}", wants(), "LSG 2, which nobody pledged to", {"body": "Hello"})),
    rows("messages.write_to_member", "GET",
         Target("/messages/lsg/{lsg_1}/to/{member_a}", wants(official_1=go("/messages/")),
                "member A, who pledged to LSG 1"),
         Target("/messages/lsg/{lsg_2}/to/{member_b}", wants(official_2=OK), "member B's public profile, for LSG 2")),
    rows("messages.write_to_member", "POST",
         Target("/messages/lsg/{lsg_1}/to/{member_a}", wants(official_1=go("/messages/")),
                "member A, who pledged to LSG 1", {"body": "Thank you"}),
         Target("/messages/lsg/{lsg_2}/to/{member_b}", wants(official_2=go("/messages/")),
                "member B's public profile, for LSG 2", {"body": "Would you help us?"})),
    rows("messages.thread", "GET",
         Target("/messages/{thread_a}", wants(MISSING, member_a=OK, official_1=OK), "thread A"),
         Target("/messages/{thread_b}", wants(MISSING, member_b=OK, official_1=OK, moderators=OK),
                "thread B, reported")),
    rows("messages.send", "POST",
         Target("/messages/{thread_a}", wants(MISSING, member_a=go("/messages/"), official_1=go("/messages/")),
                "thread A", {"body": "One more thing"}),
         Target("/messages/{thread_b}", wants(MISSING, member_b=go("/messages/"), official_1=go("/messages/"),
                                              moderators=DENIED), "thread B, reported", {"body": "Noted"})),
    rows("messages.consent", "POST",
         Target("/messages/{thread_a}/consent", wants(MISSING, member_a=go("/messages/"), official_1=DENIED),
                "thread A", {"share_phone": "y"})),
    rows("messages.report", "POST",
         Target("/messages/{thread_a}/report", wants(MISSING, member_a=go("/messages/"), official_1=go("/messages/")),
                "thread A", {"reason": "Rude"}),
         last=True),
    rows("messages.block", "POST",
         Target("/messages/{thread_a}/block", wants(MISSING, member_a=go("/messages/"), official_1=go("/messages/")),
                "thread A"),
         Target("/messages/{thread_b}/block", wants(MISSING, member_b=go("/messages/"), official_1=go("/messages/"),
                                                    moderators=DENIED), "thread B, reported"),
         last=True),
    row("messages.reported", "GET", "/messages/reported", moderators=OK),

    # ------------------------------------------------------------ LSG pages and payment details (issue 12, section 1)
    # Each LSG has a change of payment details waiting: the moderator decides LSG 1's, the admin LSG 2's
    # (before Official One sends a new one for LSG 1, below); each verifies one LSG.
    row("moderation.lsgs_queue", "GET", "/moderation/lsgs", moderators=OK),
    row("moderation.verify_lsg", "GET", "/moderation/lsgs/{lsg_1}/verify", moderators=OK),
    rows("moderation.verify_lsg", "POST",
         Target("/moderation/lsgs/{lsg_1}/verify", wants(moderator=go("/moderation/lsgs"), skip=["admin"]), "LSG 1",
                REASON),
         Target("/moderation/lsgs/{lsg_2}/verify", wants(admin=go("/moderation/lsgs"), skip=["moderator"]), "LSG 2",
                REASON)),
    row("moderation.payment_details_change", "GET", "/moderation/payment-details/{change_1}", moderators=OK),
    rows("moderation.payment_details_change", "POST",
         Target("/moderation/payment-details/{change_1}", wants(moderator=go("/moderation/lsgs"), skip=["admin"]),
                "LSG 1's change", {**REASON, "approve": "Approve"}),
         Target("/moderation/payment-details/{change_2}", wants(admin=go("/moderation/lsgs"), skip=["moderator"]),
                "LSG 2's change", {**REASON, "reject": "Reject"})),
    row("lsgs.edit_details", "GET", "/lsgs/{lsg_1}/details", official_1=OK),
    row("lsgs.edit_details", "POST", "/lsgs/{lsg_1}/details", official_1=go("/lsgs/"),
        data={"head_name": "Asanov Nurlan", "office_address": "Lenin 12", "phone": "+996 3534 21122",
              "opening_hours": "Mon-Fri 8-17"}),
    row("lsgs.edit_payment_details", "GET", "/lsgs/{lsg_1}/payment-details", official_1=OK),
    row("lsgs.edit_payment_details", "POST", "/lsgs/{lsg_1}/payment-details", official_1=go("/lsgs/"),
        data={"bank_name": "Optima", "bic": "ENEJKG22", "account": "1090000012345678", "recipient": "At-Bashy"}),
    row("admin.wallet_kinds", "GET", "/admin/wallet-kinds", admin=OK),
    row("admin.wallet_kinds", "POST", "/admin/wallet-kinds", admin=go("/admin/wallet-kinds"), data={"name": "Balance"}),
    row("admin.remove_wallet_kind", "POST", "/admin/wallet-kinds/{wallet_kind_1}/remove",
        admin=go("/admin/wallet-kinds")),

    # ------------------------------------------------------------ dashboards (issue 12, section 4)
    row("moderation.dashboard", "GET", "/moderation/dashboard?by=sector", moderators=OK),
    row("moderation.dashboard_csv", "GET", "/moderation/dashboard/money.csv?by=region", moderators=OK),
    row("moderation.dashboard_list", "GET", "/moderation/dashboard/list?by=region&column=pledged", moderators=OK),
    row("numbers.index", "GET", "/numbers/", **PUBLIC_GET),

    # ---- payment references and the payment slip (issue 12, section 2)
    rows("pledges.made", "GET",
         Target("/pledges/{pending_withdraw}/made", wants(MISSING, member_a=OK), "member A's offline pledge"),
         Target("/pledges/{goods}/made", wants(MISSING), "member A's goods pledge: no reference page")),
    rows("pledges.slip", "GET",
         Target("/pledges/{pending_withdraw}/slip", wants(MISSING, member_a=OK, official_1=OK),
                "member A's offline pledge to LSG 1"),
         Target("/pledges/{goods}/slip", wants(MISSING), "member A's goods pledge: no slip")),
    rows("pledges.find", "GET",
         Target("/pledges/find", wants(official_1=OK, official_2=OK), "the search page of officials"),
         Target("/pledges/find?ref={ref_pending_withdraw}", wants(official_1=go("/pledges/projects/"),
                                                                 official_2=refused(422)),
                "member A's pending pledge to LSG 1, by its reference")),

    # ------------------------------------------------------------ open data API (issue 12, section 3)
    # Everyone reads the same open data; what is not public (a draft, a submitted project) is missing
    # to everyone, its own officials and the moderators included: the API has no logged-in view.
    row("api.index", "GET", "/api/v1/", **PUBLIC_GET),
    row("api.openapi", "GET", "/api/v1/openapi.json", **PUBLIC_GET),
    row("api.docs", "GET", "/api/v1/docs", **PUBLIC_GET),
    *[row(f"api.{name}", "GET", f"/api/v1/{name}", **PUBLIC_GET)
      for name in ("projects", "lsgs", "regions", "districts", "municipalities", "sectors", "skills", "decisions")],
    *[row(f"api.{name}_csv", "GET", f"/api/v1/{name}.csv", **PUBLIC_GET)
      for name in ("projects", "lsgs", "regions", "districts", "municipalities", "sectors", "skills", "decisions")],
    rows("api.projects_one", "GET",
         Target("/api/v1/projects/{published_1}", wants(**PUBLIC_GET), "published project 1"),
         Target("/api/v1/projects/{revised_1}", wants(**PUBLIC_GET), "a published project with a revision"),
         Target("/api/v1/projects/{draft_1}", wants(MISSING, visitor=MISSING), "draft 1"),
         Target("/api/v1/projects/{submitted_1}", wants(MISSING, visitor=MISSING), "submitted 1")),
    rows("api.lsgs_one", "GET", Target("/api/v1/lsgs/{lsg_1}", wants(**PUBLIC_GET), "LSG 1"),
         Target("/api/v1/lsgs/999999", wants(MISSING, visitor=MISSING), "no LSG")),

    # ---- missions: patients (issue 13, section 3 and the report of section 5): LSG 1's officials
    # count the patients waiting on published project 1's mission and report after it (refused
    # before the mission's first day); a project that is no mission has no such pages
    rows("missions.patients", "GET",
         Target("/projects/{published_1}/mission/patients", wants(official_1=OK), "mission 1"),
         Target("/projects/{published_2}/mission/patients", wants(MISSING), "a project that is no mission")),
    row("missions.patients", "POST", "/projects/{published_1}/mission/patients", object="mission 1",
        official_1=go("/projects/"), data=lambda ids, role: {
            "counted_on": date.today().isoformat(), "screened": "120", "ready": "40", "more_tests": "30",
            "not_suitable": "50", "waiting_hernia_repair": "25"}),
    row("missions.report", "GET", "/projects/{published_1}/mission/report", object="mission 1", official_1=OK),
    row("missions.report", "POST", "/projects/{published_1}/mission/report", object="mission 1",
        official_1=refused(422), data={"performed_hernia_repair": "20", "patients_seen": "30", "body": "Done."}),

    # ------------------------------------------------------------ missions: plan (issue 13, section 1)
    # Only LSG 1's official runs its project as a mission and keeps the plan and the checklist.
    row("missions.start", "GET", "/projects/{plan_start}/mission/start", official_1=OK),
    row("missions.start", "POST", "/projects/{plan_start}/mission/start", official_1=go("/projects/"),
        data={"kind": "{plan_kind}", "starts_on": "2027-05-10", "ends_on": "2027-05-17"}),
    rows("missions.manage", "GET",
         Target("/projects/{plan_project}/mission", wants(official_1=OK), "LSG 1's mission"),
         Target("/projects/{published_2}/mission", wants(MISSING), "a project that is not a mission")),
    row("missions.edit_plan", "GET", "/projects/{plan_project}/mission/plan", official_1=OK),
    row("missions.edit_plan", "POST", "/projects/{plan_project}/mission/plan", official_1=go("/projects/"),
        data={"starts_on": "2027-05-10", "ends_on": "2027-05-16", "facility_kind": "hospital",
              "facility_name": "District hospital", "languages": ["ky", "ru"]}),
    rows("missions.edit_item", "GET",
         Target("/missions/{plan_mission}/items/{plan_item}", wants(official_1=OK), "an item of LSG 1's mission"),
         Target("/missions/{plan_mission}/items/" + NO_ID, wants(DENIED, official_1=MISSING), "no such item")),
    row("missions.edit_item", "POST", "/missions/{plan_mission}/items/{plan_item}", official_1=go("/projects/"),
        data={"status": "ready", "provider": "lsg", "need": "0", "note": "Checked"}),
    row("missions.add_item", "POST", "/missions/{plan_mission}/items", official_1=go("/projects/"),
        data={"name": "Spare lamps"}),
    row("missions.remove_item", "POST", "/missions/{plan_mission}/items/{plan_custom}/remove",
        official_1=go("/projects/")),
    row("missions.remove_item_photo", "POST", "/missions/{plan_mission}/items/{plan_item}/photos/{plan_photo}/remove",
        official_1=go("/missions/")),

    # ------------------------------------------------------------ missions: signoff (issue 13, section 1)
    # Member B is in ministry 1 (the sector of LSG 1's projects) and no official: the only one to decide
    # (before the "last" rows take B out of the ministry); the rows run in this order.
    row("missions.request_signoff", "POST", "/missions/{draft_mission}/signoff/request", official_1=go("/projects/"),
        object="LSG 1's mission in draft"),
    row("missions.signoff_queue", "GET", "/moderation/missions", member_b=OK),
    row("missions.review", "GET", "/moderation/missions/{signoff_mission}", member_b=OK, object="a mission waiting"),
    row("missions.send_item_back", "POST", "/moderation/missions/{signoff_mission}/items/{signoff_item}/send-back",
        member_b=go("/moderation/missions/"), object="a mission waiting",
        data=lambda ids, role: {f"item-{ids['signoff_item']}-reason": "No photo of the bridge's footings"}),
    row("missions.send_back", "POST", "/moderation/missions/{signoff_mission}/send-back",
        member_b=go("/moderation/missions/"), object="a mission sent back", data=REASON),
    row("missions.sign", "POST", "/moderation/missions/{draft_mission}/sign", member_b=go("/moderation/missions/"),
        object="the mission Official One sent (above)", data=REASON),
    row("missions.admin_kinds", "GET", "/admin/mission-kinds", admin=OK),
    row("missions.admin_kinds", "POST", "/admin/mission-kinds", admin=go("/admin/mission-kinds"),
        data={"form": "kind", "kind-code": "bridge_week", "kind-name_ky": "Көпүрө жумасы",
              "kind-name_ru": "Неделя моста", "kind-name_en": "Bridge week", "kind-sector": "0"}),
    row("missions.admin_kind", "GET", "/admin/mission-kinds/{mission_kind}", admin=OK),
    row("missions.admin_kind", "POST", "/admin/mission-kinds/{mission_kind}", admin=go("/admin/mission-kinds/"),
        data={"item-code": "scaffolding", "item-name_ky": "Такталар", "item-name_ru": "Леса",
              "item-name_en": "Scaffolding", "item-position": "90"}),
    row("missions.admin_retire_item", "POST", "/admin/mission-kinds/items/{template_item}/retire",
        admin=go("/admin/mission-kinds/"), data={"retired": "1"}),

    # ------------------------------------------------------------ missions: permits (issue 13, section 2)
    rows("missions.volunteers", "GET",
         Target("/projects/{mission_project}/mission/volunteers", wants(official_1=OK), "LSG 1's mission"),
         Target("/projects/{published_2}/mission/volunteers", wants(MISSING, visitor=LOGIN), "no mission")),
    row("missions.request_permit", "POST", "/missions/{mission}/volunteers/{permit_to_request}/permit",
        official_1=go("/projects/"), object="a volunteer whose permission is to request"),
    row("missions.confirm_volunteer", "POST", "/missions/{mission}/volunteers/{permit_granted}/confirm",
        official_1=go("/projects/"), object="a volunteer with a granted permission"),
    row("missions.permit_queue", "GET", "/moderation/permits", member_b=OK, object="the health ministry's queue"),
    row("missions.decide_permit", "GET", "/moderation/permits/{permit_to_decide}", member_b=OK,
        object="a requested permission"),
    row("missions.decide_permit", "POST", "/moderation/permits/{permit_to_decide}", member_b=go("/moderation/permits"),
        data={"reason": "Licence valid", "grant": "Grant the permission"}, object="a requested permission"),

    # ---- missions: certificates (issue 13, section 5): hours, certificates, the public check
    row("missions.hours", "GET", "/projects/{mission_project}/mission/hours", official_1=OK,
        object="LSG 1's ended mission"),
    row("missions.hours", "POST", "/projects/{mission_project}/mission/hours", official_1=go("/projects/"),
        data=lambda ids, role: {f"hours_{ids['mission_volunteer']}": "40"}, object="LSG 1's ended mission"),
    # someone else's certificate does not exist for them (as their itinerary)
    row("missions.certificate", "GET", "/missions/volunteers/{mission_volunteer}/certificate", others=MISSING,
        member_a=OK, official_1=OK, object="member A's certificate"),
    row("missions.certificate_pdf", "GET", "/missions/volunteers/{mission_volunteer}/certificate.pdf",
        others=MISSING, member_a=OK, official_1=OK, object="member A's certificate"),
    rows("missions.verify_certificate", "GET",
         Target("/certificates/{certificate_code}", wants(**PUBLIC_GET), "member A's certificate"),
         Target("/certificates/ABCD-EFGH-JKMN", wants(MISSING, visitor=MISSING), "no certificate")),
    rows("missions.find_certificate", "GET",
         Target("/certificates", wants(**PUBLIC_GET), "the lookup form"),
         Target("/certificates?code={certificate_code}", wants(go("/certificates/"), visitor=go("/certificates/")),
                "member A's certificate, by its code")),

    # ------------------------------------------------------------ missions: itinerary (issue 13, section 4)
    # A volunteer's itinerary and calendar file: theirs and the mission's officials'; to anyone else
    # they do not exist. Only the volunteer writes their arrival. The team: its volunteers and officials.
    rows("missions.itinerary", "GET",
         Target("/missions/volunteers/{itinerary_a}", wants(MISSING, member_a=OK, official_1=OK),
                "member A's itinerary on LSG 1's mission"),
         Target(f"/missions/volunteers/{NO_ID}", wants(MISSING), "no volunteer")),
    row("missions.calendar", "GET", "/missions/volunteers/{itinerary_a}.ics", others=MISSING, member_a=OK,
        official_1=OK, object="member A's calendar file"),
    row("missions.edit_arrival", "POST", "/missions/volunteers/{itinerary_a}/arrival",
        data={"flight_number": "KC 109", "arrives_at": "2027-05-09T06:35", "arrival_airport": "FRU",
              "needs_pickup": "y"},
        others=MISSING, member_a=go("/missions/volunteers/"), official_1=DENIED, object="member A's arrival"),
    row("missions.edit_team_name", "POST", "/missions/volunteers/{itinerary_a}/team-name", data={"name_in_team": "y"},
        others=MISSING, member_a=go("/missions/volunteers/"), official_1=DENIED, object="member A's name in the team"),
    rows("missions.team", "GET",
         Target("/missions/{itinerary_mission}/team", wants(member_a=OK, official_1=OK), "LSG 1's mission"),
         Target(f"/missions/{NO_ID}/team", wants(MISSING), "no mission")),
]


# ---------------------------------------------------------------- the table and the app


def _rules(app):
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - IGNORED_METHODS}


def test_every_route_has_a_row(app):
    keys = [(r.endpoint, r.method) for r in MATRIX]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"rows given twice in the authorization matrix: {duplicated}"
    routes = _rules(app)
    missing = sorted(routes - set(keys))
    stale = sorted(set(keys) - routes)
    problems = [f"new route {method} {endpoint} has no row in the authorization matrix"
                for endpoint, method in missing]
    problems += [f"the authorization matrix has a row for {method} {endpoint}, which is no longer a route"
                 for endpoint, method in stale]
    assert not problems, "\n".join(problems)


def test_rows_are_well_formed(app):
    """Each path reaches its row's endpoint, and every role is asked each row at least once."""
    urls = app.url_map.bind("localhost")
    placeholders = _Placeholders()
    problems = []
    for r in MATRIX:
        asked = set()
        for target in r.targets:
            path = urlsplit(target.path.format_map(placeholders)).path
            try:
                endpoint, _ = urls.match(path, method=r.method)
            except HTTPException as error:
                endpoint = f"nothing ({error.code})"
            if endpoint != r.endpoint:
                problems.append(f"{r.method} {target.path} of row {r.endpoint} reaches {endpoint}")
            asked |= set(target.want)
        if set(ROLES) - asked:
            problems.append(f"row {r.method} {r.endpoint} never asks {sorted(set(ROLES) - asked)}")
    assert not problems, "\n".join(problems)


class _Placeholders(dict):
    def __missing__(self, key):
        return "1" if key != "published_photo" and key != "credential_file" else "a" * 32 + ".jpg"


# ---------------------------------------------------------------- asking


def checksum():
    """One value for every row of every table a route could change (read on its own connection).

    On PostgreSQL one statement hashes each table's rows in the database (md5 of the rows as
    text); on SQLite, in process, the rows themselves are hashed."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in UNCHANGING_TABLES]
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            statement = " UNION ALL ".join(
                f"SELECT '{t.name}', count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
                f"FROM {t.name} r" for t in tables)
            return tuple(connection.execute(db.text(statement)))
        total = 0
        for table in tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for values in connection.execute(db.select(table).order_by(*order)):
                total = zlib.crc32(repr(tuple(values)).encode(), total)
            total = zlib.crc32(table.name.encode(), total)
        return total


class Roles:
    """One client per role, logged in once through the real login form."""

    def __init__(self, app, users):
        self.app, self.users, self.clients = app, users, {}
        for role in LOGGED_IN:
            self.clients[role] = self._new_client()
            self.login(role)

    def _new_client(self):
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    def login(self, role):
        limiter.reset()
        response = self.clients[role].post("/auth/login", data={"email": self.users[role].email,
                                                                "password": PASSWORD})
        assert response.status_code == 302, f"{role} could not log in: {response.status_code}"

    def client(self, role):
        # A visitor has nothing to keep between requests: a new anonymous browser each time.
        return self._new_client() if role == "visitor" else self.clients[role]


def _data(target, ids, role):
    if target.data is None:
        return None
    if callable(target.data):
        return target.data(ids, role)
    return {key: value.format_map(ids) if isinstance(value, str) else value for key, value in target.data.items()}


def ask(roles, r, target, role, ids):
    """(status, Location path or "", error) for one request."""
    limiter.reset()  # the login and reset throttles are not what this test is about
    headers = {"Accept": "application/json"} if target.json else {}
    if r.endpoint == "webhooks.stripe":
        kwargs = {"data": json.dumps(target.data), "content_type": "application/json"}
    else:
        kwargs = {"data": _data(target, ids, role)}
    try:
        response = roles.client(role).open(target.path.format_map(ids), method=r.method, headers=headers, **kwargs)
    except Exception as error:  # a 500 in testing mode: the failure is reported with the others
        db.session.rollback()
        return None, "", f"{type(error).__name__}: {error}"
    return response.status_code, urlsplit(response.headers.get("Location", "")).path, None


def where(r, target, role, ids):
    return (f"{r.method} {target.path.format_map(ids)} ({r.endpoint}) as {role}"
            + (f" on {target.object}" if target.object else ""))


def check(r, target, role, ids, want, got):
    status, location, error = got
    where_ = where(r, target, role, ids)
    if error:
        return f"{where_}: expected {want}, raised {error}"
    if status not in want.status or (want.to and not location.startswith(want.to)):
        shown = f"{status} to {location}" if location else str(status)
        return f"{where_}: expected {want}, got {shown}"
    return None


def test_authorization_matrix(app):
    world = build_world()
    ids = world.ids
    roles = Roles(app, world.users)
    failures = []

    # Phase 1: every GET and every refused request, on the world as built; none changes a row.
    # The rows are compared after each refused POST, and after each row's GETs.
    before = checksum()

    def unchanged(what):
        nonlocal before
        after = checksum()
        if after != before:
            failures.append(f"{what} changed rows")
            before = after

    for r in MATRIX:
        for target in r.targets:
            for role, want in target.want.items():
                if r.method != "GET" and want.allowed:
                    continue
                failure = check(r, target, role, ids, want, ask(roles, r, target, role, ids))
                if failure:
                    failures.append(failure)
                if r.method != "GET":
                    unchanged(f"{where(r, target, role, ids)}: refused, but it")
        if r.method == "GET":
            unchanged(f"GET {r.endpoint} (one of its requests above)")

    # Phase 2: the allowed POSTs, rows marked "last" at the end; they may change rows.
    for r in [r for r in MATRIX if not r.last] + [r for r in MATRIX if r.last]:
        if r.method == "GET":
            continue
        for target in r.targets:
            for role, want in target.want.items():
                if not want.allowed:
                    continue
                failure = check(r, target, role, ids, want, ask(roles, r, target, role, ids))
                if failure:
                    failures.append(failure)
                if r.relogin and role != "visitor":
                    roles.login(role)

    assert not failures, f"{len(failures)} answers differ from the authorization matrix:\n" + "\n".join(failures)


# ---------------------------------------------------------------- the holes of issue 9, by name


def _pledge_count():
    return db.session.scalar(db.select(db.func.count(Pledge.id)))


@pytest.mark.parametrize("revision", ["being edited", "waiting for a moderator"])
def test_need_only_in_unreviewed_revision_takes_no_pledge(app, client, login_as, revision):
    """Issue 9, item 3: a need added to a published project's revision is not public until a
    moderator approves the revision. Nobody pledges to it, offline or by card; the same requests on
    a need of the published version go through."""
    official = make_official()
    project = make_project(official, publish=True)
    published_need = next(n for n in project.needs if n.target_amount)
    added = projects.add_need(official, project, "funds", title="Added in the revision",
                              target_amount=200_000_00, currency="KGS")
    if revision == "waiting for a moderator":
        projects.submit_project(official, project)
    db.session.commit()
    assert added.id not in {n["id"] for n in project.published_snapshot["needs"]}

    for user in (make_user(), official, make_user(role=Role.MODERATOR), make_user(role=Role.ADMIN)):
        login_as(user)
        pledges_before = _pledge_count()
        for path, data, json_api in ((f"/pledges/needs/{added.id}", None, False),
                                     (f"/pledges/needs/{added.id}", MONEY, False),
                                     (f"/pay/needs/{added.id}", None, False),
                                     (f"/pay/needs/{added.id}/intent", CARD, True)):
            method = "POST" if data else "GET"
            response = client.open(path, method=method, data=data,
                                   headers={"Accept": "application/json"} if json_api else {})
            assert response.status_code == 404, (
                f"{method} {path} as {user.name}: {response.status_code}, expected 404 "
                f"(the need is only in an unreviewed revision)")
        assert _pledge_count() == pledges_before, f"{user.name} pledged to a need that is not published"

    # The control: the same requests on a need of the published version are taken.
    member = login_as(make_user())
    assert client.get(f"/pledges/needs/{published_need.id}").status_code == 200
    assert client.post(f"/pledges/needs/{published_need.id}", data=MONEY).status_code == 302
    assert client.get(f"/pay/needs/{published_need.id}").status_code == 200
    started = client.post(f"/pay/needs/{published_need.id}/intent", data=CARD,
                          headers={"Accept": "application/json"})
    assert started.status_code == 200, started.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Pledge.id)).filter_by(member_id=member.id)) == 2


def _official_pledges_to_own_project(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    need = next(n for n in project.needs if n.target_amount)
    login_as(official)
    assert client.post(f"/pledges/needs/{need.id}", data=MONEY).status_code == 302
    pledge = db.session.scalar(db.select(Pledge).filter_by(member_id=official.id))
    return official, project, pledge


def _confirmations(pledge):
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        target_type="pledges", target_id=pledge.id, action="pledge.confirmed"))


def test_official_cannot_confirm_own_pledge(app, client, login_as):
    """Issue 9, item 7b: an official may give to their own LSG's project, but the money they say
    they gave counts only once someone else confirms it."""
    official, project, pledge = _official_pledges_to_own_project(client, login_as)
    response = client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "my own transfer"})
    assert response.status_code == 403, f"the official confirmed their own pledge: {response.status_code}"
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.PENDING
    assert _confirmations(pledge) == 0
    assert pledge_service.confirmed_totals([pledge.need_id]).get(pledge.need_id, 0) == 0
    # Not through the service either: the rule is the service's, the route only shows it.
    with pytest.raises(PermissionDenied):
        pledge_service.confirm_pledge(db.session.get(User, official.id), db.session.get(Pledge, pledge.id))
    db.session.rollback()


def test_official_own_pledge_is_confirmed_by_another_official(app, client, login_as):
    official, project, pledge = _official_pledges_to_own_project(client, login_as)
    colleague = make_user()
    make_membership(colleague, project.lsg, approved=True, position="Deputy head")
    login_as(colleague)
    assert client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "seen on the statement"}).status_code == 302
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.CONFIRMED


def test_official_own_pledge_is_confirmed_by_a_moderator(app, client, login_as):
    """An LSG with a single official: a moderator confirms the official's own pledge (issue 9, 7b:
    "a pledge is confirmed by another official or a moderator")."""
    official, project, pledge = _official_pledges_to_own_project(client, login_as)
    login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "seen on the statement"}).status_code == 302
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.CONFIRMED


def test_the_world_has_what_the_matrix_asks_about(app):
    """The matrix's refusals mean something only if the objects are what the rows say they are."""
    world = build_world()
    ids = world.ids
    assert all(value is not None for value in ids.values())
    statuses = {name: db.session.get(Pledge, ids[name]).status for name in
                ("pending_confirm", "pending_reject", "pending_withdraw", "confirmed", "rejected", "offer_a",
                 "offer_b", "own_pledge", "card")}
    assert statuses == {"pending_confirm": PledgeStatus.PENDING, "pending_reject": PledgeStatus.PENDING,
                        "pending_withdraw": PledgeStatus.PENDING, "confirmed": PledgeStatus.CONFIRMED,
                        "rejected": PledgeStatus.REJECTED, "offer_a": PledgeStatus.PENDING,
                        "offer_b": PledgeStatus.PENDING, "own_pledge": PledgeStatus.PENDING,
                        "card": PledgeStatus.PENDING}
    assert db.session.get(Pledge, ids["own_pledge"]).member_id == world.users["official_1"].id
    assert date.today() < date(2027, 5, 1)  # the skill window and the availability are still ahead
