"""Every kind of notification, declared once: its words (rendered in the reader's language when shown
or mailed, from the params saved with it), where it links to, how people hear of it unless they
chose otherwise, and who may receive it. app/services/notifications.py sends them."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models.notifications import Channel


@dataclass(frozen=True)
class Kind:
    label: object  # what the preferences page calls it
    text: object  # a lazy string with %(name)s placeholders filled from the notification's params
    endpoint: str  # what it links to; url values are the params named in ``values``
    values: tuple = ()
    default: Channel = Channel.MAIL
    group: object = None  # heading on the preferences page
    anchor: str | None = None
    audience: str = "member"  # who may receive it: "member" (anyone), "official", "moderator"


_MINE = _l("My pledges, offers and profile")
_LSG = _l("For officials of my LSG")
_FOLLOWED = _l("Projects and places I follow")
_DIALOGUE = _l("Questions and messages")

KINDS = {
    # to the member: their requests decided
    "membership_approved": Kind(_l("My request to act for an LSG is approved"), _l("You are now an official of %(lsg)s."), "lsgs.index", group=_MINE),
    "membership_rejected": Kind(_l("My request to act for an LSG is declined"), _l("Your request to act for %(lsg)s was declined: %(reason)s"), "lsgs.index", group=_MINE),
    "credential_verified": Kind(_l("A credential of mine is verified"), _l("Your credential for %(skill)s was verified."), "profiles.me", group=_MINE),
    "credential_rejected": Kind(_l("A credential of mine is not accepted"), _l("Your credential for %(skill)s was not accepted: %(reason)s"), "profiles.me", group=_MINE),
    "pledge_confirmed": Kind(_l("A pledge of mine is confirmed"), _l("Your pledge of %(amount)s to “%(title)s” was confirmed."), "pledges.receipt", ("pledge_id",), group=_MINE),
    # A receipt exists only for a pledge that counts: the others link to the member's list of pledges.
    "pledge_rejected": Kind(_l("A pledge of mine is not confirmed"), _l("Your pledge to “%(title)s” was not confirmed: %(reason)s"), "pledges.mine", group=_MINE),
    "pledge_expired": Kind(_l("A card payment of mine was not completed"), _l("Your card payment for “%(title)s” did not go through; nothing was charged."), "pledges.mine", group=_MINE),
    "pledge_lapsed": Kind(_l("A pledge of mine expired unconfirmed"), _l("Your pledge to “%(title)s” was not confirmed within %(days)s days and has expired."), "pledges.mine", group=_MINE),
    "pledge_refunded": Kind(_l("Money of mine is refunded"), _l("%(amount)s of your pledge to “%(title)s” was refunded."), "pledges.mine", group=_MINE),
    "need_closed": Kind(_l("A need I pledged to is closed"), _l("“%(need)s” on “%(title)s” takes no new pledges; your pledge on it still waits for the officials' decision. The reason: %(reason)s"), "pledges.mine", group=_MINE),
    "offer_accepted": Kind(_l("An offer of mine is accepted"), _l("Your offer for “%(need)s” on “%(title)s” was accepted."), "pledges.receipt", ("pledge_id",), group=_MINE),
    "offer_declined": Kind(_l("An offer of mine is declined"), _l("Your offer for “%(need)s” on “%(title)s” was declined: %(reason)s"), "pledges.mine", group=_MINE),
    "mission_soon": Kind(_l("A mission I volunteer for starts in a week"), _l("“%(need)s” on “%(title)s” starts on %(starts_on)s."), "pledges.receipt", ("pledge_id",), group=_MINE),
    # to the officials of the project's LSG
    "project_changes_requested": Kind(_l("Moderators ask for changes to a project"), _l("Changes were requested on “%(title)s”: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "project_published": Kind(_l("A project is published"), _l("“%(title)s” is published."), "projects.detail", ("project_id",), group=_LSG, audience="official"),
    "project_rejected": Kind(_l("A project is rejected"), _l("“%(title)s” was rejected: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "project_unpublished": Kind(_l("A project is unpublished"), _l("“%(title)s” was unpublished: %(reason)s"), "projects.manage", ("project_id",), group=_LSG, audience="official"),
    "pledge_received": Kind(_l("A new pledge of money"), _l("New pledge of %(amount)s to “%(title)s” from %(member)s."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "offer_received": Kind(_l("A new offer of skills"), _l("%(member)s offers to help with “%(need)s” on “%(title)s”."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "goods_pledge_received": Kind(_l("A new pledge of goods"), _l("%(member)s pledges goods for “%(need)s” on “%(title)s”."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "pledges_waiting": Kind(_l("Offline pledges wait for confirmation"), _l("Offline pledges to “%(title)s” waiting for confirmation for more than %(days)s days: %(count)s."), "pledges.incoming", ("project_id",), group=_LSG, audience="official"),
    "pledges_waiting_escalated": Kind(_l("Offline pledges wait too long (moderators)"), _l("Offline pledges to “%(title)s” (%(lsg)s) waiting for confirmation for more than %(days)s days: %(count)s."), "projects.detail", ("project_id",), group=_LSG, anchor="ledger-heading", audience="moderator"),  # moderators see the public ledger
    "update_due": Kind(_l("A project needs an update"), _l("“%(title)s” has had no update for %(days)s days: post one before it is flagged as silent."), "projects.new_update", ("project_id",), group=_LSG, audience="official"),
    # an LSG's payment details (issue 12): to its officials, and to the donors whose offline pledges wait
    "payment_details_changed": Kind(_l("The payment details of an LSG I give to changed"), _l("The payment details of %(lsg)s changed on %(date)s, verified by the ministry. Use the new ones for any transfer."), "lsgs.detail", ("lsg_id",), group=_MINE, anchor="payment-details"),
    "payment_details_rejected": Kind(_l("A change to my LSG's payment details is not approved"), _l("The change to the payment details of %(lsg)s was not approved: %(reason)s"), "lsgs.detail", ("lsg_id",), group=_LSG, anchor="payment-details", audience="official"),
    # to followers and everyone who pledged
    "project_update": Kind(_l("An update on a project I follow or supported"), _l("New update on “%(title)s”: %(update)s"), "projects.detail", ("project_id",), Channel.DIGEST, _FOLLOWED, "updates"),
    "followed_project_published": Kind(_l("A new project in a place I follow"), _l("New project in %(place)s: “%(title)s”."), "projects.detail", ("project_id",), Channel.DIGEST, _FOLLOWED),
    # questions and messages
    "question_asked": Kind(_l("A new question to answer"), _l("New question on “%(title)s”: %(question)s"), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_answered": Kind(_l("My question is answered"), _l("Your question on “%(title)s” was answered."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_late": Kind(_l("A question waits past its due date"), _l("A question on “%(title)s” is waiting for your answer past its due date."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions"),
    "question_escalated": Kind(_l("A question is unanswered past its due date (moderators)"), _l("A question to %(addressee)s on “%(title)s” is unanswered past its due date."), "projects.detail", ("project_id",), group=_DIALOGUE, anchor="questions", audience="moderator"),
    "message_received": Kind(_l("A new private message"), _l("New message from %(sender)s."), "messages.thread", ("thread_id",), group=_DIALOGUE),
    # missions: plan
    "mission_item_changed": Kind(_l("An item of the site checklist of a mission I volunteer for changes"), _l("“%(item)s” for “%(title)s” is now %(status)s."), "projects.detail", ("project_id",), group=_MINE, anchor="mission-heading"),
    # missions: signoff
    "mission_signoff_requested": Kind(_l("A mission's site waits for my ministry's sign-off"), _l("The site checklist of “%(title)s” waits for your ministry's sign-off."), "missions.signoff_queue", group=_LSG),
    "mission_item_sent_back": Kind(_l("The ministry sends back an item of a mission's checklist"), _l("The ministry sent back “%(item)s” of the checklist of “%(title)s”: %(reason)s"), "missions.manage", ("project_id",), group=_LSG, audience="official"),
    "mission_sent_back": Kind(_l("The ministry sends back a mission's checklist"), _l("The ministry sent back the site checklist of “%(title)s”: %(reason)s"), "missions.manage", ("project_id",), group=_LSG, audience="official"),
    "mission_signed": Kind(_l("The ministry signs a mission's site ready"), _l("The ministry signed the site of “%(title)s” ready: %(reason)s"), "missions.manage", ("project_id",), group=_LSG, audience="official"),
    "mission_site_ready": Kind(_l("The site of a mission I volunteer for is signed ready"), _l("The ministry signed the site of “%(title)s” ready for the mission."), "projects.detail", ("project_id",), group=_MINE),

    # missions: permits
    "permit_requested": Kind(_l("A permission to practise waits for my ministry"), _l("The officials of “%(title)s” ask for a permission to practise for %(member)s (%(skill)s), %(starts_on)s – %(ends_on)s."), "missions.permit_queue", group=_DIALOGUE),
    "permit_requested_mine": Kind(_l("My permission to practise is requested"), _l("The officials of “%(title)s” asked the ministry for your permission to practise as %(skill)s."), "projects.detail", ("project_id",), group=_MINE, anchor="mission-heading"),
    "permit_granted": Kind(_l("My permission to practise is granted"), _l("Your permission to practise as %(skill)s on “%(title)s” was granted: %(reason)s"), "projects.detail", ("project_id",), group=_MINE, anchor="mission-heading"),
    "permit_refused": Kind(_l("My permission to practise is refused"), _l("Your permission to practise as %(skill)s on “%(title)s” was refused: %(reason)s"), "projects.detail", ("project_id",), group=_MINE, anchor="mission-heading"),
    "permit_granted_officials": Kind(_l("A volunteer's permission to practise is granted"), _l("The permission to practise for %(member)s (%(skill)s) on “%(title)s” was granted: %(reason)s"), "missions.volunteers", ("project_id",), group=_LSG, audience="official"),
    "permit_refused_officials": Kind(_l("A volunteer's permission to practise is refused"), _l("The permission to practise for %(member)s (%(skill)s) on “%(title)s” was refused: %(reason)s"), "missions.volunteers", ("project_id",), group=_LSG, audience="official"),
    "volunteer_confirmed": Kind(_l("I am confirmed for a mission's dates"), _l("You are confirmed on “%(title)s” for %(starts_on)s – %(ends_on)s."), "projects.detail", ("project_id",), group=_MINE, anchor="mission-heading"),
    # missions: itinerary
    "mission_arrival_given": Kind(_l("A mission volunteer gives or changes their arrival"), _l("%(member)s arrives for “%(title)s” on %(arrives_on)s at %(time)s, flight %(flight)s, at %(airport)s."), "missions.itinerary", ("volunteer_id",), group=_LSG, audience="official"),
    "mission_in_14_days": Kind(_l("A mission I volunteer for starts in two weeks"), _l("“%(title)s” starts on %(starts_on)s: check your itinerary and give your arrival."), "missions.itinerary", ("volunteer_id",), group=_MINE),
    "mission_in_3_days": Kind(_l("A mission I volunteer for starts in three days"), _l("“%(title)s” starts on %(starts_on)s: your itinerary and the coordinator's contact."), "missions.itinerary", ("volunteer_id",), group=_MINE),
    "mission_dates_changed": Kind(_l("The dates of a mission I volunteer for change"), _l("“%(title)s” now runs from %(starts_on)s to %(ends_on)s: check your itinerary and your arrival."), "missions.itinerary", ("volunteer_id",), group=_MINE),
}
