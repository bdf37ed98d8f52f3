"""Demo projects for `make run`: a bridge, a clinic, a school, a water supply and a surgery week,
in Kyrgyz, Russian and English, with photos drawn here (no network). Created through the services,
so they walk the real workflow: drafted, submitted, published by a moderator, reported on."""
import io
import random
from datetime import date, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Municipality, NeedKind, Sector, Skill
from app.models._common import utcnow
from app.services import pledges, profiles, projects

SOM = 100  # minor units per som


def _landscape(seed, subject):
    """A simple picture: sky, mountains, the ground, and the project's subject drawn on top."""
    rnd = random.Random(seed)
    width, height = 1200, 800
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height // 2):  # sky gradient
        shade = int(120 + 100 * y / (height / 2))
        draw.line([(0, y), (width, y)], fill=(shade - 60, shade - 10, 255))
    peaks = [(0, 420)] + [(x, rnd.randint(150, 330)) for x in range(100, width, 160)] + [(width, 420)]
    draw.polygon(peaks + [(width, 500), (0, 500)], fill=(110, 110, 130))
    for x, y in peaks[1:-1]:  # snow caps
        draw.polygon([(x, y), (x - 40, y + 50), (x + 40, y + 50)], fill=(245, 245, 250))
    draw.rectangle([0, 480, width, height], fill=(rnd.randint(80, 110), 150, 70))
    if subject == "bridge":
        draw.rectangle([0, 600, width, 700], fill=(70, 130, 200))  # the river
        draw.arc([200, 430, 1000, 830], 180, 360, fill=(90, 60, 40), width=18)
        draw.rectangle([180, 600, 1020, 622], fill=(120, 80, 50))
    elif subject in ("clinic", "school", "hospital"):
        draw.rectangle([350, 420, 850, 640], fill=(235, 230, 215), outline=(90, 90, 90), width=4)
        draw.polygon([(320, 420), (600, 300), (880, 420)], fill=(160, 50, 40))
        for x in range(390, 820, 110):
            draw.rectangle([x, 470, x + 60, 530], fill=(120, 170, 220))
        if subject in ("clinic", "hospital"):
            draw.rectangle([585, 330, 615, 400], fill=(220, 30, 30))
            draw.rectangle([565, 350, 635, 380], fill=(220, 30, 30))
    elif subject == "water":
        draw.rectangle([0, 560, width, 590], fill=(60, 60, 70))  # the pipe
        draw.rectangle([880, 380, 960, 560], fill=(90, 90, 100))  # a standpipe
        draw.ellipse([900, 600, 1100, 660], fill=(70, 140, 210))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82)
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=f"{subject}.jpg", content_type="image/jpeg")


def _sector(code):
    return db.session.scalar(db.select(Sector).filter_by(code=code))


def _skill(code):
    return db.session.scalar(db.select(Skill).filter_by(code=code))


def _plan(official, project, shares, milestones):
    for source, amount, label, condition in shares:
        projects.add_share(official, project, source=source, planned=amount * SOM, label=label,
                           conditional=bool(condition), condition=condition)
    for title, amount, due in milestones:
        projects.add_milestone(official, project, title=title, amount=amount * SOM, due_on=due)


def _publish(official, moderator, project, reason):
    projects.submit_project(official, project)
    projects.publish_project(moderator, project, reason=reason)


