"""Demo data for missions: a children's surgery week at the Nookat district hospital being
organised three weeks ahead — the checklist nearly ready with photos and signed by the Ministry of
Health, Aibek accepted, his permission to practise granted and his flight given, and the hospital's
count of patients waiting. (The At-Bashy surgery week stays a plain project, for a new user to turn
into a mission.)

Made through the services, as the rest of the demo."""
from datetime import datetime, time, timedelta

from app.extensions import db
from app.models import ItemStatus, MissionKind, Procedure
from app.models._common import utcnow
from app.services import pledges, projects
from app.services.demo_projects import SOM, _landscape, _plan, _publish, _sector, _skill
from app.services.missions import itinerary, patients, permits, plan, signoff
from app.services.missions.core import volunteer_of

NOT_READY = {"blood_supply": ItemStatus.PARTIAL, "local_assistants": ItemStatus.MISSING}


def load_demo_missions(moderator, members, officials):
    aibek, _jyldyz = members
    official = officials["Nookat town hall"]
    lsg = official.memberships[0].lsg
    starts_on = utcnow().date() + timedelta(days=21)
    ends_on = starts_on + timedelta(days=5)
    week = projects.create_project(
        official, lsg, title="Балдар хирургиясы жумасы: Ноокат райондук ооруканасы",
        summary="Мекендеш хирургдар беш күн балдарга пландуу операция жасашат; кезекте 28 бала.",
        description=("Оорукана операция бөлмөсүн, стерилдештирүүнү жана жатаканы даярдады. "
                     "Дарыгерлерди Ош аэропортунан тосуп алабыз."),
        sector=_sector("health"), currency="KGS", budget=300_000 * SOM, lat=40.2641, lon=72.6152,
        starts_on=starts_on, ends_on=ends_on,
    )
    surgeons = projects.add_need(official, week, "skill", skill=_skill("surgeon"), slots=2, starts_on=starts_on,
                                 ends_on=ends_on, on_site=True, verified_required=True,
                                 requirements="Балдар хирургиясы: грыжа, эриндин жарылышы")
    projects.add_need(official, week, "funds", title="Сарпталуучу материалдар", target_amount=150_000 * SOM,
                      currency="KGS")
    _plan(official, week, [("lsg", 150_000, "Оорукананын бюджети", ""), ("diaspora", 150_000, "", "")],
          [("Сарпталуучу материалдар", 150_000, starts_on), ("Операциялык жума", 150_000, ends_on)])
    projects.add_photo(official, week, _landscape(7, "hospital"), caption="Ноокат райондук ооруканасы")
    _publish(official, moderator, week, "Саламаттык сактоо министрлиги оорукананы сунуштады.")

    offer = pledges.offer_skill(aibek, surgeons, starts_on=starts_on, ends_on=ends_on,
                                note="Балдар хирургиясы боюнча 5 жыл иштегем")
    pledges.accept_offer(official, offer)

    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    mission = plan.start(official, week, kind_id=kind.id, starts_on=starts_on, ends_on=ends_on)
    plan.update_plan(
        official, mission, starts_on=starts_on, ends_on=ends_on, facility_kind="hospital",
        languages=["ky", "ru", "uz"], interpreters=True, lat=40.2641, lon=72.6152,
        facility_name="Ноокат райондук ооруканасы", facility_address="Ноокат шаары, Ленин көчөсү 101",
        coordinator_name="Гүлнара Ташиева", coordinator_role="Башкы дарыгердин орун басары",
        coordinator_phone="+996 3230 5 01 02", coordinator_email="nookat.hospital@example.kg",
        interpreters_note="Өзбек тилинен котормочу бар",
        pickup="Ош аэропортунан тосуп алабыз (1 саат жол).",
        accommodation="Оорукананын жанындагы мейманкана, бир кишилик бөлмөлөр.",
        daily_schedule="8:00 — кароо\n9:00–15:00 — операциялар\n16:00 — бейтаптарды кароо",
        what_to_bring="Өз халатыңыз, лупа, лицензиянын көчүрмөсү.",
        what_is_provided="Наркоз, стерилдүү материалдар, тамак-аш, транспорт.",
    )
    for number, item in enumerate(mission.items):
        code = item.template_item.code if item.template_item else ""
        photos = [_landscape(20 + number, "hospital")] if code in ("operating_room", "sterilisation") else []
        plan.update_item(official, mission, item, status=NOT_READY.get(code, ItemStatus.READY).value,
                         note="Кан банкы менен келишим түзүлүп жатат" if code == "blood_supply" else "",
                         provider="lsg" if code in ("airport_transport", "accommodation") else "facility",
                         photos=photos)
    signoff.request_signoff(official, mission)
    signoff.sign(moderator, mission, "Операция бөлмөсү жана стерилдештирүү текшерилди; кан запасы жумага чейин бүтөт.")

    volunteer = volunteer_of(aibek, mission)
    permits.request_permit(official, volunteer)
    permits.decide_permit(moderator, volunteer, decision="grant", reason="Лицензия Россияда, бир жумага уруксат.")
    permits.confirm_volunteer(official, volunteer)
    itinerary.save_arrival(aibek, volunteer.id, flight_number="SU1880",
                           arrives_at=datetime.combine(starts_on - timedelta(days=1), time(6, 40)), airport="OSS",
                           needs_pickup=True)

    procedures = {p.code: p.id for p in db.session.scalars(db.select(Procedure))}
    patients.record_count(official, mission, counted_on=utcnow().date() - timedelta(days=2), screened=85, ready=28,
                          more_tests=19, not_suitable=38,
                          waiting={procedures["hernia_repair"]: 17, procedures["cleft_lip_palate"]: 6,
                                   procedures["burn_contracture"]: 5})
    return week
