"""Benchmark of the embedded search engine (SQLite FTS5): reindex, search, matching, memory, HTTP.

Not a test: it builds a large synthetic data set, measures, prints a table and writes
bench/RESULTS.md. Run from the project root with the project's virtualenv:

    .venv/bin/python bench/search.py                                   # 100,000 projects, 300,000 profiles
    .venv/bin/python bench/search.py --projects 5000 --profiles 15000  # a quick run
    .venv/bin/python bench/search.py --reuse                           # skip generation, reuse --db

Phases, each timed on its own:

1. generate  A fresh SQLite file: migrations, reference data, 3 more municipalities per district
             (so all 42 districts have places), one LSG and one official per municipality, then
             projects (published, with their needs, shares, milestones and published snapshot) and
             member profiles (home places, skills, sectors, languages, availability), inserted with
             executemany in a child process (so its memory is not counted as the benchmark's).
2. reindex   backend().reindex() + commit, which also fills the index the first time.
3. search    backend().search(SearchQuery(...)) over a mix of text, facet and geo queries, and in
             the same run the same work as hand-written SQL through the sqlite3 module (FTS5 MATCH
             on the same stems with the same filters, the same facet counts and the same page of
             ids): the engine's floor. Each pair is checked to give the same answer.
4. matching  backend().match_profiles(NeedSubject(...)) for random skill needs (and, for context,
             match_projects for random members).
5. page      The search page in-process (Flask's test client): fresh pages for distinct searches
             beside the engine's share of them, and one URL repeated (what the caches make of it).
             Memory: ru_maxrss of this process (reindex, search, matching; generation runs in a
             child) and the gunicorn workers' peak RSS.
6. HTTP      gunicorn -w 2 on loopback, wrk -t2 -c16 -d15s against: one search URL as a visitor
             (the page cache serves it), 3,000 distinct search URLs cycled (more than the caches
             hold), the one URL as a logged-in member (rendered for each request), and /healthz.

Needs Debian's wrk (apt-get install -y wrk) and gunicorn in the virtualenv for phase 6
(--no-http skips it). --profile prints cProfile's hot spots of the search and matching loops and
of the search page.

On a shared machine other work skews the figures, the HTTP ones most (gunicorn and wrk need both
CPUs of a 2-CPU box): before the reindex, the search and the HTTP phases the script waits (up to
15 minutes) for other processes to leave the CPUs alone, and it reports the CPU time they used
during the phases ("CPU used by other processes"; --no-wait-quiet skips the waiting).

The benchmark measures the code in the tree it runs from, loaded at start (phases 1-5) and when
gunicorn starts (phase 6). To measure one commit while the tree is being edited, run it from a
snapshot (the virtualenv stays where it is; COMMIT names the snapshot in RESULTS.md):

    mkdir -p /tmp/birge-snapshot && git archive HEAD | tar -x -C /tmp/birge-snapshot
    cp bench/search.py /tmp/birge-snapshot/bench/
    cp -r app/translations /tmp/birge-snapshot/app/ && git log -1 --format='%h %s' > /tmp/birge-snapshot/COMMIT
    .venv/bin/python /tmp/birge-snapshot/bench/search.py --results bench/RESULTS.md
"""
import argparse
import cProfile
import io
import json
import math
import multiprocessing
import os
import platform
import pstats
import random
import re
import resource
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {
    "search_ratio_p95": 2.0,  # backend p95 / raw SQL p95
    "match_p95_ms": 50.0,
    "http_rps": 250.0,
}
TODAY = date.today()
NOW = datetime.now().replace(microsecond=0)

# ----------------------------------------------------------------------------------- word lists

# Villages: (Kyrgyz, Russian, English) names; three are picked for each district.
VILLAGES = [
    ("Ак-Суу", "Ак-Суу", "Ak-Suu"), ("Кара-Булак", "Кара-Булак", "Kara-Bulak"),
    ("Жаңы-Жер", "Джаны-Джер", "Jany-Jer"), ("Кызыл-Туу", "Кызыл-Ту", "Kyzyl-Tuu"),
    ("Төрт-Күл", "Торт-Куль", "Tort-Kul"), ("Сары-Булак", "Сары-Булак", "Sary-Bulak"),
    ("Көк-Жар", "Кок-Джар", "Kok-Jar"), ("Арал", "Арал", "Aral"), ("Үч-Коргон", "Уч-Коргон", "Uch-Korgon"),
    ("Ак-Талаа", "Ак-Талаа", "Ak-Talaa"), ("Орто-Сай", "Орто-Сай", "Orto-Sai"), ("Кең-Сай", "Кен-Сай", "Ken-Sai"),
    ("Таш-Булак", "Таш-Булак", "Tash-Bulak"), ("Кара-Суу", "Кара-Суу", "Kara-Suu"),
    ("Жаңы-Арык", "Джаны-Арык", "Jany-Aryk"), ("Бель-Алды", "Бель-Алды", "Bel-Aldy"),
    ("Чоң-Таш", "Чон-Таш", "Chong-Tash"), ("Ой-Тал", "Ой-Тал", "Oi-Tal"), ("Кочкорка", "Кочкорка", "Kochkorka"),
    ("Ак-Кыя", "Ак-Кия", "Ak-Kyia"), ("Тогуз-Булак", "Тогуз-Булак", "Toguz-Bulak"),
    ("Эки-Нарын", "Эки-Нарын", "Eki-Naryn"), ("Кум-Бел", "Кум-Бель", "Kum-Bel"), ("Достук", "Достук", "Dostuk"),
    ("Бирлик", "Бирлик", "Birlik"), ("Ынтымак", "Ынтымак", "Yntymak"), ("Кайырма", "Кайырма", "Kaiyrma"),
    ("Тоо-Башы", "Тоо-Башы", "Too-Bashy"), ("Сай-Булак", "Сай-Булак", "Sai-Bulak"),
    ("Ала-Бука", "Ала-Бука", "Ala-Buka"), ("Кызыл-Жар", "Кызыл-Джар", "Kyzyl-Jar"),
    ("Беш-Күнгөй", "Беш-Кунгей", "Besh-Kungei"), ("Кара-Ой", "Кара-Ой", "Kara-Oi"),
    ("Бөрү-Баш", "Бору-Баш", "Boru-Bash"), ("Жерге-Тал", "Джерге-Тал", "Jerge-Tal"),
    ("Семиз-Бел", "Семиз-Бель", "Semiz-Bel"), ("Ак-Муз", "Ак-Муз", "Ak-Muz"), ("Терек", "Терек", "Terek"),
    ("Кашка-Суу", "Кашка-Суу", "Kashka-Suu"), ("Көк-Сай", "Кок-Сай", "Kok-Sai"), ("Арчалы", "Арчалы", "Archaly"),
    ("Жылуу-Булак", "Джилуу-Булак", "Jyluu-Bulak"), ("Тегизчил", "Тегизчил", "Tegizchil"),
]

# Per sector and language: title phrases.
TITLES = {
    "roads_bridges": {
        "ru": ["Пешеходный мост через реку", "Ремонт моста", "Новый мост для села", "Ремонт дороги к школе",
               "Асфальтирование сельских дорог", "Восстановление мостов после паводка", "Подвесной мост"],
        "ky": ["Көпүрө куруу", "Көпүрөнү оңдоо", "Дарыя аркылуу жөө көпүрө", "Мектепке баруучу жолду оңдоо",
               "Айылдын ички жолдорун асфальттоо", "Сел жүргөндөн кийин көпүрөлөрдү калыбына келтирүү"],
        "en": ["Footbridge over the river", "Bridge repair", "A new bridge for the village",
               "Repairing the road to school", "Paving the village roads", "Rebuilding bridges after the flood"],
    },
    "education": {
        "ru": ["Ремонт школы", "Строительство новой школы", "Открытие детского сада", "Ремонт спортзала школы",
               "Книги и мебель для библиотеки", "Компьютерный класс для школы", "Новые окна в школе"],
        "ky": ["Мектепти оңдоо", "Жаңы мектеп куруу", "Бала бакча ачуу", "Мектептин спорт залын оңдоо",
               "Китепканага китеп жана эмерек", "Мектепке компьютер классы", "Мектепке жаңы терезелер"],
        "en": ["School renovation", "A new school building", "Opening a kindergarten", "School gym repair",
               "Books and furniture for the library", "A computer class for the school", "New school windows"],
    },
    "health": {
        "ru": ["Хирургическая неделя в районной больнице", "Ремонт ФАПа", "Медицинское оборудование для больницы",
               "Неделя бесплатных операций на глазах", "Сельская клиника", "Родильное отделение больницы",
               "Стоматологический кабинет для клиники"],
        "ky": ["Райондук ооруканада хирургиялык жума", "ФАПты оңдоо", "Ооруканага медициналык жабдуулар",
               "Көзгө акысыз операциялар жумасы", "Айылдык клиника", "Ооруканадагы төрөт бөлүмү"],
        "en": ["Surgery week at the district hospital", "Rural clinic renovation", "Medical equipment for the hospital",
               "Free eye surgery week", "A village clinic", "Maternity ward of the hospital", "Dental room for the clinic"],
    },
    "water_sanitation": {
        "ru": ["Водопровод питьевой воды", "Замена труб водопровода", "Новая скважина", "Туалеты для школы",
               "Чистая вода для села", "Резервуар для питьевой воды"],
        "ky": ["Таза суу түтүгүн тартуу", "Суу түтүктөрүн алмаштыруу", "Жаңы скважина казуу",
               "Мектепке ажаткана", "Айылга таза суу", "Ичүүчү суу үчүн резервуар"],
        "en": ["Drinking water pipes", "Replacing the water pipes", "A new well", "Toilets for the school",
               "Clean water for the village", "A drinking water reservoir"],
    },
    "energy": {
        "ru": ["Солнечные панели для школы", "Замена трансформатора", "Уличное освещение", "Отопление в школе"],
        "ky": ["Мектепке күн панелдерин орнотуу", "Трансформаторду алмаштыруу", "Көчө жарыгы", "Мектепти жылытуу"],
        "en": ["Solar panels for the school", "Replacing the transformer", "Street lighting", "Heating for the school"],
    },
    "agriculture": {
        "ru": ["Очистка оросительного канала", "Ветеринарный пункт", "Теплица для села", "Ремонт арыков"],
        "ky": ["Сугат каналын тазалоо", "Мал доктурлук пункту", "Айылга жылыткана", "Арыктарды оңдоо"],
        "en": ["Cleaning the irrigation canal", "A veterinary station", "A village greenhouse", "Irrigation ditch repair"],
    },
    "culture_sport": {
        "ru": ["Ремонт дома культуры", "Спортивная площадка", "Сельский стадион", "Музыкальные инструменты для школы"],
        "ky": ["Маданият үйүн оңдоо", "Спорт аянтчасы", "Айылдык стадион", "Мектепке музыкалык аспаптар"],
        "en": ["House of culture repair", "A sports ground", "A village stadium", "Musical instruments for the school"],
    },
    "environment": {
        "ru": ["Посадка деревьев", "Вывоз мусора", "Укрепление берега реки", "Защита от селей"],
        "ky": ["Дарак отургузуу", "Таштандыны чыгаруу", "Дарыянын жээгин бекемдөө", "Селден коргоо"],
        "en": ["Tree planting", "Waste collection", "River bank protection", "Mudflow protection"],
    },
    "social_protection": {
        "ru": ["Дневной центр для пожилых", "Центр для детей с инвалидностью", "Столовая для малоимущих"],
        "ky": ["Карылар үчүн күндүзгү борбор", "Майыптыгы бар балдар үчүн борбор", "Аз камсыз болгондор үчүн ашкана"],
        "en": ["Day centre for the elderly", "Centre for children with disabilities", "A canteen for families in need"],
    },
    "business_investment": {
        "ru": ["Сельский рынок", "Холодильный склад", "Швейный цех", "Молочный цех"],
        "ky": ["Айыл базары", "Муздаткыч кампа", "Тигүү цехи", "Сүт цехи"],
        "en": ["A village market", "Cold storage warehouse", "A sewing workshop", "A dairy workshop"],
    },
}