def load_demo_projects(officials, moderator):
    """officials: {lsg english name: official}. Returns the projects created."""
    today = date.today()
    soon = today + timedelta(days=150)
    created = []

    # 1. A footbridge in At-Bashy, written in Kyrgyz.
    official = officials["At-Bashy ayil okmotu"]
    lsg = official.memberships[0].lsg
    bridge = projects.create_project(
        official, lsg, title="Ат-Башы дарыясы аркылуу жөө көпүрө",
        summary="Жазгы ташкында балдар мектепке өтө албай калышат. Жаңы болот көпүрө керек.",
        description=("Эски жыгач көпүрөнү 2024-жылы суу агызып кеткен. Азыр 140 окуучу мектепке "
                     "12 км айланып барышат.\n\n- Узундугу: 48 м\n- Туурасы: 2,5 м\n- Долбоорду "
                     "райондук архитектура бекиткен"),
        sector=_sector("roads_bridges"), currency="KGS", budget=2_400_000 * SOM, lat=41.1742, lon=75.8071,
        starts_on=today + timedelta(days=30), ends_on=soon,
    )
    projects.add_need(official, bridge, "funds", title="Болот конструкциялар жана бетон",
                      target_amount=1_200_000 * SOM, currency="KGS")
    projects.add_need(official, bridge, "in_kind", title="Цемент", item="Цемент М400", quantity=300, unit="кап")
    projects.add_need(official, bridge, "skill", skill=_skill("civil_engineer"), slots=1,
                      starts_on=today + timedelta(days=40), ends_on=today + timedelta(days=70), on_site=True,
                      requirements="Көпүрө куруу тажрыйбасы", title="Курулуш инженери (көзөмөл)")
    _plan(official, bridge, [
        ("lsg", 600_000, "Айыл өкмөтүнүн бюджети", ""),
        ("programme", 600_000, "Мамлекеттик программа", "Диаспоранын үлүшү толук чогулганда"),
        ("diaspora", 1_200_000, "", ""),
    ], [
        ("Пайдубал жана таяныч мамылар", 1_000_000, today + timedelta(days=60)),
        ("Болот аралык жана тосмолор", 1_400_000, soon),
    ])
    projects.add_photo(official, bridge, _landscape(1, "bridge"), caption="Көпүрө турчу жер")
    _publish(official, moderator, bridge, "Долбоордук-сметалык документтер текшерилди.")
    projects.post_update(official, bridge, body="Пайдубал үчүн жер казуу башталды.",
                         spending=[(bridge.milestones[0].id, 85_000 * SOM, "Экскаватор ижарасы", None)])
    created.append(bridge)

    # 2. A rural health post in Kyzyl-Suu, written in Russian.
    official = officials["Kyzyl-Suu ayil okmotu"]
    lsg = official.memberships[0].lsg
    clinic = projects.create_project(
        official, lsg, title="Ремонт ФАП в селе Кызыл-Суу",
        summary="Фельдшерско-акушерский пункт обслуживает 3 200 жителей; крыша течёт, отопления нет.",
        description=("Здание 1978 года. Нужны новая кровля, окна и котёл, чтобы пункт работал зимой.\n\n"
                     "Смета согласована с районной больницей."),
        sector=_sector("health"), currency="KGS", budget=1_800_000 * SOM, lat=None, lon=None,
        starts_on=today + timedelta(days=20), ends_on=today + timedelta(days=120),
    )
    projects.add_need(official, clinic, "funds", title="Кровля, окна и котёл", target_amount=900_000 * SOM,
                      currency="KGS")
    projects.add_need(official, clinic, "in_kind", title="Медицинская кушетка", item="Кушетка смотровая",
                      quantity=2, unit="шт.")
    _plan(official, clinic, [("lsg", 300_000, "", ""), ("programme", 600_000, "Программа ПРООН", ""),
                             ("diaspora", 900_000, "", "")],
          [("Кровля и окна", 1_100_000, today + timedelta(days=70)),
           ("Отопление", 700_000, today + timedelta(days=120))])
    projects.add_photo(official, clinic, _landscape(2, "clinic"), caption="Здание ФАП сегодня")
    _publish(official, moderator, clinic, "Смета и письмо районной больницы приложены.")
    created.append(clinic)

    # 3. A school roof in Nookat, written in English.
    official = officials["Nookat town hall"]
    lsg = official.memberships[0].lsg
    school = projects.create_project(
        official, lsg, title="New roof for School No. 3 in Nookat",
        summary="Rain comes through the roof of three classrooms; 620 pupils study in two shifts.",
        description="We will replace 900 m² of roofing and the gutters before the autumn rains.",
        sector=_sector("education"), currency="KGS", budget=1_350_000 * SOM, lat=None, lon=None,
        starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=90),
    )
    projects.add_need(official, school, "funds", title="Roofing sheets and timber", target_amount=700_000 * SOM,
                      currency="KGS")
    projects.add_need(official, school, "funds", title="Gutters (in US dollars)", target_amount=1_500 * SOM,
                      currency="USD")
    _plan(official, school, [("lsg", 400_000, "Town budget", ""), ("diaspora", 950_000, "", "")],
          [("Roof structure", 800_000, today + timedelta(days=50)),
           ("Roofing and gutters", 550_000, today + timedelta(days=90))])
    projects.add_photo(official, school, _landscape(3, "school"), caption="School No. 3")
    _publish(official, moderator, school, "Inspection report attached.")
    created.append(school)

    # 4. Drinking water in Toktogul, written in Russian.
    official = officials["Toktogul town hall"]
    lsg = official.memberships[0].lsg
    water = projects.create_project(
        official, lsg, title="Водопровод для улицы Ленина в Токтогуле",
        summary="180 семей носят воду из арыка. Нужен 2,3 км водопровода с колонками.",
        description="Подключение к существующей магистрали, 6 уличных колонок, водомеры.",
        sector=_sector("water_sanitation"), currency="KGS", budget=3_100_000 * SOM, lat=None, lon=None,
        starts_on=today + timedelta(days=45), ends_on=today + timedelta(days=200),
    )
    projects.add_need(official, water, "funds", title="Трубы ПЭ и колонки", target_amount=1_550_000 * SOM,
                      currency="KGS")
    projects.add_need(official, water, "skill", skill=_skill("water_engineer"), slots=1,
                      starts_on=today + timedelta(days=45), ends_on=today + timedelta(days=75), on_site=False,
                      requirements="Проверка проекта сети, консультации онлайн")
    _plan(official, water, [("lsg", 500_000, "", ""), ("programme", 1_050_000, "ДАР 1+3",
                                                          "Когда доля диаспоры собрана на 100%"),
                            ("diaspora", 1_550_000, "", "")],
          [("Магистраль 2,3 км", 2_300_000, today + timedelta(days=150)),
           ("Колонки и водомеры", 800_000, today + timedelta(days=200))])
    projects.add_photo(official, water, _landscape(4, "water"), caption="Место будущей колонки")
    _publish(official, moderator, water, "Технические условия водоканала приложены.")
    created.append(water)

    # 5. A surgery week at the At-Bashy district hospital, in Kyrgyz.
    official = officials["At-Bashy ayil okmotu"]
    lsg = official.memberships[0].lsg
    week_start = today + timedelta(days=60)
    week_end = week_start + timedelta(days=6)
    surgery = projects.create_project(
        official, lsg, title="Хирургиялык жума: Ат-Башы райондук ооруканасы",
        summary="Чет өлкөдөгү мекендеш дарыгерлер бир жумага келип, пландуу операцияларды жасашат.",
        description=("Кезекте 46 бейтап турат: грыжа, өт баштыкчасы, балдардын операциялары. "
                     "Оорукана операция бөлмөсүн жана жатаканы камсыз кылат.\n\n"
                     "Жол кире жана дары-дармек үчүн каражат керек."),
        sector=_sector("health"), currency="KGS", budget=900_000 * SOM, lat=41.1701, lon=75.8115,
        starts_on=week_start, ends_on=week_end,
    )
    for code, slots, verified in (("surgeon", 3, True), ("anaesthetist", 2, True), ("nurse", 4, False)):
        projects.add_need(official, surgery, "skill", skill=_skill(code), slots=slots, starts_on=week_start,
                          ends_on=week_end, on_site=True, verified_required=verified,
                          requirements="Пландуу операцияларда иштөө тажрыйбасы" if verified else "")
    projects.add_need(official, surgery, "funds", title="Дары-дармек жана жол кире", target_amount=500_000 * SOM,
                      currency="KGS")
    _plan(official, surgery, [("lsg", 400_000, "Оорукананын бюджети", ""), ("diaspora", 500_000, "", "")],
          [("Дары-дармек сатып алуу", 500_000, week_start), ("Операциялык жума", 400_000, week_end)])
    projects.add_photo(official, surgery, _landscape(5, "hospital"), caption="Ат-Башы райондук ооруканасы")
    _publish(official, moderator, surgery, "Саламаттык сактоо министрлигинин макулдугу бар.")
    created.append(surgery)

    # One waiting in the moderators' queue, and one draft on the official's desk.
    official = officials["Kyzyl-Suu ayil okmotu"]
    lsg = official.memberships[0].lsg
    waiting = projects.create_project(
        official, lsg, title="Спортзал для школы в Кызыл-Суу",
        summary="Школа без спортзала: уроки физкультуры зимой не проводятся.",
        description="Утепление и ремонт старого склада под спортзал.", sector=_sector("culture_sport"),
        currency="KGS", budget=1_000_000 * SOM, lat=None, lon=None, starts_on=None, ends_on=None,
    )
    projects.add_need(official, waiting, "funds", title="Ремонт", target_amount=1_000_000 * SOM, currency="KGS")
    _plan(official, waiting, [("lsg", 200_000, "", ""), ("diaspora", 800_000, "", "")],
          [("Ремонт", 1_000_000, None)])
    projects.submit_project(official, waiting)
    projects.create_project(
        officials["Nookat town hall"], officials["Nookat town hall"].memberships[0].lsg,
        title="Street lights on Manas street", summary="", description="", sector=_sector("energy"),
        currency="KGS", budget=0, lat=None, lon=None, starts_on=None, ends_on=None,
    )
    # Spread the publication dates, so the newest-first list reads naturally.
    for age, project in enumerate(reversed(created)):
        project.published_at = utcnow() - timedelta(days=3 * age + 1)
    db.session.flush()
    return created


