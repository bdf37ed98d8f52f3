"""One world for the authorization matrix: eight roles and an object of every kind each can own.

Everything is made through the services (as tests/factories.py does), committed, and indexed by
the worker's code (``drain``), so that every route of the app has something real to be asked
about: two LSGs, a draft, submitted and published projects per LSG, needs of each kind, pledges
in several states by member A on LSG 1's published project, a pledge by LSG 1's own official,
profiles with credentials, availability and saved searches.

Objects that an allowed request changes once and for all (a decision, a withdrawal, a
cancellation) exist once per role that may make that change, so that allowed requests in the
matrix never get in each other's way.
"""
import io
from datetime import date, timedelta
from types import SimpleNamespace

from PIL import Image

from app.extensions import db
from app.models import MissionKind, Municipality, NeedKind, ProfileSkill, Role, Sector, Skill
from app.models._common import utcnow
from app.payments import start_card_pledge
from app.search.query import SearchQuery
from app.services import messages, ministries, notifications, payment_details, pledges, profiles, projects, questions
from app.services import search as search_service
from app.services.missions import certificates
from app.services.missions import core as mission_core
from app.services.missions import permits as permit_service
from app.services.missions import plan as mission_plan
from app.services.missions import signoff as mission_signoff
from app.services.missions.core import mission_of, start_mission
from app.worker import drain
from tests.factories import jpeg_upload, make_lsg, make_membership, make_official, make_project, make_user

ROLES = ("visitor", "member_a", "member_b", "official_1", "official_2", "applicant", "moderator", "admin")
LSG_MUNICIPALITIES = ("KG-N-ATB-01", "KG-N-KOC-01")
SKILL_WINDOW = (date(2027, 5, 10), date(2027, 5, 17))


def jpeg_bytes(seed=0):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40 * seed % 255, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _skill(code):
    return db.session.scalar(db.select(Skill).filter_by(code=code))


def _need(project, kind):
    return next(n for n in project.needs if n.kind == kind)


def _publish(moderator, official, project):
    projects.submit_project(official, project)
    projects.publish_project(moderator, project, reason="Documents checked")
    db.session.commit()
    return project