# Sentences for descriptions, per language: about the sector's kind of project ({v} is the
# village, {y} a year, {n} a number), and about any project (money, people, timing).
SECTOR_SENTENCES = {
    "roads_bridges": {
        "ru": ["Старый мост был разрушен паводком в {y} году, и дети переходят реку вброд.",
               "Дорога до районного центра разбита, машины скорой помощи не проезжают.",
               "Новый мост выдержит грузовики и весенний сель.",
               "Нужны бетон, арматура и работа мостостроителей."],
        "ky": ["Эски көпүрөнү {y}-жылы сел алып кеткен, балдар дарыядан кечип өтүшөт.",
               "Райондук борборго чейинки жол бузулган, тез жардам өтө албайт.",
               "Жаңы көпүрө жүк ташуучу унааларды жана жазгы селди көтөрөт.",
               "Бетон, арматура жана көпүрө куруучулардын эмгеги керек."],
        "en": ["The old bridge was washed away by the flood in {y}, and children wade across the river.",
               "The road to the district centre is broken and ambulances cannot pass.",
               "The new bridge will carry lorries and withstand the spring mudflows.",
               "We need concrete, rebar and the work of bridge builders."],
    },
    "education": {
        "ru": ["Школа построена в 1968 году, крыша протекает, а окна не держат тепло.",
               "В классах занимаются в три смены, детям не хватает парт.",
               "Учителя и родители сами красят стены каждое лето."],
        "ky": ["Мектеп 1968-жылы курулган, чатыры агат, терезелер жылуулукту кармабайт.",
               "Класстарда үч сменада окушат, балдарга парта жетпейт.",
               "Мугалимдер жана ата-энелер ар жайда дубалдарды өздөрү боёшот."],
        "en": ["The school was built in 1968; the roof leaks and the windows do not keep the heat in.",
               "Classes run in three shifts and the children are short of desks.",
               "Teachers and parents repaint the walls themselves every summer."],
    },
    "health": {
        "ru": ["Хирурги из Бишкека и из-за рубежа проведут операции бесплатно.",
               "Ближайшая больница находится в сорока километрах, зимой дорогу заносит снегом.",
               "В очереди на операцию стоят {n} пациентов."],
        "ky": ["Бишкектен жана чет өлкөдөн келген хирургдар операцияларды акысыз жасашат.",
               "Жакынкы оорукана кырк чакырым алыс, кышында жолду кар басып калат.",
               "Операцияга {n} бейтап кезекте турат."],
        "en": ["Surgeons from Bishkek and abroad will operate free of charge.",
               "The nearest hospital is forty kilometres away, and snow blocks the road in winter.",
               "{n} patients are waiting for an operation."],
    },
    "water_sanitation": {
        "ru": ["Водопровод не ремонтировали с советских времён, трубы прогнили.",
               "Воду носят из арыка, дети болеют кишечными инфекциями.",
               "Нужны трубы, насос и работа местных мастеров."],
        "ky": ["Суу түтүгү совет убагынан бери оңдолгон эмес, түтүктөр чирип калган.",
               "Сууну арыктан ташышат, балдар ичеги ооруларына чалдыгат.",
               "Түтүктөр, насос жана жергиликтүү усталардын эмгеги керек."],
        "en": ["The water pipes have not been repaired since Soviet times and are rusted through.",
               "Water is carried from the ditch and children fall ill with stomach infections.",
               "We need pipes, a pump and the work of local plumbers."],
    },
    "energy": {
        "ru": ["Зимой свет отключают на несколько часов каждый день.", "Панели окупятся за шесть лет."],
        "ky": ["Кышында жарык күн сайын бир нече саатка өчүрүлөт.", "Панелдер алты жылда өзүн актайт."],
        "en": ["In winter the power is cut for hours every day.", "The panels will pay for themselves in six years."],
    },
    "agriculture": {
        "ru": ["Канал заилился, и половина полей остаётся без полива.", "Фермеры теряют урожай каждый год."],
        "ky": ["Канал ылайга толуп, талаалардын жарымы сугарылбай калат.", "Дыйкандар жыл сайын түшүмдөн ажырашат."],
        "en": ["The canal has silted up and half the fields go without water.", "Farmers lose part of the harvest every year."],
    },
    "culture_sport": {
        "ru": ["Молодёжи негде заниматься спортом зимой.", "Здесь будут проходить праздники и турниры."],
        "ky": ["Жаштарга кышында спорт менен машыгууга жер жок.", "Бул жерде майрамдар жана мелдештер өтөт."],
        "en": ["Young people have nowhere to train in winter.", "Festivals and tournaments will take place here."],
    },
    "environment": {
        "ru": ["Мусор сжигают на берегу реки.", "Саженцы предоставит лесхоз, нужны руки и полив."],
        "ky": ["Таштандыны дарыянын жээгинде өрттөшөт.", "Көчөттөрдү токой чарбасы берет, кол жана суу керек."],
        "en": ["Rubbish is burnt on the river bank.", "The forestry office gives the saplings; we need hands and watering."],
    },
    "social_protection": {
        "ru": ["Многие пожилые живут одни, их дети работают за границей.", "Центр будет кормить {n} человек в день."],
        "ky": ["Көптөгөн карылар жалгыз жашайт, балдары чет өлкөдө иштешет.", "Борбор күнүнө {n} кишини тамактандырат."],
        "en": ["Many old people live alone while their children work abroad.", "The centre will feed {n} people a day."],
    },
    "business_investment": {
        "ru": ["Фермеры продают продукцию перекупщикам за бесценок.", "Появятся {n} рабочих мест."],
        "ky": ["Дыйкандар продукцияны ортомчуларга арзанга сатышат.", "{n} жумуш орун ачылат."],
        "en": ["Farmers sell their produce to middlemen for next to nothing.", "{n} jobs will be created."],
    },
}
SENTENCES = {
    "ru": ["В селе {v} живут {n} семей, многие родственники работают в России и Казахстане.",
           "Айыл окмоту вносит часть стоимости, остальное собираем вместе с диаспорой.",
           "Работы начнутся весной {y} года и займут около пяти месяцев.",
           "Смета проверена районным отделом строительства.",
           "Каждый сом будет учтён: мы публикуем чеки и фотографии.",
           "Жители {v} готовы работать бесплатно.",
           "Мы просим земляков помочь деньгами, материалами и знаниями.",
           "Проект обсуждали на сходе села в {y} году."],
    "ky": ["{v} айылында {n} үй-бүлө жашайт, көптөгөн туугандар Орусияда иштешет.",
           "Айыл өкмөтү чыгымдын бир бөлүгүн төлөйт, калганын мекендештер менен чогултабыз.",
           "Иштер {y}-жылдын жазында башталат жана беш айга жакын созулат.",
           "Смета райондук курулуш бөлүмү тарабынан текшерилген.",
           "Ар бир сом эсепке алынат: биз чектерди жана сүрөттөрдү жарыялайбыз.",
           "{v} айылынын тургундары акысыз иштөөгө даяр.",
           "Мекендештерден акча, материалдар жана билим менен жардам сурайбыз.",
           "Долбоор {y}-жылы айылдын жыйынында талкууланган."],
    "en": ["{n} families live in {v}; many relatives work in Russia and Kazakhstan.",
           "The ayil okmotu pays part of the cost; we raise the rest with the diaspora.",
           "Work starts in the spring of {y} and takes about five months.",
           "The estimate was checked by the district construction office.",
           "Every som is accounted for: we publish receipts and photos.",
           "The people of {v} are ready to work for free.",
           "We ask people from home to help with money, materials and know-how.",
           "The village meeting discussed the project in {y}."],
}
SUMMARIES = {
    "ru": ["Чтобы жизнь в селе стала лучше уже в этом году.",
           "Село {v} просит земляков помочь завершить работы до зимы.",
           "Помогите жителям {v}: {n} семей ждут этого много лет.",
           "Совместный проект айыл окмоту и диаспоры."],
    "ky": ["Айылдагы жашоо ушул жылы эле жакшырышы үчүн.",
           "{v} айылы мекендештерден ишти кышка чейин бүтүрүүгө жардам сурайт.",
           "{v} айылынын тургундарына жардам бериңиз: {n} үй-бүлө көп жылдан бери күтүп жатат.",
           "Айыл өкмөтү менен диаспоранын биргелешкен долбоору."],
    "en": ["So that life in the village gets better this year.",
           "{v} asks people from home to help finish the work before winter.",
           "Help the people of {v}: {n} families have waited for years.",
           "A joint project of the ayil okmotu and the diaspora."],
}
FUNDS_TITLES = {"ru": "Материалы и работы", "ky": "Курулуш материалдары жана иш", "en": "Materials and labour"}
REQUIREMENTS = {"ru": "Опыт работы от трёх лет", "ky": "Үч жылдан ашык тажрыйба", "en": "Three years of experience"}
ITEMS = {"ru": [("Цемент", "мешок"), ("Трубы", "м"), ("Парты", "шт"), ("Книги", "шт")],
         "ky": [("Цемент", "кап"), ("Түтүктөр", "м"), ("Парталар", "даана"), ("Китептер", "даана")],
         "en": [("Cement", "bag"), ("Pipes", "m"), ("Desks", "pcs"), ("Books", "pcs")]}