def load_demo_pledges(admin, moderator, members, officials, created):
    """Exchange rates, profiles, and contributions in every state, so pages have life."""
    for currency, rate in (("USD", "87.45"), ("EUR", "94.20"), ("RUB", "1.08")):
        pledges.set_rate(admin, currency, Decimal(rate))
    bridge, clinic, school, _water, surgery = created
    aibek, jyldyz = members

    # Aibek: a surgeon from At-Bashy working in Moscow, his licence checked by a moderator.
    at_bashy = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-01"))
    profiles.update_profile(aibek, country="RU", city="Москва", home_municipality=at_bashy,
                            bio="Хирург, 12 лет стажа. Каждый год приезжаю домой в мае.",
                            languages=["ky", "ru"], sectors=[_sector("health")], visibility="public",
                            contact_officials_ok=True, contact_phone="+7 900 000 00 00")
    week = next(n for n in surgery.needs if n.skill and n.skill.code == "surgeon")
    profiles.add_availability(aibek, starts_on=week.starts_on, ends_on=week.ends_on)
    held = profiles.add_skill(aibek, _skill("surgeon"))
    profiles.submit_credential(aibek, held.id, _landscape(6, "clinic"))
    profiles.verify_credential(moderator, held, reason="Лицензия проверена в реестре.")
    offer = pledges.offer_skill(aibek, week, starts_on=week.starts_on, ends_on=week.ends_on,
                                note="Общая хирургия, грыжи, холецистэктомии")
    pledges.accept_offer(officials["At-Bashy ayil okmotu"], offer)
    money = next(n for n in bridge.needs if n.kind == NeedKind.FUNDS)
    official = officials["At-Bashy ayil okmotu"]
    for member, amount, currency, method, reference in (
        (aibek, 50_000, "KGS", "bank_transfer", "KICB 2026-11-02"),
        (jyldyz, 300, "USD", "bank_transfer", "Wise 88231"),
    ):
        pledge = pledges.pledge_money(member, money, amount=amount * SOM, currency=currency, method=method,
                                      reference=reference)
        pledges.confirm_pledge(official, pledge, reference=reference)
    pledges.pledge_money(aibek, money, amount=20_000 * SOM, currency="KGS", method="mobile_wallet",
                         reference="MBank 5531", anonymous=True)  # still waiting for confirmation
    cement = next(n for n in bridge.needs if n.kind == NeedKind.IN_KIND)
    goods = pledges.pledge_goods(jyldyz, cement, quantity=40, note="A truck from Bishkek in May")
    pledges.confirm_pledge(official, goods, reference="Delivery note 17")
    clinic_money = next(n for n in clinic.needs if n.kind == NeedKind.FUNDS)
    pledges.pledge_money(jyldyz, clinic_money, amount=100 * SOM, currency="EUR", method="bank_transfer",
                         reference="SEPA 7781")
    school_money = next(n for n in school.needs if n.currency == "USD")
    pledge = pledges.pledge_money(aibek, school_money, amount=500 * SOM, currency="USD", method="bank_transfer",
                                  reference="Swift 0192")
    pledges.confirm_pledge(officials["Nookat town hall"], pledge, reference="Swift 0192")
