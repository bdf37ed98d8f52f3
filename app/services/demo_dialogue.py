"""Demo data for the dialogue and for trust: ministries with the moderator as a member, Kyrgyz
public holidays, follows, a public question answered and one waiting for the ministry, a private
thread; At-Bashy's office, its verification and its approved payment details, and a change of
Kyzyl-Suu's details waiting for a moderator.

Made through the services, so the bells of the demo accounts fill as they would for real people.
"""
from datetime import date

from app.services import follows, lsgs, messages, ministries, payment_details, questions

# Kyrgyz public holidays (Labour Code, art. 113) in the months the demo looks at.
HOLIDAYS = [
    (date(2026, 12, 31), "Жаңы жылдын алдындагы күн"), (date(2027, 1, 1), "Жаңы жыл"),
    (date(2027, 1, 7), "Рождество"), (date(2027, 2, 23), "Ата Мекенди коргоочулар күнү"),
    (date(2027, 3, 8), "Эл аралык аялдар күнү"), (date(2027, 3, 21), "Нооруз"),
    (date(2027, 4, 7), "Элдик Апрель революциясынын күнү"), (date(2027, 5, 1), "Эмгек майрамы"),
    (date(2027, 5, 5), "Конституция күнү"), (date(2027, 5, 9), "Жеңиш күнү"),
    (date(2027, 8, 31), "Эгемендүүлүк күнү"),
]


def load_demo_dialogue(admin, moderator, members, officials, created):
    bridge, _clinic, _school, _water, surgery = created
    aibek, jyldyz = members
    at_bashy = officials["At-Bashy ayil okmotu"]
    health = ministries.save_ministry(admin, name_ky="Саламаттык сактоо министрлиги",
                                      name_ru="Министерство здравоохранения", name_en="Ministry of Health",
                                      sector_ids=[surgery.sector_id])
    ministries.save_ministry(admin, name_ky="Транспорт жана коммуникациялар министрлиги",
                             name_ru="Министерство транспорта и коммуникаций",
                             name_en="Ministry of Transport and Communications", sector_ids=[bridge.sector_id])
    ministries.add_member(admin, health, moderator.email)
    for day, name in HOLIDAYS:
        ministries.add_holiday(admin, day=day, name=name)

    follows.follow(aibek, "municipality", bridge.municipality_id)
    follows.follow(jyldyz, "project", bridge.id)
    asked = questions.ask_question(jyldyz, bridge, to="lsg", show_name=True,
                                   body="Will the footbridge be open before the spring floods?")
    questions.answer_question(at_bashy, asked, body="Көпүрө апрелде ачылат: пайдубалы даяр, палубасы мартта.")
    questions.ask_question(aibek, surgery, to=f"ministry-{health.id}", show_name=False,
                           body="Нужно ли временное разрешение на практику для хирурга из России на одну неделю?")
    thread = messages.write_to_lsg(aibek, bridge.lsg_id, "Нурлан байке, мой перевод через MBank дошёл?")
    messages.send_message(at_bashy, thread.id, "Салам, Айбек! Текшерип, бүгүн ырастайм.")


def load_demo_trust(moderator, officials):
    at_bashy_official = officials["At-Bashy ayil okmotu"]
    at_bashy = at_bashy_official.memberships[0].lsg
    lsgs.update_details(at_bashy_official, at_bashy, head_name="Асанов Нурлан Токтогулович",
                        office_address="Ат-Башы айылы, Ленин көчөсү 24", phone="+996 3534 2 12 34",
                        opening_hours="Дүйшөмбү–жума, 8:00–17:00")
    lsgs.verify_lsg(moderator, at_bashy, reason="Документы айыл окмоту проверены, глава подтверждён по телефону.")
    mbank = next(kind for kind in payment_details.wallet_kinds() if kind.name == "MBank")
    change = payment_details.propose_payment_details(
        at_bashy_official, at_bashy, bank_name="ОАО «Айыл Банк»", bic="AIYLKG22", account="1350100020003000",
        recipient="Ат-Башы айыл өкмөтү", budget_code="4-11-2", wallets={mbank.id: "+996 700 123 456"})
    payment_details.approve_payment_details(moderator, change, reason="Реквизиты сверены с письмом банка.")
    kyzyl_suu_official = officials["Kyzyl-Suu ayil okmotu"]
    payment_details.propose_payment_details(
        kyzyl_suu_official, kyzyl_suu_official.memberships[0].lsg, bank_name="ОАО «РСК Банк»", bic="REKSKG22",
        account="1290100020003001", recipient="Кызыл-Суу айыл өкмөтү")