FIRST_NAMES = ["Айбек", "Нурлан", "Бакыт", "Гулнара", "Айгерим", "Жылдыз", "Азамат", "Эрмек", "Чолпон", "Динара",
               "Мирлан", "Сапар", "Айжан", "Бегимай", "Улан", "Эльмира", "Тилек", "Нургуль", "Канат", "Асель"]
LAST_NAMES = ["Асанов", "Токтогулов", "Жумабеков", "Осмонов", "Абдыкадыров", "Мамытов", "Исаков", "Сыдыков",
              "Бакиев", "Калыков", "Орозбеков", "Усенов"]
COUNTRIES = ["RU"] * 10 + ["KZ"] * 4 + ["TR"] * 2 + ["KR", "US", "DE", "GB", "AE"] + ["KG"] * 5 + [None] * 2
LANGUAGE_SETS = [["ky", "ru"]] * 10 + [["ru"]] * 4 + [["ky"]] * 3 + [["ky", "ru", "en"]] * 3 + [["en", "ru"], ["ky", "ru", "tr"]]

# ----------------------------------------------------------------------------------- environment


def configure_environment(db_path):
    """Settings read by config.py at import time: set them before importing the app."""
    scratch = Path(tempfile.gettempdir()) / "birge-bench-instance"
    scratch.mkdir(exist_ok=True)
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "BIRGE_INSTANCE_DIR": str(scratch),
        "UPLOAD_DIR": str(scratch / "uploads"),
        "SEARCH_BACKEND": "sqlite",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    sys.dont_write_bytecode = True


def make_app():
    import logging

    from app import create_app

    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)  # alembic and the app log at INFO
    return app


class OtherLoad:
    """CPU time other processes used while a phase ran: the machine's busy time (/proc/stat) less
    this process's and its waited-for children's (gunicorn, wrk). Anything much above zero means
    something else competed for the CPUs and the phase's figures are pessimistic."""

    def __init__(self):
        self.started = self._sample()

    @staticmethod
    def _sample():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields[:3]) + sum(fields[5:8])  # user nice system, irq softirq steal
        mine = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                   for f in ("ru_utime", "ru_stime"))
        return time.monotonic(), busy / os.sysconf("SC_CLK_TCK"), mine

    def stop(self):
        (w0, b0, m0), (w1, b1, m1) = self.started, self._sample()
        return {"wall_s": w1 - w0, "others_cpu_s": max(0.0, (b1 - b0) - (m1 - m0))}