def build_world(*, card_payments=True):
    """The world; returns a namespace with ``users`` (role → User, visitor None) and ``ids``."""
    lsg_1 = make_lsg(LSG_MUNICIPALITIES[0], name="At-Bashy ayil okmotu")
    lsg_2 = make_lsg(LSG_MUNICIPALITIES[1], name="Kochkor ayil okmotu")
    official_1 = make_official(lsg_1, name="Official One")
    official_2 = make_official(lsg_2, name="Official Two")
    member_a = make_user(name="Member A")
    member_b = make_user(name="Member B")
    applicant = make_user(name="Applicant")
    moderator = make_user(role=Role.MODERATOR, name="Moderator")
    admin = make_user(role=Role.ADMIN, name="Admin")
    applied_1 = make_membership(applicant, lsg_1)
    applied_2 = make_membership(applicant, lsg_2)

    def draft(official, lsg, title, **kw):
        return make_project(official, lsg, title=title, **kw)

    # LSG 1: the objects most rows are asked about.
    draft_1 = draft(official_1, lsg_1, "Draft school roof", photos=2)
    cancel_1 = draft(official_1, lsg_1, "Draft to cancel", complete=False)
    submit_1 = draft(official_1, lsg_1, "Draft ready for review")
    submitted_1 = draft(official_1, lsg_1, "Submitted clinic", submit=True)
    submitted_1b = draft(official_1, lsg_1, "Submitted water pipe", submit=True)
    published_1 = draft(official_1, lsg_1, "Published bridge", photos=1)
    projects.add_need(official_1, published_1, "in_kind", item="Cement bags", quantity=200, unit="bags")
    db.session.commit()
    _publish(moderator, official_1, published_1)
    revised_1 = draft(official_1, lsg_1, "Published road, revised", publish=True)
    # A need that exists only in a revision waiting for a moderator: not in the published version.
    revision_need = projects.add_need(official_1, revised_1, "funds", title="Added in the revision",
                                      target_amount=300_000_00, currency="KGS")
    projects.submit_project(official_1, revised_1)
    db.session.commit()

    # LSG 2.
    draft_2 = draft(official_2, lsg_2, "Draft kindergarten")
    submitted_2 = draft(official_2, lsg_2, "Submitted sports hall", submit=True)
    submitted_2b = draft(official_2, lsg_2, "Submitted street lights", submit=True)
    published_2 = draft(official_2, lsg_2, "Published irrigation canal", publish=True)
    published_2b = draft(official_2, lsg_2, "Published library", publish=True)

    funds_1, skill_1, goods_1 = (_need(published_1, k) for k in (NeedKind.FUNDS, NeedKind.SKILL, NeedKind.IN_KIND))

    def money(member, amount=1_000_00):
        return pledges.pledge_money(member, funds_1, amount=amount, currency="KGS", method="bank_transfer",
                                    reference="KICB 123")

    pending_confirm = money(member_a)
    pending_reject = money(member_a)
    pending_withdraw = money(member_a)
    confirmed = money(member_a)
    pledges.confirm_pledge(official_1, confirmed, reference="received")
    rejected = money(member_a)
    pledges.reject_pledge(official_1, rejected, reason="Never arrived")
    goods = pledges.pledge_goods(member_a, goods_1, quantity=5, note="By truck")
    offer_a = pledges.offer_skill(member_a, skill_1, starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    offer_b = pledges.offer_skill(member_b, skill_1, starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    own_pledge = money(official_1)  # LSG 1's official gives to LSG 1's project
    db.session.commit()
    card = None
    if card_payments:
        card, _secret, _status = start_card_pledge(member_a, funds_1, amount=500_00, currency="KGS",
                                                   payment_method_id="pm_card_visa")
        db.session.commit()

    # Profiles: A shows hers to the officials of the LSGs she pledged to (LSG 1); B's is public.
    home = db.session.scalar(db.select(Municipality).filter_by(code=LSG_MUNICIPALITIES[0]))
    profiles.update_profile(member_a, visibility="pledged_lsgs", home_municipality=home, city="Naryn",
                            contact_officials_ok=True)
    credential_a = profiles.add_skill(member_a, _skill("surgeon"))
    removable_skill_a = profiles.add_skill(member_a, _skill("nurse"))
    uploadable_skill_a = profiles.add_skill(member_a, _skill("dentist"))
    window_a = profiles.add_availability(member_a, starts_on=date(2027, 5, 1), ends_on=date(2027, 6, 30))
    profiles.update_profile(member_b, visibility="public", city="Bishkek")
    credential_b = profiles.add_skill(member_b, _skill("civil_engineer"))
    db.session.commit()
    profiles.submit_credential(member_a, credential_a.id, jpeg_upload(seed=3))
    profiles.submit_credential(member_b, credential_b.id, jpeg_upload(seed=4))
    saved_a = search_service.save_search(member_a, SearchQuery(q="bridge"), name="Bridges")
    told_a = notifications.notify(member_a, "pledge_confirmed", project=published_1, pledge_id=confirmed.id,
                                  amount=notifications.money_param(confirmed.amount, confirmed.currency))
    opened_a = notifications.notify(member_a, "pledge_confirmed", project=published_1, pledge_id=confirmed.id,
                                    amount=notifications.money_param(confirmed.amount, confirmed.currency))
    search_service.save_search(member_b, SearchQuery(q="school"), name="Schools")
    db.session.commit()
    drain()  # the worker: indexes what was published, sends the alerts
    db.session.commit()

    users = dict(visitor=None, member_a=member_a, member_b=member_b, official_1=official_1, official_2=official_2,
                 applicant=applicant, moderator=moderator, admin=admin)
    ids = dict(
        lsg_1=lsg_1.id, lsg_2=lsg_2.id, municipality_1=home.id, district_1=home.district_id,
        applied_1=applied_1.id, applied_2=applied_2.id,
        draft_1=draft_1.id, cancel_1=cancel_1.id, submit_1=submit_1.id, submitted_1=submitted_1.id,
        submitted_1b=submitted_1b.id,
        published_1=published_1.id, revised_1=revised_1.id, draft_2=draft_2.id, submitted_2=submitted_2.id,
        submitted_2b=submitted_2b.id, published_2=published_2.id, published_2b=published_2b.id,
        funds_1=funds_1.id, skill_1=skill_1.id, goods_1=goods_1.id, revision_need=revision_need.id,
        draft_funds_1=_need(draft_1, NeedKind.FUNDS).id, draft_skill_1=_need(draft_1, NeedKind.SKILL).id,
        draft_share_1=draft_1.shares[0].id, draft_share_2=draft_2.shares[0].id,
        draft_photo_1=draft_1.photos[1].id, published_photo=published_1.photos[0].filename,
        pending_confirm=pending_confirm.id, pending_reject=pending_reject.id, pending_withdraw=pending_withdraw.id,
        confirmed=confirmed.id, rejected=rejected.id, goods=goods.id, offer_a=offer_a.id, offer_b=offer_b.id,
        own_pledge=own_pledge.id, card=card.id if card else None,
        credential_a=credential_a.id, credential_b=credential_b.id,
        credential_file=db.session.get(ProfileSkill, credential_a.id).credential_filename,
        removable_skill_a=removable_skill_a.id, uploadable_skill_a=uploadable_skill_a.id, window_a=window_a.id,
        saved_a=saved_a.id, told_a=told_a.id, opened_a=opened_a.id,
        unsubscribe_a=notifications.unsubscribe_token(member_a, "pledge_confirmed"), member_a=member_a.id, member_b=member_b.id,
        unheld_skill=_skill("teacher").id,
    )
    # ---- public questions (issue 11, section 3): member B answers for the ministry; each moderator
    # and admin hides their own question and answer
    ministry_1 = ministries.save_ministry(admin, name_ky="Министрлик", name_ru="Министерство", name_en="Ministry",
                                          sector_ids=[published_1.sector_id])
    ministries.add_member(admin, ministry_1, member_b.email)
    ministries.add_holiday(admin, day=date(2027, 1, 7), name="Christmas")
    holiday_2 = ministries.add_holiday(admin, day=date(2027, 1, 1), name="New Year")
    q_lsg = questions.ask_question(member_a, published_1, to="lsg", body="When?", show_name=True)
    q_ministry = questions.ask_question(member_a, published_1, to=f"ministry-{ministry_1.id}", body="Rules?",
                                        show_name=False)
    q_hide, q_hide_b = (questions.ask_question(member_b, published_1, to="lsg", body="Rude", show_name=True)
                        for _n in range(2))
    answer_1, answer_hide, answer_hide_b = (questions.answer_question(official_1, q_lsg, body="In May.")
                                            for _n in range(3))
    db.session.commit()
    ids.update(ministry_1=ministry_1.id, holiday_2=holiday_2.id, q_lsg=q_lsg.id, q_ministry=q_ministry.id,
               q_hide=q_hide.id, q_hide_b=q_hide_b.id, answer_1=answer_1.id, answer_hide=answer_hide.id,
               answer_hide_b=answer_hide_b.id, sector_1=published_1.sector_id, member_a_email=member_a.email)

    # ---- private messages (issue 11, section 4): member A's thread with LSG 1, answered; member B's
    # thread with LSG 1, started by its official and reported by B. Both sides have read everything,
    # so that opening a thread (which marks the other side's messages read) changes no row here.
    thread_a = messages.write_to_lsg(member_a, lsg_1.id, "When does the work start?")
    messages.send_message(official_1, thread_a.id, "In May.")
    thread_b = messages.write_to_member(official_1, lsg_1.id, member_b.id, "Thank you for your offer.")
    messages.report_thread(member_b, thread_b.id, "Asked for money")
    for reader, thread in ((member_a, thread_a), (official_1, thread_a), (member_b, thread_b), (official_1, thread_b)):
        messages.thread_page(reader, thread.id)
    db.session.commit()
    ids.update(thread_a=thread_a.id, thread_b=thread_b.id)

    # ---- LSG pages and payment details (issue 12, section 1): a change waiting for each LSG (the
    # moderator decides LSG 1's, the admin LSG 2's), and a wallet kind for the admin to remove
    payment_details.seed_wallet_kinds()
    change_1, change_2 = (payment_details.propose_payment_details(
        official, lsg, bank_name="KICB", bic="KICBKG22", account="1280010012345678", recipient=lsg.name_en)
        for official, lsg in ((official_1, lsg_1), (official_2, lsg_2)))
    spare_wallet = payment_details.add_wallet_kind(admin, "Spare wallet")
    db.session.commit()
    ids.update(change_1=change_1.id, change_2=change_2.id, wallet_kind_1=spare_wallet.id)

    # ---- payment references (issue 12, section 2): what an official types to find a pledge
    ids.update(ref_pending_withdraw=pending_withdraw.payment_ref)

    # ---- missions: patients (issue 13, section 3): published project 1 run as a surgery week (in
    # the skill window, so its report is refused until the first day)
    mission_1 = mission_of(published_1) or start_mission(
        official_1, published_1, kind=db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week")),
        starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    db.session.commit()
    ids.update(mission_1=mission_1.id)

    # ---- missions: plan (issue 13, section 1): a project of LSG 1 to turn into a mission, and one
    # run as a mission with a photo on an item and an item of the officials' own to remove
    surgery = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    plan_start = make_project(official_1, lsg_1, title="Eye camp to run as a mission", publish=True)
    plan_project = make_project(official_1, lsg_1, title="Surgery week run as a mission", publish=True)
    plan_mission = start_mission(official_1, plan_project, kind=surgery, starts_on=SKILL_WINDOW[0],
                                 ends_on=SKILL_WINDOW[1])
    plan_item = plan_mission.items[0]
    mission_plan.update_item(official_1, plan_mission, plan_item, status="partial", note="", provider="facility",
                             photos=[jpeg_upload(seed=5)])
    plan_custom = mission_plan.add_item(official_1, plan_mission, "Generator fuel")
    db.session.commit()
    ids.update(plan_start=plan_start.id, plan_project=plan_project.id, plan_mission=plan_mission.id,
               plan_item=plan_item.id, plan_custom=plan_custom.id, plan_photo=plan_item.photos[0].id,
               plan_kind=surgery.id)

    # ---- missions: signoff. A published bridge of LSG 1 is an engineering week whose checklist waits for
    # ministry 1 (member B decides: send an item back, then the whole checklist); revised road 1 is
    # one in draft (Official One sends it, then member B signs it).
    engineering = db.session.scalar(db.select(MissionKind).filter_by(code="engineering_week"))
    signoff_missions = []
    engineering_week = make_project(official_1, lsg_1, title="Footbridge engineering week", publish=True)
    for project in (engineering_week, revised_1):
        mission = mission_core.mission_of(project) or mission_core.start_mission(
            official_1, project, kind=engineering, starts_on=date(2027, 5, 10), ends_on=date(2027, 5, 16))
        mission.facility_name = "At-Bashy school"
        signoff_missions.append(mission)
    mission_signoff.request_signoff(official_1, signoff_missions[0])
    db.session.commit()
    ids.update(signoff_mission=signoff_missions[0].id, signoff_item=signoff_missions[0].items[0].id,
               draft_mission=signoff_missions[1].id, mission_kind=engineering.id,
               template_item=engineering.template_items[0].id)

    # ---- missions: permits (issue 13, section 2): a surgery week of LSG 1 run as a mission, signed by a
    # health ministry whose member is member B (not a moderator); three accepted verified surgeons, one
    # whose permission official 1 requests, one member B decides on, one granted that official 1 confirms
    health = db.session.scalar(db.select(Sector).filter_by(code="health"))
    health_ministry = ministries.save_ministry(admin, name_ky="Саламаттык сактоо", name_ru="Минздрав",
                                               name_en="Ministry of Health", sector_ids=[health.id])
    ministries.add_member(admin, health_ministry, member_b.email)
    surgery = make_project(official_1, lsg_1, title="Surgery week")
    surgery.sector_id = health.id
    surgeon_need = projects.add_need(official_1, surgery, "skill", skill=_skill("surgeon"), slots=3,
                                     starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1], on_site=True)
    _publish(moderator, official_1, surgery)
    surgery_mission = start_mission(official_1, surgery, kind=db.session.scalar(
        db.select(MissionKind).filter_by(code="surgery_week")), starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    surgeons = []
    for number in range(3):
        surgeon = make_user(name=f"Surgeon {number + 1}")
        held = profiles.add_skill(surgeon, _skill("surgeon"))
        profiles.submit_credential(surgeon, held.id, jpeg_upload(seed=10 + number))
        profiles.verify_credential(moderator, held, reason="Licence seen")
        offer = pledges.offer_skill(surgeon, surgeon_need, starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
        pledges.accept_offer(official_1, offer)
        surgeons.append(next(v for v in surgery_mission.volunteers if v.pledge_id == offer.id))
    permit_to_request, permit_to_decide, permit_granted = surgeons
    permit_service.request_permit(official_1, permit_to_decide)
    permit_service.request_permit(official_1, permit_granted)
    permit_service.decide_permit(member_b, permit_granted, decision="grant", reason="Licence valid")
    db.session.commit()
    ids.update(mission_project=surgery.id, mission=surgery_mission.id, permit_to_request=permit_to_request.id,
               permit_to_decide=permit_to_decide.id, permit_granted=permit_granted.id)

    # ---- missions: certificates (issue 13, section 5): a week of LSG 1 that ended three days ago,
    # member A was accepted and gave 40 hours; her certificate's code is made
    mission_project = draft(official_1, lsg_1, "Published surgery week", publish=True)
    mission_offer = pledges.offer_skill(member_a, _need(mission_project, NeedKind.SKILL),
                                        starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    pledges.accept_offer(official_1, mission_offer)
    today = utcnow().date()
    ended_mission = start_mission(official_1, mission_project,
                                  kind=db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week")),
                                  starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=3))
    ended_mission.volunteers[0].hours = 40
    certificate = certificates.certificate_of(member_a, ended_mission.volunteers[0].id)
    db.session.commit()
    drain()  # the worker indexes the new project, as for the rest of the world
    db.session.commit()
    ids.update(mission_project=mission_project.id, mission_volunteer=ended_mission.volunteers[0].id,
               certificate_code=certificate.code)

    # ---- missions: itinerary (issue 13, section 4): LSG 1's engineers' week run as a mission, with
    # member A accepted on it (her itinerary, calendar file and the team)
    week_1 = draft(official_1, lsg_1, "Engineers' week", publish=True)
    mission_offer_a = pledges.offer_skill(member_a, _need(week_1, NeedKind.SKILL), starts_on=SKILL_WINDOW[0],
                                          ends_on=SKILL_WINDOW[1])
    pledges.accept_offer(official_1, mission_offer_a)
    week_mission = start_mission(official_1, week_1, kind=db.session.scalar(db.select(MissionKind).filter_by(
        code="surgery_week")), starts_on=SKILL_WINDOW[0], ends_on=SKILL_WINDOW[1])
    db.session.commit()
    ids.update(itinerary_mission=week_mission.id, itinerary_a=week_mission.volunteers[0].id)
    return SimpleNamespace(users=users, ids=ids)