def wait_quiet(enabled, max_wait=900, sample=5.0):
    """Before a measured phase, wait (up to max_wait seconds) until other processes leave the
    CPUs alone for `sample` seconds; returns the seconds waited."""
    started = time.monotonic()
    while enabled and time.monotonic() - started < max_wait:
        watch = OtherLoad()
        time.sleep(sample)
        if watch.stop()["others_cpu_s"] < 0.05 * sample:
            break
        print("   (waiting: other processes are using the CPUs)", flush=True)
    return time.monotonic() - started


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def maxrss_mb(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


# ----------------------------------------------------------------------------------- 1. generate


def generate(db_path, n_projects, n_profiles, seed, out):
    """Runs in a child process: a fresh database with the whole data set."""
    configure_environment(db_path)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    rng = random.Random(seed)
    app = make_app()
    timings = {}
    with app.app_context():
        from flask_migrate import upgrade

        from app.extensions import db
        from app.services.reference import seed_reference_data

        started = time.perf_counter()
        upgrade()
        seed_reference_data()
        db.session.commit()
        timings["migrate_seed_s"] = time.perf_counter() - started
        db.session.execute(db.text("PRAGMA synchronous = OFF"))  # this connection only: a throwaway file

        started = time.perf_counter()
        places = add_municipalities(rng)
        lsgs = add_lsgs_and_officials(places)
        db.session.commit()
        counts = add_projects(rng, n_projects, places, lsgs)
        counts.update(add_profiles(rng, n_profiles, places))
        timings["generate_s"] = time.perf_counter() - started
        counts["municipalities"] = len(places)
        counts["lsgs"] = len(lsgs)
    out.put({"timings": timings, "counts": counts, "maxrss_mb": maxrss_mb()})


def add_municipalities(rng):
    """Three more municipalities in every district; returns every municipality as a dict."""
    from app.extensions import db
    from app.models import District, Municipality, MunicipalityKind

    districts = db.session.scalars(db.select(District).order_by(District.id)).all()
    rows = []
    for index, district in enumerate(districts):
        for k in range(3):
            ky, ru, en = VILLAGES[(index * 3 + k) % len(VILLAGES)]
            rows.append({
                "code": f"{district.code}-B{k + 1:02d}", "district_id": district.id,
                "kind": MunicipalityKind.AYIL_AYMAK,
                "name_ky": f"{ky} айыл аймагы", "name_ru": f"{ru} айылный аймак", "name_en": f"{en} ayil aymak",
                "lat": round(district.lat + rng.uniform(-0.2, 0.2), 4),
                "lon": round(district.lon + rng.uniform(-0.3, 0.3), 4),
            })
    db.session.execute(Municipality.__table__.insert(), rows)
    result = []
    for m in db.session.scalars(db.select(Municipality).options(db.joinedload(Municipality.district))):
        village = m.name_en.split(" ")[0]
        result.append({"id": m.id, "code": m.code, "district_id": m.district_id, "region_id": m.district.region_id,
                       "lat": m.lat, "lon": m.lon, "village": {"ky": m.name_ky.split(" ")[0],
                                                                "ru": m.name_ru.split(" ")[0], "en": village}})
    return result


def user_row(email, name, locale="ru", active=True):
    from app.models import Role

    return {"email": email, "password_hash": "!bench-no-login", "name": name, "locale": locale,
            "role": Role.MEMBER, "active": active, "session_token": secrets.token_hex(12),
            "created_at": NOW - timedelta(days=800)}


def add_lsgs_and_officials(places):
    """One LSG per municipality, each with one approved official; returns {municipality id: (lsg, user)}."""
    from app.extensions import db
    from app.models import Lsg, LsgMembership, MembershipStatus, User

    first_user = (db.session.scalar(db.select(db.func.max(User.id))) or 0) + 1
    users = [user_row(f"official{p['id']}@bench.kg", f"Official of {p['village']['en']}") for p in places]
    db.session.execute(User.__table__.insert(), users)
    first_lsg = (db.session.scalar(db.select(db.func.max(Lsg.id))) or 0) + 1
    db.session.execute(Lsg.__table__.insert(), [
        {"id": first_lsg + i, "municipality_id": p["id"], "name_ky": f"{p['village']['ky']} айыл өкмөтү",
         "name_ru": f"{p['village']['ru']} айыл окмоту", "name_en": f"{p['village']['en']} ayil okmotu",
         "created_at": NOW - timedelta(days=800)} for i, p in enumerate(places)])
    db.session.execute(LsgMembership.__table__.insert(), [
        {"user_id": first_user + i, "lsg_id": first_lsg + i, "status": MembershipStatus.APPROVED,
         "position": "Глава айыл окмоту", "message": "", "created_at": NOW - timedelta(days=790)}
        for i in range(len(places))])
    return {p["id"]: (first_lsg + i, first_user + i) for i, p in enumerate(places)}


def _fill(template, rng, village):
    return template.format(v=village, y=rng.choice((2024, 2025, 2026, 2027)), n=rng.randint(40, 900))


def project_text(rng, sector, village):
    """(title, summary, description, language) in one language, sometimes with a second paragraph."""
    lang = rng.choices(("ru", "ky", "en"), weights=(50, 35, 15))[0]
    title = f"{rng.choice(TITLES[sector][lang])} — {village[lang]}"
    summary = _fill(rng.choice(SUMMARIES[lang]), rng, village[lang])

    def paragraph(language, specific, generic):
        own = SECTOR_SENTENCES[sector][language]
        chosen = rng.sample(own, min(specific, len(own))) + rng.sample(SENTENCES[language], generic)
        rng.shuffle(chosen)
        return " ".join(_fill(s, rng, village[language]) for s in chosen)

    description = paragraph(lang, rng.randint(2, 3), rng.randint(2, 4))
    if rng.random() < 0.25:  # a paragraph in a second language
        description += "\n\n" + paragraph(rng.choice([x for x in ("ru", "ky", "en") if x != lang]), 1, 1)
    return title, summary, description, lang


def add_projects(rng, n_projects, places, lsgs, chunk=5000):
    from app.extensions import db
    from app.models import (CofinancingShare, Milestone, Need, NeedKind, Project, ProjectStatus, Sector,
                            ShareSource, Skill)

    sectors = {s.code: s.id for s in db.session.scalars(db.select(Sector))}
    skills = db.session.scalars(db.select(Skill)).all()
    skills_by_sector = {code: [s for s in skills if s.sector_id == sid] or skills for code, sid in sectors.items()}
    sector_codes = sorted(sectors)
    next_ids = {t: (db.session.scalar(db.select(db.func.max(t.c.id))) or 0) + 1
                for t in (Project.__table__, Need.__table__, CofinancingShare.__table__, Milestone.__table__)}
    counts = {"projects": 0, "needs": 0}
    for start in range(0, n_projects, chunk):
        projects, needs, shares, milestones = [], [], [], []
        for _ in range(min(chunk, n_projects - start)):
            pid = next_ids[Project.__table__]
            next_ids[Project.__table__] += 1
            place = rng.choice(places)
            lsg_id, official_id = lsgs[place["id"]]
            sector = rng.choice(sector_codes)
            title, summary, description, lang = project_text(rng, sector, place["village"])
            budget = rng.randint(20, 2000) * 10_000_00
            published_at = NOW - timedelta(days=rng.uniform(0, 730))
            starts_on = (published_at + timedelta(days=rng.randint(30, 200))).date()
            ends_on = starts_on + timedelta(days=rng.randint(30, 300))
            located = rng.random() < 0.3
            lat = round(place["lat"] + rng.uniform(-0.05, 0.05), 5) if located else None
            lon = round(place["lon"] + rng.uniform(-0.05, 0.05), 5) if located else None

            project_needs = []

            def need(kind, **fields):
                nid = next_ids[Need.__table__]
                next_ids[Need.__table__] += 1
                row = {"id": nid, "project_id": pid, "kind": kind, "title": "", "target_amount": None,
                       "currency": None, "skill_id": None, "slots": None, "starts_on": None, "ends_on": None,
                       "on_site": None, "requirements": None, "verified_required": False, "item": None,
                       "quantity": None, "unit": None, **fields}
                needs.append(row)
                skill = fields.get("skill")
                row.pop("skill", None)
                project_needs.append({
                    "id": nid, "kind": kind.value, "title": row["title"], "target_amount": row["target_amount"],
                    "currency": row["currency"], "skill": skill.code if skill else None, "slots": row["slots"],
                    "starts_on": row["starts_on"].isoformat() if row["starts_on"] else None,
                    "ends_on": row["ends_on"].isoformat() if row["ends_on"] else None, "on_site": row["on_site"],
                    "requirements": row["requirements"], "verified_required": row["verified_required"],
                    "item": row["item"], "quantity": row["quantity"], "unit": row["unit"],
                })

            need(NeedKind.FUNDS, title=FUNDS_TITLES[lang], target_amount=budget // 2, currency="KGS")
            if rng.random() < 0.5:
                skill = rng.choice(skills_by_sector[sector])
                s_start = TODAY + timedelta(days=rng.randint(10, 400))
                need(NeedKind.SKILL, skill=skill, skill_id=skill.id, slots=rng.randint(1, 4), starts_on=s_start,
                     ends_on=s_start + timedelta(days=rng.randint(3, 21)), on_site=rng.random() < 0.8,
                     requirements=REQUIREMENTS[lang], verified_required=rng.random() < 0.3)
            if rng.random() < 0.3:
                item, unit = rng.choice(ITEMS[lang])
                need(NeedKind.IN_KIND, title=item, item=item, quantity=rng.randint(5, 500), unit=unit)

            project_shares = []
            for source, part in ((ShareSource.LSG, budget // 4), (ShareSource.DIASPORA, budget - budget // 4)):
                sid = next_ids[CofinancingShare.__table__]
                next_ids[CofinancingShare.__table__] += 1
                shares.append({"id": sid, "project_id": pid, "source": source, "label": "", "planned": part,
                               "received": 0, "conditional": False, "condition": ""})
                project_shares.append({"id": sid, "source": source.value, "label": "", "planned": part,
                                       "received": 0, "conditional": False, "condition": ""})
            project_milestones = []
            for m_title, amount, due in (("Фундамент", budget // 2, starts_on + timedelta(days=30)),
                                         ("Завершение работ", budget - budget // 2, ends_on)):
                mid = next_ids[Milestone.__table__]
                next_ids[Milestone.__table__] += 1
                milestones.append({"id": mid, "project_id": pid, "title": m_title, "due_on": due, "amount": amount})
                project_milestones.append({"id": mid, "title": m_title, "due_on": due.isoformat(), "amount": amount})

            snapshot = {
                "title": title, "summary": summary, "description": description, "sector": sector,
                "municipality": place["code"], "lat": lat, "lon": lon, "currency": "KGS", "budget": budget,
                "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat(), "needs": project_needs,
                "shares": project_shares, "milestones": project_milestones, "photos": [],
            }
            projects.append({
                "id": pid, "lsg_id": lsg_id, "municipality_id": place["id"], "sector_id": sectors[sector],
                "created_by_id": official_id, "title": title, "summary": summary, "description": description,
                "lat": lat, "lon": lon, "currency": "KGS", "budget": budget, "starts_on": starts_on,
                "ends_on": ends_on, "accepts_overfunding": False, "status": ProjectStatus.PUBLISHED,
                "revision_state": None, "published_snapshot": snapshot, "reviewed_snapshot": snapshot,
                "review_reason": "Documents checked", "created_at": published_at - timedelta(days=10),
                "updated_at": published_at, "submitted_at": published_at - timedelta(days=3),
                "published_at": published_at, "last_update_at": None,
            })
        db.session.execute(Project.__table__.insert(), projects)
        db.session.execute(Need.__table__.insert(), needs)
        db.session.execute(CofinancingShare.__table__.insert(), shares)
        db.session.execute(Milestone.__table__.insert(), milestones)
        db.session.commit()
        counts["projects"] += len(projects)
        counts["needs"] += len(needs)
    return counts


def add_profiles(rng, n_profiles, places, chunk=20000):
    """Members with profiles: home places, skills (some verified), sectors, languages, windows."""
    from app.extensions import db
    from app.models import (AvailabilityWindow, MemberProfile, ProfileSkill, ProfileVisibility, Sector, Skill,
                            SkillStatus, User)
    from app.models.profiles import member_profile_sectors

    sector_ids = list(db.session.scalars(db.select(Sector.id)))
    skill_ids = list(db.session.scalars(db.select(Skill.id)))
    skill_weights = [rng.uniform(0.3, 3) for _ in skill_ids]  # some skills are much commoner than others
    first_user = (db.session.scalar(db.select(db.func.max(User.id))) or 0) + 1
    first_profile = (db.session.scalar(db.select(db.func.max(MemberProfile.id))) or 0) + 1
    visibilities = [ProfileVisibility.PUBLIC] * 85 + [ProfileVisibility.PLEDGED_LSGS] * 10 + [ProfileVisibility.PRIVATE] * 5
    statuses = ([SkillStatus.DECLARED] * 65 + [SkillStatus.VERIFIED] * 22 + [SkillStatus.PENDING] * 10
                + [SkillStatus.REJECTED] * 3)
    counts = {"profiles": 0, "profile_skills": 0, "windows": 0}
    for start in range(0, n_profiles, chunk):
        users, profiles, held, sectors, windows = [], [], [], [], []
        for i in range(start, min(start + chunk, n_profiles)):
            uid, pid = first_user + i, first_profile + i
            users.append(user_row(f"member{i}@bench.kg",
                                  f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                                  locale=rng.choice(("ky", "ru", "ru", "en")), active=rng.random() > 0.01))
            place = rng.choice(places)
            level = rng.random()
            updated = NOW - timedelta(days=rng.uniform(0, 720))
            profiles.append({
                "id": pid, "user_id": uid, "country": rng.choice(COUNTRIES), "city": "",
                "home_region_id": place["region_id"] if level < 0.97 else None,
                "home_district_id": place["district_id"] if level < 0.9 else None,
                "home_municipality_id": place["id"] if level < 0.8 else None,
                "bio": "", "languages": rng.choice(LANGUAGE_SETS), "contact_email_ok": rng.random() < 0.5,
                "contact_phone": "", "contact_messenger": "", "contact_officials_ok": rng.random() < 0.5,
                "visibility": rng.choice(visibilities), "created_at": updated - timedelta(days=30),
                "updated_at": updated,
            })
            n_skills = rng.choices((0, 1, 2, 3), weights=(5, 65, 22, 8))[0]
            for skill_id in set(rng.choices(skill_ids, weights=skill_weights, k=n_skills)):
                status = rng.choice(statuses)
                held.append({"profile_id": pid, "skill_id": skill_id, "status": status,
                             "credential_filename": None, "submitted_at": None, "decision_reason": None,
                             "decided_by_id": None, "decided_at": None, "created_at": updated})
            for sector_id in rng.sample(sector_ids, rng.choices((0, 1, 2), weights=(40, 40, 20))[0]):
                sectors.append({"profile_id": pid, "sector_id": sector_id})
            for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
                w_start = TODAY + timedelta(days=rng.randint(-30, 400))
                windows.append({"profile_id": pid, "starts_on": w_start,
                                "ends_on": w_start + timedelta(days=rng.randint(5, 45))})
        db.session.execute(User.__table__.insert(), users)
        db.session.execute(MemberProfile.__table__.insert(), profiles)
        db.session.execute(ProfileSkill.__table__.insert(), held)
        if sectors:
            db.session.execute(member_profile_sectors.insert(), sectors)
        if windows:
            db.session.execute(AvailabilityWindow.__table__.insert(), windows)
        db.session.commit()
        counts["profiles"] += len(profiles)
        counts["profile_skills"] += len(held)
        counts["windows"] += len(windows)
    return counts


def run_generation(db_path, n_projects, n_profiles, seed):
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=generate, args=(db_path, n_projects, n_profiles, seed, out))
    child.start()
    while True:
        try:
            result = out.get(timeout=1)
            break
        except Exception:  # queue.Empty: still working, unless it died
            if not child.is_alive():
                raise SystemExit(f"generation failed (exit code {child.exitcode}); is another process "
                                 f"using {db_path}?") from None
    child.join()
    return result


# ----------------------------------------------------------------------------------- 2. reindex


def run_reindex(app):
    from app.extensions import db
    from app.search import backend

    with app.app_context():
        counter, stop = count_statements(db.engine)  # a cheap listener: shows N+1 loading if any
        started = time.perf_counter()
        counts = backend().reindex()
        db.session.commit()
        elapsed = time.perf_counter() - started
        stop()
        db.session.remove()
    return {"reindex_s": elapsed, "indexed": counts, "statements": counter[0]}


# ----------------------------------------------------------------------------------- 3. search


def reference_ids():
    """Ids the queries use: regions, sectors, skills by code, municipalities with coordinates."""
    from app.extensions import db
    from app.models import Municipality, Region, Sector, Skill

    return {
        "regions": {r.code: r.id for r in db.session.scalars(db.select(Region))},
        "sectors": {s.code: s.id for s in db.session.scalars(db.select(Sector))},
        "skills": {s.code: s.id for s in db.session.scalars(db.select(Skill))},
        "municipalities": [(m.id, m.lat, m.lon) for m in db.session.scalars(db.select(Municipality))],
    }


TEXT_QUERIES = [
    "мост", "мосты", "мостов через реку", "көпүрө", "bridge", "bridges", "школа", "школы", "мектеп", "school",
    "детский сад", "бала бакча", "kindergarten", "хирургическая неделя", "surgery week", "операции", "клиника",
    "больница", "оорукана", "водопровод", "суу түтүгү", "water pipes", "дорога", "жол", "road repair",
    "солнечные панели", "solar", "Ак-Суу", "Нарын", "трубы цемент",
    # one-letter typos: the backend replaces an unknown stem by the indexed words one edit away
    "водопрвод", "scool", "больнца", "мекеп",
]


def build_queries(ids, n, rng):
    """(category, SearchQuery) pairs: text, facets without and with text, geo."""
    from app.search.query import SearchQuery

    regions, sectors, skills = list(ids["regions"].values()), list(ids["sectors"].values()), list(ids["skills"].values())
    kinds = ("funds", "skill", "in_kind")

    def near(**fields):
        mid, lat, lon = rng.choice(ids["municipalities"])
        return SearchQuery(near=mid, km=50, origin=(lat, lon), **fields)

    makers = [
        ("text", lambda: SearchQuery(q=rng.choice(TEXT_QUERIES))),
        ("text", lambda: SearchQuery(q=rng.choice(TEXT_QUERIES), page=rng.choice((1, 1, 2, 5)))),
        ("typo", lambda: SearchQuery(q=rng.choice(("водопрвод", "scool", "больнца", "мекеп", "мостт")))),
        ("facet", lambda: SearchQuery(region=rng.choice(regions))),
        ("facet", lambda: SearchQuery(sector=(rng.choice(sectors),))),
        ("facet", lambda: SearchQuery(kind=(rng.choice(kinds),))),
        ("facet", lambda: SearchQuery(skill=(rng.choice(skills),))),
        ("facet", lambda: SearchQuery(region=rng.choice(regions), sector=(rng.choice(sectors),), sort="funding")),
        ("facet+text", lambda: SearchQuery(q=rng.choice(("мост", "bridge", "көпүрө")), region=rng.choice(regions))),
        ("facet+text", lambda: SearchQuery(q=rng.choice(("школа", "school", "мектеп")), sector=(ids["sectors"]["education"],))),
        ("facet+text", lambda: SearchQuery(q=rng.choice(("хирург", "surgery", "операции")), kind=("skill",))),
        ("facet+text", lambda: SearchQuery(q=rng.choice(("водопровод", "water", "суу")), skill=(ids["skills"]["water_engineer"],),
                                           sort="newest")),
        ("geo", lambda: near(sort="nearest")),
        ("geo", lambda: near(q=rng.choice(("мост", "school", "мектеп")), sort="nearest")),
        ("geo", lambda: near(sector=(rng.choice(sectors),), sort="nearest")),
        ("geo", lambda: near(q=rng.choice(("водопровод", "clinic"))),),
    ]
    return [(category, make()) for category, make in (rng.choice(makers) for _ in range(n))]


def raw_search(conn, query, match, exact=None):
    """The same work as SqliteBackend.search, written by hand against the sqlite3 module: one
    statement that materializes the matching rows once (with bm25 when ranked by relevance), then
    reads the page (a top-N sort), the total and every facet count from them. The MATCH
    expressions are precomputed by the engine from the same query groups (SqliteBackend
    .match_expressions: the expanded query, and the words as typed only when something was
    expanded, whose matches rank first). Returns (total, [(id, score)], facets).

    It reads the embedded index's tables directly, so it must follow their layout (see SCHEMA in
    app/search/sqlite_backend.py): search_projects with kinds/skills as ",a,b," sets,
    search_terms for the skill facet."""
    from app.search.query import KM_PER_DEGREE, NEED_KINDS
    from app.search.sqlite_backend import COLUMN_WEIGHTS

    ranked = bool(match) and query.sort == "relevance"
    conds, params = [], []
    if match and not ranked:
        conds.append("p.project_id IN (SELECT rowid FROM search_projects_fts WHERE search_projects_fts MATCH ?)")
        params.append(match)
    for name in ("region", "district", "municipality"):
        if getattr(query, name):
            conds.append(f"p.{name}_id = ?")
            params.append(getattr(query, name))
    if query.sector:
        conds.append(f"p.sector_id IN ({','.join('?' * len(query.sector))})")
        params += list(query.sector)
    if query.status:
        conds.append(f"p.status IN ({','.join('?' * len(query.status))})")
        params += list(query.status)
    if query.kind:
        conds.append("(" + " OR ".join(f"instr(p.kinds, ',{k},') > 0" for k in query.kind if k in NEED_KINDS) + ")")
    if query.skill:
        conds.append(f"p.project_id IN (SELECT entity_id FROM search_terms WHERE entity = 'project' "
                     f"AND facet = 'skill' AND value IN ({','.join('?' * len(query.skill))}))")
        params += [str(v) for v in query.skill]
    distance = None
    if query.origin:
        lat, lon = query.origin
        coslat = math.cos(math.radians(lat))
        distance = f"((m.lat - {lat!r}) * (m.lat - {lat!r}) + (m.lon - {lon!r}) * {coslat!r} * (m.lon - {lon!r}) * {coslat!r})"
        if query.near:
            degrees = query.km / KM_PER_DEGREE
            conds += [f"p.lat BETWEEN {lat - degrees!r} AND {lat + degrees!r}",
                      f"p.lon BETWEEN {lon - degrees / coslat!r} AND {lon + degrees / coslat!r}",
                      distance.replace("m.", "p.") + f" <= {degrees * degrees!r}"]
    where = " AND ".join(conds) or "1"
    columns = "p.project_id, p.region_id, p.district_id, p.sector_id, p.status, p.kinds, p.published_at, " \
              "p.funding_progress, p.lat, p.lon"
    if ranked:
        weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
        bm25 = f"bm25(search_projects_fts, {weights})"
        if exact:
            cte = f"""h AS MATERIALIZED (SELECT rowid AS id, {bm25} AS rank
                                         FROM search_projects_fts WHERE search_projects_fts MATCH ?),
                      x AS MATERIALIZED (SELECT rowid AS id, {bm25} AS rank
                                         FROM search_projects_fts WHERE search_projects_fts MATCH ?),
                      m AS MATERIALIZED (SELECT {columns}, coalesce(x.rank, h.rank) AS rank,
                                                x.id IS NOT NULL AS exact
                                         FROM h JOIN search_projects p ON p.project_id = h.id
                                         LEFT JOIN x ON x.id = h.id WHERE {where})"""
            params = [match, exact, *params]
        else:
            cte = f"""h AS MATERIALIZED (SELECT rowid AS id, {bm25} AS rank
                                         FROM search_projects_fts WHERE search_projects_fts MATCH ?),
                      m AS MATERIALIZED (SELECT {columns}, h.rank, 1 AS exact FROM h
                                         JOIN search_projects p ON p.project_id = h.id WHERE {where})"""
            params = [match, *params]
        order = "m.exact DESC, m.rank, m.published_at DESC, m.project_id DESC"
    else:
        cte = f"m AS MATERIALIZED (SELECT {columns}, 0 AS rank FROM search_projects p WHERE {where})"
        order = "m.published_at DESC, m.project_id DESC"
    if query.sort == "nearest" and query.origin:
        order = f"{distance}, m.project_id DESC"
    elif query.sort == "funding":
        order = "m.funding_progress IS NULL, m.funding_progress DESC, m.published_at DESC, m.project_id DESC"
    parts = [
        f"SELECT * FROM (SELECT 'hit', m.project_id, -m.rank FROM m ORDER BY {order} LIMIT ? OFFSET ?)",
        "SELECT 'total', NULL, count(*) FROM m",
    ]
    params += [query.per_page, query.offset]
    if query.with_facets:
        parts += [
            "SELECT 'region', region_id, count(*) FROM m GROUP BY region_id",
            "SELECT 'district', district_id, count(*) FROM m GROUP BY district_id",
            "SELECT 'sector', sector_id, count(*) FROM m WHERE sector_id IS NOT NULL GROUP BY sector_id",
            "SELECT 'status', status, count(*) FROM m GROUP BY status",
            "SELECT 'kind', 'funds', sum(instr(kinds, ',funds,') > 0) FROM m",
            "SELECT 'kind', 'skill', sum(instr(kinds, ',skill,') > 0) FROM m",
            "SELECT 'kind', 'in_kind', sum(instr(kinds, ',in_kind,') > 0) FROM m",
            "SELECT 'skill', value, count(*) FROM search_terms WHERE entity = 'project' AND facet = 'skill' "
            "AND entity_id IN (SELECT project_id FROM m) GROUP BY value",
        ]
    total, page = 0, []
    facets = {name: {} for name in ("region", "district", "sector", "status", "kind", "skill")}
    for facet, value, number in conn.execute(f"WITH {cte} " + " UNION ALL ".join(parts), params):
        if facet == "hit":
            page.append((value, float(number or 0)))
        elif facet == "total":
            total = number
        elif number:
            facets[facet][value if facet in ("status", "kind") else int(value)] = number
    return total, page, facets


def run_search_bench(app, db_path, n_queries, seed, profile=False):
    from app.extensions import db
    from app.search import backend
    from app.search.vocabulary import query_groups

    rng = random.Random(seed + 1)
    with app.app_context():
        ids = reference_ids()
        queries = build_queries(ids, n_queries, rng)
        engine = backend()
        # The MATCH expressions for the raw side, computed once per distinct query text outside the
        # timings, from the groups the engine expands the query into (translations, Latin readings;
        # prefix terms, or for a typo the indexed words one edit away).
        matches = {}
        for _, q in queries:
            if q.q not in matches:
                groups = query_groups(q.q or "")
                matches[q.q] = engine.match_expressions(groups) if groups else (None, None)
        db.session.remove()
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

        def timed_backend(q):
            started = time.perf_counter()
            result = engine.search(q)
            return time.perf_counter() - started, result

        def timed_raw(q):
            started = time.perf_counter()
            result = raw_search(conn, q, *matches[q.q])
            return time.perf_counter() - started, result

        for _, q in queries[:50]:  # warm-up: page cache, statement caches
            engine.search(q)
            raw_search(conn, q, *matches[q.q])

        b_times, r_times, by_category, mismatches = [], [], {}, []
        for i, (category, q) in enumerate(queries):
            first, second = (timed_backend, timed_raw) if i % 2 == 0 else (timed_raw, timed_backend)
            a, b = first(q), second(q)
            (tb, result), (tr, raw) = (a, b) if first is timed_backend else (b, a)
            b_times.append(tb)
            r_times.append(tr)
            by_category.setdefault(category, ([], [], []))
            by_category[category][0].append(tb)
            by_category[category][1].append(tr)
            by_category[category][2].append(result.total)
            total, page, facets = raw
            if (result.total, [h.id for h in result.hits], result.facets) != (total, [p for p, _ in page], facets):
                mismatches.append(q)
        db.session.remove()

        profile_text = None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _, q in queries:
                engine.search(q)
            profiler.disable()
            db.session.remove()
            profile_text = _profile_summary(profiler)
        conn.close()

    ms = lambda values, p: percentile(values, p) * 1000  # noqa: E731
    categories = {
        c: {"n": len(bt), "backend_p50": ms(bt, 50), "backend_p95": ms(bt, 95), "raw_p50": ms(rt, 50),
            "raw_p95": ms(rt, 95), "hits_median": statistics.median(totals), "hits_max": max(totals)}
        for c, (bt, rt, totals) in sorted(by_category.items())
    }
    return {
        "n": len(queries), "backend_p50": ms(b_times, 50), "backend_p95": ms(b_times, 95),
        "raw_p50": ms(r_times, 50), "raw_p95": ms(r_times, 95), "categories": categories,
        "mismatches": [repr(q) for q in mismatches[:5]], "n_mismatches": len(mismatches),
        "profile": profile_text,
    }


def _profile_summary(profiler, lines=18):
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(lines)
    return re.sub(r"^.*?(?=\s+ncalls)", "", stream.getvalue(), flags=re.S).strip("\n").rstrip()


# ----------------------------------------------------------------------------------- 4. matching


def run_matching_bench(app, db_path, n_needs, seed, profile=False):
    """match_profiles for random skill needs, subjects built as the service builds them
    (matching.need_subject from the need and its project's search document); and, for context,
    match_projects for random members (matching.member_subject)."""
    from app.extensions import db
    from app.models import MemberProfile, Need, NeedKind
    from app.search import backend
    from app.search.matching import member_subject, need_subject

    rng = random.Random(seed + 2)
    with app.app_context():
        need_ids = db.session.scalars(db.select(Need.id).where(Need.kind == NeedKind.SKILL)).all()
        needs = db.session.scalars(db.select(Need).where(Need.id.in_(rng.sample(need_ids, min(n_needs, len(need_ids)))))).all()
        documents = backend().project_documents({n.project_id for n in needs})
        subjects = [need_subject(n, documents[n.project_id]) for n in needs if n.project_id in documents]
        profile_ids = db.session.scalars(db.select(MemberProfile.id)).all()
        members = db.session.scalars(db.select(MemberProfile).where(
            MemberProfile.id.in_(rng.sample(profile_ids, min(max(50, n_needs // 2), len(profile_ids)))))).all()
        member_subjects = [member_subject(m) for m in members if m.skills]
        db.session.remove()
    rng.shuffle(subjects)

    with app.app_context():
        engine = backend()
        for subject in subjects[:20]:
            engine.match_profiles(subject)
        times, found = [], []
        for subject in subjects:
            started = time.perf_counter()
            result = engine.match_profiles(subject)
            times.append(time.perf_counter() - started)
            found.append(len(result))
        for subject in member_subjects[:10]:
            engine.match_projects(subject)
        project_times = []
        for subject in member_subjects:
            started = time.perf_counter()
            engine.match_projects(subject)
            project_times.append(time.perf_counter() - started)
        db.session.remove()
        profile_text = None
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for subject in subjects:
                engine.match_profiles(subject)
            profiler.disable()
            db.session.remove()
            profile_text = _profile_summary(profiler)
    return {
        "n": len(times), "p50": percentile(times, 50) * 1000, "p95": percentile(times, 95) * 1000,
        "max": max(times) * 1000, "mean_found": statistics.mean(found) if found else 0,
        "projects_n": len(project_times), "projects_p50": percentile(project_times, 50) * 1000,
        "projects_p95": percentile(project_times, 95) * 1000, "profile": profile_text,
    }


# ----------------------------------------------------------------------------------- breakdowns


def count_statements(engine):
    """A counter of the SQL statements the engine runs (a list holding one int)."""
    from sqlalchemy import event

    counter = [0]

    def before(*args, **kwargs):
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", before)
    return counter, lambda: event.remove(engine, "before_cursor_execute", before)


def run_page_breakdown(app, search_path, seed, n=100, profile=False):
    """The search page in-process (Flask's test client, no HTTP). Fresh pages: n distinct
    searches, each asked once, so no cache (page or results, both keyed on the search) can answer;
    the engine alone (backend().search + project_documents) for the same searches; and the one
    search URL asked again and again (what the caches make of it)."""
    from dataclasses import replace

    from werkzeug.datastructures import MultiDict

    from app.extensions import db
    from app.search import backend
    from app.search.query import SearchQuery

    paths = tail_paths(app, n=n + 50, seed=seed + 10)
    timed_paths, profiled_paths = paths[:n], paths[n:]
    with app.app_context():
        places = {m: (lat, lon) for m, lat, lon in reference_ids()["municipalities"]}
    client = app.test_client()
    failures = []

    def get(path):
        response = client.get(path)
        if response.status_code != 200:
            failures.append(response.status_code)

    def query_of(path):
        query = SearchQuery.from_args(MultiDict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query)))
        return replace(query, origin=places[query.near]) if query.near in places else query

    def mean_ms(fn, items):
        started = time.perf_counter()
        for item in items:
            fn(item)
        return (time.perf_counter() - started) / len(items) * 1000

    def engine(query):
        results = backend().search(query)
        backend().project_documents([h.id for h in results.hits])

    with app.app_context():
        queries = [query_of(path) for path in timed_paths]
        engine_ms = mean_ms(engine, queries)
        db.session.remove()
    result = {"engine_ms": engine_ms, "page_fresh_ms": mean_ms(get, timed_paths), "notes": []}
    for _ in range(5):
        get(search_path)
    result["page_repeat_ms"] = mean_ms(get, [search_path] * 50)
    result["healthz_ms"] = mean_ms(get, ["/healthz"] * 50)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for path in profiled_paths:
            get(path)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(str(ROOT / "app") + "/", 30)
        result["profile"] = re.sub(r"^.*?(?=\s+ncalls)", "", stream.getvalue(), flags=re.S).strip("\n").rstrip()
    if failures:
        result["notes"].append(f"{len(failures)} in-process requests failed (status {sorted(set(failures))}): "
                               "the in-process page figures are not valid")
    return result


# ----------------------------------------------------------------------------------- 6. HTTP


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_wrk(output):
    def number(pattern, default=0.0):
        found = re.search(pattern, output)
        return float(found.group(1)) if found else default

    def duration_ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    latency = re.search(r"Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)", output)
    distribution = dict(re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", output, re.M))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "latency_avg_ms": duration_ms(latency.group(1)) if latency else None,
        "latency_max_ms": duration_ms(latency.group(3)) if latency else None,
        "latency_p50_ms": duration_ms(distribution["50"]) if "50" in distribution else None,
        "latency_p99_ms": duration_ms(distribution["99"]) if "99" in distribution else None,
        "non_2xx": int(number(r"Non-2xx or 3xx responses:\s+(\d+)")),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "socket_errors_text": socket_errors.group(0) if socket_errors else "none",
    }


def _vm_hwm_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else None


def _children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# wrk cycles through these paths; each thread starts at its own offset.
WRK_CYCLE = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("start", threads * 7919)
end
local paths = {%s}
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("GET", paths[((start + counter) %% #paths) + 1])
end
"""

# (name, label): the HTTP runs, in order.
HTTP_RUNS = (
    ("search", "one search URL, anonymous (served from the page cache after the first request)"),
    ("search_tail", "a long tail of distinct searches, anonymous (more than the page cache holds, so they miss it)"),
    ("search_member", "the one search URL as a logged-in member (members' pages are never cached)"),
    ("healthz", "/healthz"),
)


def tail_paths(app, n=3000, seed=0):
    """n distinct searches as URLs: words, places, sectors, kinds, skills and pages combined, so
    that cycling through them misses a per-process page cache of a few hundred pages."""
    from app.search.query import SearchQuery

    rng = random.Random(seed + 3)
    with app.app_context():
        ids = reference_ids()
    regions, sectors, skills = list(ids["regions"].values()), list(ids["sectors"].values()), list(ids["skills"].values())
    seen, paths = set(), []
    while len(paths) < n:
        fields = {"q": rng.choice(TEXT_QUERIES + [""] * 10)}
        if rng.random() < 0.6:
            fields["region"] = rng.choice(regions)
        if rng.random() < 0.4:
            fields["sector"] = (rng.choice(sectors),)
        if rng.random() < 0.2:
            fields["kind"] = (rng.choice(("funds", "skill", "in_kind")),)
        if rng.random() < 0.1:
            fields["skill"] = (rng.choice(skills),)
        if rng.random() < 0.15:
            fields.update(near=rng.choice(ids["municipalities"])[0], km=50, sort="nearest")
        fields["page"] = rng.choice((1, 1, 1, 2, 3))
        query = urllib.parse.urlencode(SearchQuery(**fields).to_args())
        if query and query not in seen:
            seen.add(query)
            paths.append("/search/?" + query)
    return paths


def member_cookie(app):
    """A session cookie logging in a member who has a profile with skills (signed with this
    run's SECRET_KEY, which gunicorn gets too): members' search pages are rendered for them."""
    from app.extensions import db
    from app.models import MemberProfile, ProfileSkill, User

    with app.app_context():
        user = db.session.scalar(
            db.select(User).join(MemberProfile, MemberProfile.user_id == User.id)
            .where(User.active.is_(True), db.select(ProfileSkill.id)
                   .where(ProfileSkill.profile_id == MemberProfile.id).exists())
            .order_by(User.id).limit(1))
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
        name = app.config.get("SESSION_COOKIE_NAME", "session")
        db.session.remove()
    return f"{name}={value}"


def run_http_bench(db_path, search_path, tail, cookie, duration, connections, threads):
    """gunicorn -w 2 on loopback and wrk against one search URL (anonymous, then as a member),
    a long tail of distinct searches, and /healthz."""
    gunicorn = Path(sys.executable).parent / "gunicorn"  # beside this Python: the same virtualenv
    wrk = shutil.which("wrk")
    if not gunicorn.exists() or not wrk:
        return {"skipped": f"needs {'wrk' if not wrk else 'gunicorn'}"}
    port = free_port()
    env = {**os.environ, "BIRGE_CONFIG": "production", "DATABASE_URL": f"sqlite:///{db_path}"}
    log = open(Path(tempfile.gettempdir()) / "birge-bench-gunicorn.log", "w")
    server = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    result = {"port": port, "notes": []}
    scripts = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None:
                    return {"skipped": f"gunicorn exited with {server.returncode}; see {log.name}"}
                time.sleep(0.2)
        with urllib.request.urlopen(base + search_path, timeout=30) as response:
            body = response.read()
            result["search_status"] = response.status
            result["search_bytes"] = len(body)
            result["ratelimit_headers"] = {k: v for k, v in response.headers.items() if k.lower().startswith("x-ratelimit")}
            if not re.search(rb'class="[^"]*result', body):
                result["notes"].append("the search page shows no result markup: check the URL")
        request = urllib.request.Request(base + search_path, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:
            if b"/auth/logout" not in response.read():
                result["notes"].append("the member's cookie did not log in: search_member measured a visitor")
        for name, _ in HTTP_RUNS:
            command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
            path = "/healthz" if name == "healthz" else search_path
            headers = {"Cookie": cookie} if name == "search_member" else {}
            if name == "search_tail":
                script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
                script.write(WRK_CYCLE % ", ".join(f'"{p}"' for p in tail))
                script.close()
                scripts.append(script.name)
                command += ["-s", script.name]
            else:
                for _ in range(20):  # warm both workers
                    urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30).read()
            for key, value in headers.items():
                command += ["-H", f"{key}: {value}"]
            run = subprocess.run(command + [base + path], capture_output=True, text=True)
            result[name] = parse_wrk(run.stdout)
            result[name]["raw"] = run.stdout
        workers = _children(server.pid)
        result["worker_peak_rss_mb"] = [round(m, 1) for m in map(_vm_hwm_mb, workers) if m]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        for name in scripts:
            Path(name).unlink(missing_ok=True)
    text = Path(log.name).read_text()
    if re.search(r"Ratelimit|429|Too Many Requests", text):
        result["notes"].append("the gunicorn log mentions rate limiting")
    if "Traceback" in text or "WORKER TIMEOUT" in text:
        result["notes"].append(f"errors in the gunicorn log ({log.name})")
    for name, _ in HTTP_RUNS:
        if result.get(name, {}).get("non_2xx") or result.get(name, {}).get("socket_errors"):
            result["notes"].append(f"{name}: non-2xx or socket errors under load")
    return result


# ----------------------------------------------------------------------------------- report


def machine():
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "memory_gb": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
            "kernel": platform.release()}


def code_version():
    """The commit measured, and the app files changed since it (the benchmark measures the working tree)."""
    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    if not (ROOT / ".git").exists() and (ROOT / "COMMIT").exists():  # a `git archive` snapshot (see the docstring)
        return {"commit": (ROOT / "COMMIT").read_text().strip() + " (a snapshot)", "changed": []}
    changed = [line[3:] for line in git("status", "--porcelain", "--", "app", "migrations", "config.py").splitlines()]
    return {"commit": git("log", "-1", "--format=%h %s"), "changed": changed}


def verdict(ok):
    return "ok" if ok else "MISSED"


def figures_table(r):
    s, m, h, rx, pg = r["search"], r["matching"], r.get("http", {}), r["reindex"], r["page"]
    ratio50 = s["backend_p50"] / s["raw_p50"]
    ratio95 = s["backend_p95"] / s["raw_p95"]
    rows = [
        ("Data set", f"{r['counts']['projects']:,} projects ({r['counts']['needs']:,} needs), "
                     f"{r['counts']['profiles']:,} profiles, {r['counts']['municipalities']} municipalities", "", ""),
        ("Generation (bulk inserts)", "reused an earlier database" if r["generation"].get("reused") else
         f"{r['generation']['timings']['generate_s']:.1f} s (+ migrate/seed "
         f"{r['generation']['timings']['migrate_seed_s']:.1f} s)", "", ""),
        ("Full reindex + commit", f"{r['reindex']['reindex_s']:.1f} s ({r['reindex']['indexed']['project']:,} projects, "
                                  f"{r['reindex']['indexed']['profile']:,} profiles)", "—", ""),
        ("Reindex: SQL statements", f"{rx['statements']:,} ({rx['statements'] / max(1, sum(rx['indexed'].values())):.3f} "
                                    "per indexed item)", "—", ""),
        ("Search p50 backend / raw SQL", f"{s['backend_p50']:.2f} ms / {s['raw_p50']:.2f} ms (×{ratio50:.2f})", "", ""),
        ("Search p95 backend / raw SQL", f"{s['backend_p95']:.2f} ms / {s['raw_p95']:.2f} ms (×{ratio95:.2f})",
         f"≤ ×{TARGETS['search_ratio_p95']:.0f}", verdict(ratio95 <= TARGETS["search_ratio_p95"])),
        ("Search answers identical to raw SQL", f"{s['n'] - s['n_mismatches']}/{s['n']}", "all",
         verdict(s["n_mismatches"] == 0)),
        ("Matching p95 (match_profiles)", f"{m['p95']:.1f} ms (p50 {m['p50']:.1f}, max {m['max']:.1f}; n={m['n']})",
         f"≤ {TARGETS['match_p95_ms']:.0f} ms", verdict(m["p95"] <= TARGETS["match_p95_ms"])),
        ("match_projects p95 (context)", f"{m['projects_p95']:.1f} ms (p50 {m['projects_p50']:.1f}; n={m['projects_n']})", "—", ""),
        ("CPU used by other processes", "; ".join(f"{phase}: {x['others_cpu_s']:.1f} s in {x['wall_s']:.0f} s"
                                                  for phase, x in r.get("load", {}).items()) or "—", "≈ 0", ""),
        ("Peak RSS, benchmark process", f"{r['memory']['self_mb']:.0f} MB (reindex + search + matching)", "—", ""),
        ("Peak RSS, generation child", "—" if r["generation"].get("reused") else
         f"{r['memory']['generation_mb']:.0f} MB", "—", ""),
    ]
    rows.append(("Search page in-process, fresh (test client)",
                 f"{pg['page_fresh_ms']:.1f} ms/request over 100 distinct searches: engine {pg['engine_ms']:.1f}, "
                 f"views+rendering+framework {pg['page_fresh_ms'] - pg['engine_ms']:.1f}", "—", ""))
    rows.append(("Search page in-process, one URL repeated",
                 f"{pg['page_repeat_ms']:.1f} ms/request (caches); /healthz {pg['healthz_ms']:.1f} ms", "—", ""))
    if "search" in h:
        labels = {"search": "HTTP search, one URL, visitor (cached)",
                  "search_tail": "HTTP search, 3,000 distinct URLs, visitor",
                  "search_member": "HTTP search, one URL, logged-in member", "healthz": "HTTP /healthz"}
        for name, _ in HTTP_RUNS:
            w = h.get(name)
            if not w:
                continue
            ok = w["rps"] >= TARGETS["http_rps"] and not w["non_2xx"] and not w["socket_errors"]
            target = name.startswith("search")
            rows.append((f"{labels[name]} (gunicorn -w 2, wrk -c16)",
                         f"{w['rps']:.0f} req/s, p50 {w['latency_p50_ms']:.1f} ms, p99 {w['latency_p99_ms']:.1f} ms, "
                         f"non-2xx {w['non_2xx']}, socket errors {w['socket_errors']}",
                         f"≥ {TARGETS['http_rps']:.0f} req/s, 0 errors" if target else "—",
                         verdict(ok) if target else ""))
        if h.get("worker_peak_rss_mb"):
            rows.append(("Peak RSS, gunicorn workers", " / ".join(f"{x:.0f} MB" for x in h["worker_peak_rss_mb"]), "—", ""))
    elif h:
        rows.append(("HTTP", f"skipped: {h.get('skipped')}", "", ""))
    return rows


def print_table(rows):
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    header = ("Figure", "Value", "Target", "")
    widths = [max(w, len(hd)) for w, hd in zip(widths, header)]
    line = "  ".join("-" * w for w in widths)
    print(line)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print(line)
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    print(line)


def category_rows(search):
    return [(c, v["n"], f"{v['hits_median']:,.0f} / {v['hits_max']:,}", f"{v['backend_p50']:.2f}",
             f"{v['backend_p95']:.2f}", f"{v['raw_p50']:.2f}", f"{v['raw_p95']:.2f}",
             f"×{v['backend_p95'] / v['raw_p95']:.2f}") for c, v in search["categories"].items()]


KEEP_MARKER = "<!-- Written by hand below this line: kept when bench/search.py rewrites the file above. -->"


def write_results(path, r, command):
    mc = r["machine"]
    lines = [
        "# Search benchmark results",
        "",
        "Written by `bench/search.py` (see its docstring for what each phase does). Re-run it to refresh this file.",
        "",
        f"- **Command:** `{command}`",
        f"- **Date:** {r['date']}",
        f"- **Machine:** {mc['nproc']} CPUs ({mc['cpu']}), {mc['memory_gb']} GB RAM, Linux {mc['kernel']}",
        f"- **Python** {mc['python']}, **SQLite** {mc['sqlite']}",
        f"- **Database file:** {r['db_size_mb']:.0f} MB after reindex",
        f"- **Code:** commit `{r['code']['commit']}`"
        + (f", with uncommitted changes to {', '.join(f'`{c}`' for c in r['code']['changed'])}"
           if r["code"]["changed"] else ""),
        "",
        "## Figures",
        "",
        "| Figure | Value | Target | |",
        "|---|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} | {'**' + d + '**' if d == 'MISSED' else d} |" for a, b, c, d in figures_table(r)]
    lines += [
        "",
        "## Search latency by kind of query (ms)",
        "",
        f"{r['search']['n']} timed queries after a warm-up of 50; each one run through `backend().search()` and, "
        "alternately before or after it, as hand-written SQL through the `sqlite3` module on the same file.",
        "",
        "| Kind | n | hits (median / max) | backend p50 | backend p95 | raw p50 | raw p95 | p95 ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in category_rows(r["search"])]
    h = r.get("http", {})
    if "search" in h:
        lines += ["", "## HTTP", "", f"Search URL: `{r['search_path']}` (status {h.get('search_status')}, "
                  f"{h.get('search_bytes')} bytes). wrk runs on the same machine as gunicorn, so the two share the CPUs.",
                  ""]
        for name, label in HTTP_RUNS:
            if name in h:
                lines += [f"wrk, {label}:", "", "```", h[name]["raw"].rstrip(), "```", ""]
        if h.get("notes"):
            lines += ["Notes: " + "; ".join(h["notes"]), ""]
    if r.get("notes"):
        lines += ["## Notes", ""] + [f"- {n}" for n in r["notes"]] + [""]
    for name, title in (("search", "backend search loop"), ("matching", "match_profiles loop"),
                        ("page", "fresh search pages (50 distinct searches), app code only")):
        if r[name].get("profile"):
            lines += [f"## cProfile: {title} (cumulative)", "", "```", r[name]["profile"], "```", ""]
    kept = ""
    if Path(path).exists() and KEEP_MARKER in Path(path).read_text():
        kept = Path(path).read_text().split(KEEP_MARKER, 1)[1]
    Path(path).write_text("\n".join(lines).rstrip() + "\n\n" + KEEP_MARKER + (kept or "\n"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=300_000)
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "birge-bench.db"))
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--needs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--reuse", action="store_true", help="keep the database from an earlier run")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--duration", type=int, default=15, help="seconds of each wrk run")
    parser.add_argument("--profile", action="store_true", help="cProfile the search and matching loops")
    parser.add_argument("--no-wait-quiet", dest="wait_quiet", action="store_false",
                        help="do not wait for other processes to leave the CPUs before the reindex, search and HTTP")
    parser.add_argument("--results", default=str(ROOT / "bench" / "RESULTS.md"))
    parser.add_argument("--no-results", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    db_path = str(Path(args.db).resolve())
    command = " ".join([os.path.relpath(sys.executable), sys.argv[0], *sys.argv[1:]])
    configure_environment(db_path)
    report = {"date": datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "code": code_version(),
              "notes": []}

    if args.reuse and Path(db_path).exists():
        print(f"Reusing {db_path}")
        conn = sqlite3.connect(db_path)
        report["counts"] = {
            "projects": conn.execute("SELECT count(*) FROM projects").fetchone()[0],
            "needs": conn.execute("SELECT count(*) FROM needs").fetchone()[0],
            "profiles": conn.execute("SELECT count(*) FROM member_profiles").fetchone()[0],
            "municipalities": conn.execute("SELECT count(*) FROM municipalities").fetchone()[0],
        }
        conn.close()
        report["generation"] = {"reused": True}
    else:
        print(f"1. Generating {args.projects:,} projects and {args.profiles:,} profiles in {db_path} …", flush=True)
        generation = run_generation(db_path, args.projects, args.profiles, args.seed)
        report["generation"], report["counts"] = generation, generation["counts"]
        print(f"   {generation['timings']['generate_s']:.1f} s", flush=True)

    app = make_app()
    wait_quiet(args.wait_quiet)
    print("2. Reindexing …", flush=True)
    report["reindex"] = run_reindex(app)
    report["db_size_mb"] = Path(db_path).stat().st_size / 2**20
    print(f"   {report['reindex']['reindex_s']:.1f} s, {report['reindex']['indexed']}", flush=True)
    rss_after_reindex = maxrss_mb()

    load = {}
    wait_quiet(args.wait_quiet)
    print(f"3. Search: {args.queries} queries, backend and raw SQL …", flush=True)
    watch = OtherLoad()
    report["search"] = run_search_bench(app, db_path, args.queries, args.seed, args.profile)
    print(f"4. Matching: {args.needs} skill needs …", flush=True)
    report["matching"] = run_matching_bench(app, db_path, args.needs, args.seed, args.profile)
    load["search and matching"] = watch.stop()
    report["memory"] = {"self_mb": maxrss_mb(), "after_reindex_mb": rss_after_reindex,
                        "generation_mb": report["generation"].get("maxrss_mb", float("nan"))}

    with app.app_context():
        ids = reference_ids()
    region = ids["regions"].get("KG-N") or next(iter(ids["regions"].values()))
    report["search_path"] = "/search/?" + urllib.parse.urlencode({"q": "мост", "region": region})
    print("5. The search page in-process …", flush=True)
    report["page"] = run_page_breakdown(app, report["search_path"], args.seed, profile=args.profile)
    if not args.no_http:
        print(f"6. HTTP: gunicorn -w 2, wrk -t2 -c16 -d{args.duration}s …", flush=True)
        wait_quiet(args.wait_quiet)
        watch = OtherLoad()
        report["http"] = run_http_bench(db_path, report["search_path"], tail_paths(app, seed=args.seed),
                                        member_cookie(app), args.duration, 16, 2)
        load["HTTP"] = watch.stop()
    report["load"] = load
    for phase, seen in load.items():
        if seen["others_cpu_s"] > 0.05 * seen["wall_s"]:
            report["notes"].append(
                f"Other processes used {seen['others_cpu_s']:.0f} CPU-seconds during the {phase} phase "
                f"({seen['wall_s']:.0f} s on {os.cpu_count()} CPUs): its figures are pessimistic; run on a quiet machine.")

    if report["search"]["n_mismatches"]:
        report["notes"].append(f"{report['search']['n_mismatches']} search answers differed from the raw SQL's, "
                               f"e.g. {report['search']['mismatches'][:2]}")
    report["notes"].append(f"Peak RSS of the benchmark process was {report['memory']['after_reindex_mb']:.0f} MB "
                           "right after the reindex; it covers the reindex, the search and matching loops "
                           "(generation runs in a child process, reported separately).")
    print()
    print_table(figures_table(report))
    print()
    print("Search latency by kind (ms):  kind, n, hits (median / max), backend p50, backend p95, raw p50, raw p95, "
          "p95 ratio")
    for row in category_rows(report["search"]):
        print("  " + "  ".join(map(str, row)))
    report["notes"] += report["page"].get("notes", [])
    for note in report["notes"] + report.get("http", {}).get("notes", []):
        print("Note:", note)
    for name in ("search", "matching", "page"):
        if report[name].get("profile"):
            print(f"\ncProfile, {name} loop:\n{report[name]['profile']}")
    if not args.no_results:
        write_results(args.results, report, command)
        print(f"\nWrote {args.results}")


if __name__ == "__main__":
    main()
