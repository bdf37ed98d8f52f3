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
3. search    backend().search(SearchQuery(...)) over a mix of text, typo, facet, facet+text and geo
             queries (with the matches it remembers per word forgotten before each one: "backend";
             then, after the loop, the same queries again as the site runs them, with what it
             remembers kept: "warm"), beside, in the same run and query by query (rotating which
             goes first):
             - the floor: one plain FTS5 MATCH through the sqlite3 module (bm25 with the engine's
               column weights; a second MATCH on the words as typed when the query was expanded,
               whose matches rank first), then filters, the six facet counts and the page in numpy
               over column arrays of search_projects and the skill terms, loaded once outside the
               timings (the bench's own loader, independent of the app's). It must give the same
               total, page of ids and facets as the backend on every query (the mismatch count is
               in the table);
             - tantivy (Python bindings) over the same stemmed texts, read from the FTS table, with
               the facets as fast fields (built in a temporary directory; build time reported): a
               speed reference whose answers need not be identical. The engine's MATCH expression
               becomes a tantivy query (the words as typed boosted, for "exact first"), filters are
               term/range queries, facets one terms aggregation each; geo: the box as range
               queries, the circle, distance order and counts in numpy over the box's documents.
             The MATCH expressions are computed once per query text outside the timings.
4. matching  backend().match_profiles(NeedSubject(...)) for random skill needs (and, for context,
             match_projects for random members).
5. page      The search page in-process (Flask's test client): fresh pages for distinct searches
             beside the engine's share of them, and one URL repeated (what the caches make of it).
             Memory: ru_maxrss of this process (reindex, search, matching; generation runs in a
             child) and the gunicorn workers' peak RSS.
6. HTTP      gunicorn -w 2 on loopback (and `flask worker` beside it, for its memory), wrk -t2
             -c16 -d15s against: one search URL as a visitor (the engine's answer remembered,
             context) and as a logged-in member, 3,000 distinct search URLs cycled (more than the
             caches hold) as a visitor and as a member (context), 10,000 distinct published project
             pages as a visitor never visited before (more than a run's requests, so each one is
             rendered: context), 2,000 others each visited once before the run (served from the page
             cache, as pages read more than once between two changes are), and /healthz. The page
             cache starts empty.

The targets (issue 15, "Speed"), each ok or MISSED in the table: search p95 ≤ 1.5× the floor's,
overall and for every kind of query; facet-only p95 ≤ 10 ms; typo p95 ≤ plain text p95; the
distinct search URLs ≥ 15% of /healthz's req/s, project pages (visited before) ≥ 35%, a member's search page (one
URL: rendered for them, the engine's answer remembered) no slower than a visitor's uncached one; reindex ≤ 30 s; each gunicorn worker's peak RSS ≤ 200 MB;
match_profiles p95 ≤ 50 ms.

Needs tantivy (`.venv/bin/pip install -r requirements-bench.txt`; --no-tantivy leaves it out),
Debian's wrk (apt-get install -y wrk) and gunicorn in the virtualenv for phase 6 (--no-http skips it). --profile prints cProfile's hot spots of the search and matching loops and
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

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {  # issue 15, "Speed"
    "floor_ratio_p95": 1.5,  # backend p95 / floor p95, overall and for every kind of query
    "facet_p95_ms": 10.0,  # facet-only searches
    "search_tail_share": 0.15,  # distinct search URLs, req/s as a share of /healthz's
    "project_share": 0.35,  # distinct project pages visited before, the same
    "reindex_s": 30.0,
    "worker_rss_mb": 200.0,  # each gunicorn worker's peak
    "match_p95_ms": 50.0,
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


class Columns:
    """The floor's own copy of the embedded index's small columns (search_projects, and the
    project skills of search_terms) as numpy arrays, loaded once outside the timings. Written
    here, apart from the engine's code, so that it is an independent reference."""

    def __init__(self, conn):
        rows = conn.execute("SELECT project_id, region_id, district_id, municipality_id, sector_id, status, "
                            "published_at, lat, lon, funding_progress, kinds FROM search_projects "
                            "ORDER BY project_id").fetchall()
        n = self.n = len(rows)
        cols = list(zip(*rows)) if rows else [()] * 11
        nullable = lambda values, null: np.array([null if v is None else v for v in values])  # noqa: E731
        self.id = np.array(cols[0], dtype=np.int64)
        self.region = nullable(cols[1], -1).astype(np.int64)
        self.district = nullable(cols[2], -1).astype(np.int64)
        self.municipality = nullable(cols[3], -1).astype(np.int64)
        self.sector1 = nullable(cols[4], -1).astype(np.int64) + 1  # 0: no sector
        self.statuses = sorted({s for s in cols[5] if s is not None})
        codes = {s: i for i, s in enumerate(self.statuses)}
        self.status = np.array([codes.get(s, -1) for s in cols[5]], dtype=np.int64)
        self.lat = np.array([np.nan if v is None else v for v in cols[7]], dtype=np.float64)
        self.lon = np.array([np.nan if v is None else v for v in cols[8]], dtype=np.float64)
        funding = np.array([np.nan if v is None else v for v in cols[9]], dtype=np.float64)
        self.kinds = {k: np.array([f",{k}," in (v or "") for v in cols[10]], dtype=bool) for k in NEED_KINDS_}
        # The orders that do not depend on the query, as one integer key per row (0 first):
        # published_at DESC (NULLs last, as SQLite sorts them), project_id DESC; and funding_progress
        # DESC with NULLs last, then the same.
        published = np.unique(np.array([v or "" for v in cols[6]]), return_inverse=True)[1]  # "" (NULL) lowest
        newest = np.lexsort((-self.id, -published))
        self.newest = np.empty(n, dtype=np.int64)
        self.newest[newest] = np.arange(n)
        funded = np.lexsort((self.newest, np.where(np.isnan(funding), 0, -funding), np.isnan(funding)))
        self.funding = np.empty(n, dtype=np.int64)
        self.funding[funded] = np.arange(n)
        self.row_of = np.full(int(self.id.max()) + 2 if n else 1, -1, dtype=np.int64)
        self.row_of[self.id] = np.arange(n)
        terms = conn.execute("SELECT value, entity_id FROM search_terms WHERE entity = 'project' "
                             "AND facet = 'skill'").fetchall()
        self.skill_values = sorted({v for v, _ in terms})
        codes = {v: i for i, v in enumerate(self.skill_values)}
        rows_ = self.rows([i for _, i in terms])
        keep = rows_ >= 0
        self.skill_row = rows_[keep]
        self.skill_code = np.array([codes[v] for v, _ in terms], dtype=np.int64)[keep]
        self.skill_code_of = codes

    def rows(self, ids):
        ids = np.asarray(ids, dtype=np.int64)
        inside = (ids >= 0) & (ids < len(self.row_of))
        found = np.full(len(ids), -1, dtype=np.int64)
        found[inside] = self.row_of[ids[inside]]
        return found


# app.search.query's constants, written again: the app cannot be imported before configure_environment.
NEED_KINDS_ = ("funds", "skill", "in_kind")


def floor_search(conn, cols, query, match, exact=None, weights=""):
    """The floor the issue describes: one plain FTS5 MATCH through the sqlite3 module (two when the
    query's words were expanded: the words as typed rank first), then the filters, the six facet
    counts and the page computed in numpy over the column arrays. The same answers as
    SqliteBackend.search. Returns (total, [(id, score)], facets)."""
    ranked = bool(match) and query.sort == "relevance"
    rank = is_exact = None
    if match:
        if ranked:
            found = conn.execute(f"SELECT rowid, bm25(search_projects_fts, {weights}) FROM search_projects_fts "
                                 "WHERE search_projects_fts MATCH ?", (match,)).fetchall()
            pairs = np.array(found, dtype=np.float64).reshape(-1, 2)
            sel = cols.rows(pairs[:, 0].astype(np.int64))
            keep = sel >= 0
            sel, rank = sel[keep], pairs[keep, 1]
            if exact:
                found = conn.execute(f"SELECT rowid, bm25(search_projects_fts, {weights}) FROM search_projects_fts "
                                     "WHERE search_projects_fts MATCH ?", (exact,)).fetchall()
                pairs = np.array(found, dtype=np.float64).reshape(-1, 2)
                x_rows = cols.rows(pairs[:, 0].astype(np.int64))
                x_rank = np.full(cols.n, np.nan)
                x_rank[x_rows[x_rows >= 0]] = pairs[x_rows >= 0, 1]
                mine = x_rank[sel]
                is_exact = ~np.isnan(mine)
                rank = np.where(is_exact, mine, rank)
            else:
                is_exact = np.ones(len(sel), dtype=bool)
        else:
            found = conn.execute("SELECT rowid FROM search_projects_fts WHERE search_projects_fts MATCH ?",
                                 (match,)).fetchall()
            sel = cols.rows([r for r, in found])
            sel = np.sort(sel[sel >= 0])
    else:
        sel = None  # every row

    conditions = []
    for name in ("region", "district", "municipality"):
        if getattr(query, name):
            conditions.append((getattr(cols, name), lambda v, want=getattr(query, name): v == want))
    if query.sector:
        conditions.append((cols.sector1, lambda v: np.isin(v, np.array(query.sector) + 1)))
    if query.status:
        wanted = [cols.statuses.index(s) for s in query.status if s in cols.statuses]
        conditions.append((cols.status, lambda v: np.isin(v, wanted)))
    if query.kind:
        kinds = [cols.kinds[k] for k in query.kind if k in NEED_KINDS_]
        combined = np.logical_or.reduce(kinds) if kinds else np.zeros(cols.n, dtype=bool)
        conditions.append((combined, lambda v: v))
    if query.skill:
        having = np.zeros(cols.n, dtype=bool)
        wanted = [cols.skill_code_of[str(v)] for v in query.skill if str(v) in cols.skill_code_of]
        having[cols.skill_row[np.isin(cols.skill_code, wanted)]] = True
        conditions.append((having, lambda v: v))
    if query.ids:
        listed = np.zeros(cols.n, dtype=bool)
        rows = cols.rows(list(query.ids))
        listed[rows[rows >= 0]] = True
        conditions.append((listed, lambda v: v))
    if query.origin:
        lat, lon = query.origin
        coslat = math.cos(math.radians(lat))
        if query.near:
            degrees = query.km / KM_PER_DEGREE_
            dlat, dlon, r2 = degrees, degrees / coslat, degrees * degrees
            conditions.append((cols.lat, lambda v: (v >= lat - dlat) & (v <= lat + dlat)))
            conditions.append((cols.lon, lambda v: (v >= lon - dlon) & (v <= lon + dlon)))
            conditions.append((None, lambda rows: distance2(cols, rows, lat, lon, coslat) <= r2))
    for column, test in conditions:
        if sel is None:
            keep = test(column) if column is not None else test(np.arange(cols.n))
            sel = np.flatnonzero(keep)
        else:
            keep = test(column[sel]) if column is not None else test(sel)
            sel = sel[keep]
            if rank is not None:
                rank, is_exact = rank[keep], is_exact[keep]
    if sel is None:
        sel = np.arange(cols.n)
    total = len(sel)

    facets = facet_counts(cols, sel) if query.with_facets else empty_facets()

    # The page: the first offset + limit rows by the sort, found with a partition when that is
    # fewer than the matches, then sorted exactly (ties by the later keys).
    wanted = query.offset + query.per_page
    scores = -rank if ranked else np.zeros(total)
    if query.sort == "nearest" and query.origin:
        d2 = distance2(cols, sel, *query.origin, math.cos(math.radians(query.origin[0])))
        primary = np.where(np.isnan(d2), -np.inf, d2)  # SQLite sorts NULLs first
        keys = lambda c: (-cols.id[sel[c]], primary[c])  # noqa: E731
    elif query.sort == "funding":
        primary = cols.funding[sel]
        keys = lambda c: (primary[c],)  # noqa: E731
    elif ranked:
        primary = rank - np.where(is_exact, 1e9, 0.0)
        keys = lambda c: (cols.newest[sel[c]], rank[c], ~is_exact[c])  # noqa: E731
    else:
        primary = cols.newest[sel]
        keys = lambda c: (primary[c],)  # noqa: E731
    if wanted < total:
        cut = np.partition(primary, wanted - 1)[wanted - 1]
        candidates = np.flatnonzero(primary <= cut)
    else:
        candidates = np.arange(total)
    ordered = candidates[np.lexsort(keys(candidates))][query.offset:wanted]
    page = [(int(cols.id[sel[c]]), float(scores[c])) for c in ordered]
    return total, page, facets


def distance2(cols, rows, lat, lon, coslat):
    """The engine's squared distance in degrees, with its operations in its order (the same floats)."""
    a = cols.lat[rows] - lat
    b = cols.lon[rows] - lon
    return a * a + b * coslat * b * coslat


KM_PER_DEGREE_ = 111.2


def empty_facets():
    return {name: {} for name in ("region", "district", "sector", "status", "kind", "skill")}


def facet_counts(cols, sel):
    """The six facets of the rows sel, counted as the engine counts them (zeros left out)."""
    facets = empty_facets()
    if not len(sel):
        return facets
    for name, values, shift in (("region", cols.region, 0), ("district", cols.district, 0),
                                ("sector", cols.sector1, 1)):
        counts = np.bincount(values[sel])
        facets[name] = {int(v) - shift: int(c) for v, c in enumerate(counts) if c and v >= shift}
    counts = np.bincount(cols.status[sel])
    facets["status"] = {cols.statuses[v]: int(c) for v, c in enumerate(counts) if c}
    for kind in NEED_KINDS_:
        number = int(np.count_nonzero(cols.kinds[kind][sel]))
        if number:
            facets["kind"][kind] = number
    inside = np.zeros(cols.n, dtype=bool)
    inside[sel] = True
    counts = np.bincount(cols.skill_code[inside[cols.skill_row]], minlength=len(cols.skill_values))
    facets["skill"] = {int(cols.skill_values[v]): int(c) for v, c in enumerate(counts) if c}
    return facets


TEXT_COLUMNS = ("title", "summary", "body", "places", "skills")


class TantivyReference:
    """tantivy (a Rust engine, through its Python bindings) over the same stemmed texts as the FTS
    table holds them, with the facets as indexed fast fields: a speed reference, not a floor
    (its answers need not be identical). Built in a temporary directory, one segment."""

    def __init__(self, conn, cols, weights, directory):
        import tantivy

        self.tantivy, self.cols, self.weights = tantivy, cols, weights
        builder = tantivy.SchemaBuilder()
        for name in TEXT_COLUMNS:
            builder.add_text_field(name, tokenizer_name="default")
        for name in ("id", "region", "district", "municipality", "sector", "status", "kinds", "skills_", "newest"):
            builder.add_integer_field(name, fast=True, indexed=True)
        for name in ("lat", "lon", "funding"):
            builder.add_float_field(name, fast=True, indexed=True)
        self.schema = schema = builder.build()
        started = time.perf_counter()
        self.index = tantivy.Index(schema, path=directory)
        writer = self.index.writer(heap_size=400_000_000, num_threads=1)
        skills = {}
        for row, code in zip(cols.skill_row.tolist(), cols.skill_code.tolist()):
            skills.setdefault(row, []).append(int(cols.skill_values[code]))
        kinds = [np.flatnonzero(cols.kinds[k]) for k in NEED_KINDS_]
        kinds_of = {}
        for code, rows in enumerate(kinds):
            for row in rows.tolist():
                kinds_of.setdefault(row, []).append(code)
        for rowid, *texts in conn.execute(f"SELECT rowid, {', '.join(TEXT_COLUMNS)} FROM search_projects_fts"):
            row = int(cols.row_of[rowid]) if rowid < len(cols.row_of) else -1
            if row < 0:
                continue
            doc = tantivy.Document()
            for name, value in zip(TEXT_COLUMNS, texts):
                doc.add_text(name, value or "")
            for name, value in (("id", cols.id[row]), ("region", cols.region[row]), ("district", cols.district[row]),
                                ("municipality", cols.municipality[row]), ("sector", cols.sector1[row] - 1),
                                ("status", cols.status[row]), ("newest", -cols.newest[row])):
                doc.add_integer(name, int(value))
            for code in kinds_of.get(row, ()):
                doc.add_integer("kinds", code)
            for skill in skills.get(row, ()):
                doc.add_integer("skills_", skill)
            for name, value in (("lat", cols.lat[row]), ("lon", cols.lon[row])):
                doc.add_float(name, float(value) if not np.isnan(value) else 1000.0)
            doc.add_float("funding", float(cols.funding[row]))  # the rank of the order
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.build_s = time.perf_counter() - started
        self.segments = self.searcher.num_segments

    # ---- queries

    def _leaf(self, words, prefix):
        """An FTS5 phrase ("a b" or "a b" *) in any of the five columns, weighted as bm25 weighs them."""
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        clauses = []
        for name, weight in zip(TEXT_COLUMNS, self.weights):
            if len(words) == 1:
                exact = Query.term_query(self.schema, name, words[0])
                query = (Query.boolean_query([(Occur.Should, exact),
                                              (Occur.Should, Query.phrase_prefix_query(self.schema, name, words))])
                         if prefix else exact)
            else:
                query = (Query.phrase_prefix_query if prefix else Query.phrase_query)(self.schema, name, words)
            clauses.append((Occur.Should, Query.boost_query(query, float(weight))))
        return Query.boolean_query(clauses)

    def text_query(self, expression):
        """The engine's FTS5 expression (quoted phrases, `*`, AND, OR, brackets) as a tantivy query."""
        Query, Occur = self.tantivy.Query, self.tantivy.Occur
        tokens = re.findall(r'"[^"]*"|\(|\)|\*|AND|OR', expression)
        position = [0]

        def peek():
            return tokens[position[0]] if position[0] < len(tokens) else None

        def take():
            position[0] += 1
            return tokens[position[0] - 1]

        def primary():
            token = take()
            if token == "(":
                inner = either()
                take()  # ")"
                return inner
            words = re.findall(r"\w+", token[1:-1].lower())
            prefix = peek() == "*"
            if prefix:
                take()
            return self._leaf(words, prefix)

        def both():
            parts = [primary()]
            while peek() == "AND":
                take()
                parts.append(primary())
            return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Must, p) for p in parts])

        def either():
            parts = [both()]
            while peek() == "OR":
                take()
                parts.append(both())
            return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, p) for p in parts])

        return either()

    def compile(self, query, match, exact):
        """(tantivy query, geo box or None): the words (those as typed boosted far above the
        expanded ones, standing for "exact matches first"), the filters as term and range queries
        scoring nothing."""
        tv = self.tantivy
        Query, Occur, Float = tv.Query, tv.Occur, tv.FieldType.Float
        must = []
        if match:
            text = self.text_query(match)
            if exact and query.sort == "relevance":
                text = Query.boolean_query([(Occur.Must, text),
                                            (Occur.Should, Query.boost_query(self.text_query(exact), 1000.0))])
            must.append(text)
        filters = []
        for name in ("region", "district", "municipality"):
            if getattr(query, name):
                filters.append(Query.term_query(self.schema, name, int(getattr(query, name))))
        if query.sector:
            filters.append(Query.term_set_query(self.schema, "sector", [int(s) for s in query.sector]))
        if query.status:
            codes = [self.cols.statuses.index(s) for s in query.status if s in self.cols.statuses]
            filters.append(Query.term_set_query(self.schema, "status", codes) if codes else Query.empty_query())
        if query.kind:
            codes = [NEED_KINDS_.index(k) for k in query.kind if k in NEED_KINDS_]
            filters.append(Query.term_set_query(self.schema, "kinds", codes) if codes else Query.empty_query())
        if query.skill:
            filters.append(Query.term_set_query(self.schema, "skills_", [int(s) for s in query.skill]))
        if query.ids:
            filters.append(Query.term_set_query(self.schema, "id", [int(i) for i in query.ids]))
        box = None
        if query.origin and query.near:
            lat, lon = query.origin
            coslat = math.cos(math.radians(lat))
            degrees = query.km / KM_PER_DEGREE_
            box = (lat, lon, coslat, degrees * degrees)
            filters.append(Query.range_query(self.schema, "lat", Float, lat - degrees, lat + degrees))
            filters.append(Query.range_query(self.schema, "lon", Float, lon - degrees / coslat, lon + degrees / coslat))
        clauses = [(Occur.Must, q) for q in must] + [(Occur.Must, Query.const_score_query(f, 0.0)) for f in filters]
        if not clauses:
            return Query.all_query(), box
        return Query.boolean_query(clauses), box

    FACET_AGGREGATIONS = {name: {"terms": {"field": field, "size": 10_000}}
                          for name, field in (("region", "region"), ("district", "district"), ("sector", "sector"),
                                              ("status", "status"), ("kind", "kinds"), ("skill", "skills_"))}

    def search(self, compiled, query, ranked):
        """(total, [ids of the page], facets). Facets: one tantivy terms aggregation per facet over
        the query's documents (fast fields), except for a geo search: tantivy cannot test the
        circle or sort by a computed distance, so the box's documents are collected, their lat/lon/
        facet fast fields read, and the circle, the distance order and the counts done in numpy."""
        tq, box = compiled
        searcher = self.searcher
        wanted = query.offset + query.per_page
        if box:
            count = searcher.search(tq, limit=1, count=True).count
            found = searcher.search(tq, limit=max(count, 1), count=False).hits
            addresses = [a for _, a in found]
            lat = np.array(searcher.fast_field_values("lat", addresses))
            lon = np.array(searcher.fast_field_values("lon", addresses))
            a, b = lat - box[0], lon - box[1]
            d2 = a * a + b * box[2] * b * box[2]
            inside = np.flatnonzero(d2 <= box[3])
            ids = np.array(searcher.fast_field_values("id", addresses), dtype=np.int64)[inside]
            if query.sort == "nearest":
                order = np.lexsort((-ids, d2[inside]))
            elif ranked:
                order = np.argsort(-np.array([s for s, _ in found])[inside], kind="stable")
            else:
                order = np.argsort(self.cols.newest[self.cols.rows(ids)], kind="stable")
            page = ids[order[query.offset:wanted]].tolist()
            facets = facet_counts(self.cols, self.cols.rows(ids)) if query.with_facets else empty_facets()
            return len(ids), page, facets
        if ranked:
            result = searcher.search(tq, limit=wanted, count=True)
        elif query.sort == "funding":
            result = searcher.search(tq, limit=wanted, count=True, order_by_field="funding",
                                     order=self.tantivy.Order.Asc)
        else:
            result = searcher.search(tq, limit=wanted, count=True, order_by_field="newest")
        addresses = [a for _, a in result.hits][query.offset:]
        page = searcher.fast_field_values("id", addresses)
        facets = {}
        if query.with_facets:
            aggregated = searcher.aggregate(tq, self.FACET_AGGREGATIONS)
            for name, agg in aggregated.items():
                buckets = {int(b["key"]): b["doc_count"] for b in agg["buckets"]}
                if name == "status":
                    buckets = {self.cols.statuses[k]: c for k, c in buckets.items()}
                elif name == "kind":
                    buckets = {NEED_KINDS_[k]: c for k, c in buckets.items()}
                elif name == "sector":
                    buckets.pop(-1, None)
                facets[name] = buckets
        return result.count, page, facets


def run_search_bench(app, db_path, n_queries, seed, profile=False, with_tantivy=True):
    """backend().search() beside the floor (floor_search: one plain FTS5 MATCH, the rest in numpy;
    it must give the same answer to every query) and tantivy (a speed reference), query by query,
    the order of the three rotating. Outside the timings: the MATCH expressions of each distinct
    query text, the floor's column arrays, the tantivy index and its queries."""
    from app.extensions import db
    from app.search import backend
    from app.search.sqlite_backend import COLUMN_WEIGHTS
    from app.search.vocabulary import query_groups

    rng = random.Random(seed + 1)
    weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
    with app.app_context():
        ids = reference_ids()
        queries = build_queries(ids, n_queries, rng)
        engine = backend()
        # The MATCH expressions, once per distinct query text, from the groups the engine expands
        # the query into (translations, Latin readings; prefix terms, or for a typo the indexed
        # words one edit away).
        matches = {}
        for _, q in queries:
            if q.q not in matches:
                groups = query_groups(q.q or "")
                matches[q.q] = engine.match_expressions(groups) if groups else (None, None)
        db.session.remove()
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        started = time.perf_counter()
        cols = Columns(conn)
        load_s = time.perf_counter() - started
        reference, directory = None, None
        if with_tantivy:
            directory = tempfile.mkdtemp(prefix="birge-bench-tantivy-")
            reference = TantivyReference(conn, cols, COLUMN_WEIGHTS, directory)
            compiled = [reference.compile(q, *matches[q.q]) for _, q in queries]

        def timed_backend(i, q, forget=True):
            # The matches the engine remembers per word (app/search/cache.py "matches") are
            # forgotten first, so every word is matched afresh, as the floor does; how it expanded
            # a word stays remembered, as the floor's expressions are made outside its timings.
            if forget:
                app.extensions.pop("search_cache_matches", None)
            started = time.perf_counter()
            result = engine.search(q)
            return time.perf_counter() - started, result

        def timed_floor(i, q):
            started = time.perf_counter()
            result = floor_search(conn, cols, q, *matches[q.q], weights=weights)
            return time.perf_counter() - started, result

        def timed_tantivy(i, q):
            started = time.perf_counter()
            result = reference.search(compiled[i], q, bool(matches[q.q][0]) and q.sort == "relevance")
            return time.perf_counter() - started, result

        runners = {"backend": timed_backend, "floor": timed_floor}
        if reference:
            runners["tantivy"] = timed_tantivy
        for i, (_, q) in enumerate(queries[:50]):  # warm-up: page cache, statement caches
            for run in runners.values():
                run(i, q)

        times = {name: [] for name in runners}
        by_category, mismatches, overlaps = {}, [], []
        names = list(runners)
        for i, (category, q) in enumerate(queries):
            order = names[i % len(names):] + names[:i % len(names)]
            results = {}
            for name in order:
                elapsed, results[name] = runners[name](i, q)
                times[name].append(elapsed)
                by_category.setdefault(category, {n: [] for n in [*names, "totals"]})[name].append(elapsed)
            result = results["backend"]
            by_category[category]["totals"].append(result.total)
            total, page, facets = results["floor"]
            if (result.total, [h.id for h in result.hits], result.facets) != (total, [p for p, _ in page], facets):
                mismatches.append(q)
            if reference and result.hits:
                mine = {h.id for h in result.hits}
                overlaps.append(len(mine & set(results["tantivy"][1])) / len(mine))
        # As the site runs: the same queries again with what the engine remembers kept (one pass
        # to fill it, then the timed one).
        for i, (_, q) in enumerate(queries):
            engine.search(q)
        times["warm"] = []
        for i, (category, q) in enumerate(queries):
            elapsed, _ = timed_backend(i, q, forget=False)
            times["warm"].append(elapsed)
            by_category[category].setdefault("warm", []).append(elapsed)
        names.append("warm")
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
        if directory:
            shutil.rmtree(directory, ignore_errors=True)

    ms = lambda values, p: percentile(values, p) * 1000  # noqa: E731
    figures = lambda series: {f"{name}_p{p}": ms(series[name], p) for name in names for p in (50, 95)}  # noqa: E731
    categories = {
        c: {"n": len(v["backend"]), **figures(v), "hits_median": statistics.median(v["totals"]),
            "hits_max": max(v["totals"])}
        for c, v in sorted(by_category.items())
    }
    return {
        "n": len(queries), **figures(times), "categories": categories, "columns_load_s": load_s,
        "mismatches": [repr(q) for q in mismatches[:5]], "n_mismatches": len(mismatches),
        "tantivy": {"build_s": reference.build_s, "segments": reference.segments,
                    "page_overlap": statistics.mean(overlaps) if overlaps else float("nan")} if reference else None,
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
    ("search", "one search URL, anonymous (the engine's answer remembered after the first request; the page rendered each time)"),
    ("search_tail", "3,000 distinct search URLs cycled, anonymous (more than the answers remembered, so they miss them)"),
    ("search_member_one", "the one search URL as a logged-in member (the page rendered for them each time)"),
    ("search_member", "the same 3,000 distinct search URLs as a logged-in member"),
    ("project_first", "10,000 distinct published project pages, anonymous, none visited before (more pages than "
                      "the run makes requests: each one rendered)"),
    ("project", "2,000 other distinct published project pages cycled, anonymous, each visited once before the "
                "run (served from the page cache)"),
    ("healthz", "/healthz"),
)
# The runs that cycle through many paths (wrk's Lua script), by the paths they take.
CYCLED = {"search_tail": "tail", "search_member": "tail", "project_first": "projects_first", "project": "projects"}


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


def project_paths(app, n, seed=0):
    """The pages of n published projects (all of them when fewer), in random order."""
    from flask import url_for

    from app.extensions import db
    from app.models import Project, ProjectStatus

    with app.app_context():
        ids = db.session.scalars(db.select(Project.id).where(Project.status == ProjectStatus.PUBLISHED)).all()
        random.Random(seed + 4).shuffle(ids)
        with app.test_request_context():
            paths = [url_for("projects.detail", project_id=i) for i in ids[:n]]
        db.session.remove()
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


def run_http_bench(db_path, search_path, cycled, cookie, duration, connections, threads):
    """gunicorn -w 2 on loopback (and `flask worker` beside it, for its memory) and wrk against one
    search URL as a visitor, 3,000 distinct search URLs as a visitor and as a logged-in member,
    distinct project pages, and /healthz. cycled: {"tail": search paths, "projects": project paths}."""
    gunicorn = Path(sys.executable).parent / "gunicorn"  # beside this Python: the same virtualenv
    flask = Path(sys.executable).parent / "flask"
    wrk = shutil.which("wrk")
    if not gunicorn.exists() or not wrk:
        return {"skipped": f"needs {'wrk' if not wrk else 'gunicorn'}"}
    port = free_port()
    env = {**os.environ, "BIRGE_CONFIG": "production", "DATABASE_URL": f"sqlite:///{db_path}",
           "PUBLIC_URL": os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{port}"}  # production requires it
    log = open(Path(tempfile.gettempdir()) / "birge-bench-gunicorn.log", "w")
    page_cache = Path(os.environ["BIRGE_INSTANCE_DIR"]) / "page-cache.sqlite"
    for leftover in (page_cache, *page_cache.parent.glob(page_cache.name + "-*")):  # an earlier run's pages
        leftover.unlink(missing_ok=True)
    server = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "app:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = subprocess.Popen([str(flask), "worker"], cwd=ROOT, env={**env, "FLASK_APP": "app:create_app"},
                              stdout=log, stderr=subprocess.STDOUT) if flask.exists() else None
    base = f"http://127.0.0.1:{port}"
    result = {"port": port, "notes": []}
    scripts, peaks = [], {}
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
            headers = {"Cookie": cookie} if name.startswith("search_member") else {}
            if name in CYCLED:
                paths = cycled[CYCLED[name]]
                path = paths[0]
                script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
                script.write(WRK_CYCLE % ", ".join(f'"{p}"' for p in paths))
                script.close()
                scripts.append(script.name)
                command += ["-s", script.name]
                if name == "project":  # a visitor has been to each page before: it is in the page cache
                    for page in paths:
                        urllib.request.urlopen(base + page, timeout=30).read()
            else:
                for _ in range(20):  # warm both workers
                    urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30).read()
            for key, value in headers.items():
                command += ["-H", f"{key}: {value}"]
            run = subprocess.Popen(command + [base + path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            while run.poll() is None:  # workers are replaced every max_requests: sample each one's peak
                for pid in _children(server.pid):
                    peaks[pid] = max(peaks.get(pid, 0), _vm_hwm_mb(pid) or 0)
                time.sleep(0.5)
            run.stdout = run.stdout.read()
            result[name] = parse_wrk(run.stdout)
            result[name]["raw"] = run.stdout
        for pid in _children(server.pid):
            peaks[pid] = max(peaks.get(pid, 0), _vm_hwm_mb(pid) or 0)
        result["worker_peak_rss_mb"] = sorted((round(m, 1) for m in peaks.values() if m), reverse=True)
        if worker and worker.poll() is None:
            result["flask_worker_peak_rss_mb"] = _vm_hwm_mb(worker.pid)
    finally:
        if worker:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        for name in scripts:
            Path(name).unlink(missing_ok=True)
    text = Path(log.name).read_text()
    if re.search(r"Ratelimit|\" 429 |Too Many Requests", text):  # not "429" inside a byte count
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
    ratio = lambda v: v["backend_p95"] / v["floor_p95"]  # noqa: E731
    limit = TARGETS["floor_ratio_p95"]
    rows = [
        ("Data set", f"{r['counts']['projects']:,} projects ({r['counts']['needs']:,} needs), "
                     f"{r['counts']['profiles']:,} profiles, {r['counts']['municipalities']} municipalities", "", ""),
        ("Generation (bulk inserts)", "reused an earlier database" if r["generation"].get("reused") else
         f"{r['generation']['timings']['generate_s']:.1f} s (+ migrate/seed "
         f"{r['generation']['timings']['migrate_seed_s']:.1f} s)", "", ""),
        ("Full reindex + commit", f"{rx['reindex_s']:.1f} s ({rx['indexed']['project']:,} projects, "
                                  f"{rx['indexed']['profile']:,} profiles)", f"≤ {TARGETS['reindex_s']:.0f} s",
         verdict(rx["reindex_s"] <= TARGETS["reindex_s"])),
        ("Reindex: SQL statements", f"{rx['statements']:,} ({rx['statements'] / max(1, sum(rx['indexed'].values())):.3f} "
                                    "per indexed item)", "—", ""),
        ("Search p50 backend / floor", f"{s['backend_p50']:.2f} ms / {s['floor_p50']:.2f} ms "
                                       f"(×{s['backend_p50'] / s['floor_p50']:.2f})", "", ""),
        ("Search p95 backend / floor", f"{s['backend_p95']:.2f} ms / {s['floor_p95']:.2f} ms (×{ratio(s):.2f})",
         f"≤ ×{limit}", verdict(ratio(s) <= limit)),
        ("Search p50 / p95, backend as the site runs it (context)",
         f"{s['warm_p50']:.2f} ms / {s['warm_p95']:.2f} ms: the same queries again, words' matches remembered (the rows above forget "
         "them before each query)", "—", ""),
    ]
    for kind, v in s["categories"].items():
        rows.append((f"Search p95 backend / floor: {kind}", f"{v['backend_p95']:.2f} ms / {v['floor_p95']:.2f} ms "
                     f"(×{ratio(v):.2f})", f"≤ ×{limit}", verdict(ratio(v) <= limit)))
    cats = s["categories"]
    if "facet" in cats:
        rows.append(("Search p95, facet only", f"{cats['facet']['backend_p95']:.2f} ms",
                     f"≤ {TARGETS['facet_p95_ms']:.0f} ms", verdict(cats["facet"]["backend_p95"] <= TARGETS["facet_p95_ms"])))
    if "typo" in cats and "text" in cats:
        rows.append(("Search p95, typo / plain text", f"{cats['typo']['backend_p95']:.2f} ms / "
                     f"{cats['text']['backend_p95']:.2f} ms", "typo ≤ text",
                     verdict(cats["typo"]["backend_p95"] <= cats["text"]["backend_p95"])))
    rows.append(("Search answers identical to the floor", f"{s['n'] - s['n_mismatches']}/{s['n']} "
                 f"({s['n_mismatches']} mismatches)", "all", verdict(s["n_mismatches"] == 0)))
    if s.get("tantivy"):
        t = s["tantivy"]
        rows.append(("tantivy p50 / p95 (reference, context)",
                     f"{s['tantivy_p50']:.2f} ms / {s['tantivy_p95']:.2f} ms; index built in {t['build_s']:.1f} s "
                     f"({t['segments']} segment); first page overlap with the backend {t['page_overlap']:.0%}", "—", ""))
    rows += [
        ("Matching p95 (match_profiles)", f"{m['p95']:.1f} ms (p50 {m['p50']:.1f}, max {m['max']:.1f}; n={m['n']})",
         f"≤ {TARGETS['match_p95_ms']:.0f} ms", verdict(m["p95"] <= TARGETS["match_p95_ms"])),
        ("match_projects p95 (context)", f"{m['projects_p95']:.1f} ms (p50 {m['projects_p50']:.1f}; n={m['projects_n']})", "—", ""),
        ("CPU used by other processes", "; ".join(f"{phase}: {x['others_cpu_s']:.1f} s in {x['wall_s']:.0f} s"
                                                  for phase, x in r.get("load", {}).items()) or "—", "≈ 0", ""),
        ("Peak RSS, benchmark process", f"{r['memory']['self_mb']:.0f} MB (reindex + search + matching + tantivy)", "—", ""),
        ("Peak RSS, generation child", "—" if r["generation"].get("reused") else
         f"{r['memory']['generation_mb']:.0f} MB", "—", ""),
        ("Search page in-process, fresh (test client)",
         f"{pg['page_fresh_ms']:.1f} ms/request over 100 distinct searches: engine {pg['engine_ms']:.1f}, "
         f"views+rendering+framework {pg['page_fresh_ms'] - pg['engine_ms']:.1f}", "—", ""),
        ("Search page in-process, one URL repeated",
         f"{pg['page_repeat_ms']:.1f} ms/request (caches); /healthz {pg['healthz_ms']:.1f} ms", "—", ""),
    ]
    if "search" in h:
        labels = {"search": "HTTP search, one URL, visitor (cached)",
                  "search_tail": "HTTP search, 3,000 distinct URLs, visitor",
                  "search_member_one": "HTTP search, one URL, logged-in member",
                  "search_member": "HTTP search, 3,000 distinct URLs, logged-in member (context)",
                  "project_first": "HTTP project pages, distinct, first visits, visitor (context)",
                  "project": "HTTP project pages, distinct, visited before, visitor", "healthz": "HTTP /healthz"}
        healthz = h.get("healthz", {}).get("rps") or float("nan")
        tail = h.get("search_tail", {}).get("rps", float("nan"))
        targets = {"search_tail": (f"≥ {TARGETS['search_tail_share']:.0%} of /healthz",
                                   lambda rps: rps >= TARGETS["search_tail_share"] * healthz),
                   "project": (f"≥ {TARGETS['project_share']:.0%} of /healthz",
                               lambda rps: rps >= TARGETS["project_share"] * healthz),
                   # The issue's comparison: a member's page (rendered for them, the engine's answer
                   # remembered) against a visitor's uncached one.
                   "search_member_one": ("≥ the visitor's distinct URLs", lambda rps: rps >= tail)}
        for name, _ in HTTP_RUNS:
            w = h.get(name)
            if not w:
                continue
            share = f" ({w['rps'] / healthz:.0%} of /healthz)" if name != "healthz" else ""
            clean = not w["non_2xx"] and not w["socket_errors"]
            target, test = targets.get(name, ("0 errors", lambda rps: True))
            rows.append((f"{labels[name]} (gunicorn -w 2, wrk -c16)",
                         f"{w['rps']:.0f} req/s{share}, p50 {w['latency_p50_ms']:.1f} ms, "
                         f"p99 {w['latency_p99_ms']:.1f} ms, non-2xx {w['non_2xx']}, socket errors {w['socket_errors']}",
                         target + (", 0 errors" if name in targets else ""), verdict(clean and test(w["rps"]))))
        if h.get("worker_peak_rss_mb"):
            peaks = h["worker_peak_rss_mb"]
            rows.append(("Peak RSS, gunicorn workers (each one seen, recycled ones too)", " / ".join(f"{x:.0f} MB" for x in peaks),
                         f"≤ {TARGETS['worker_rss_mb']:.0f} MB each",
                         verdict(max(peaks) <= TARGETS["worker_rss_mb"])))
        if h.get("flask_worker_peak_rss_mb"):
            rows.append(("Peak RSS, `flask worker` (idle beside the HTTP runs)",
                         f"{h['flask_worker_peak_rss_mb']:.0f} MB", "—", ""))
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
    def row(c, v):
        values = [c, v["n"], f"{v['hits_median']:,.0f} / {v['hits_max']:,}"]
        for name in ("backend", "warm", "floor", "tantivy"):
            if f"{name}_p50" in v:
                values += [f"{v[f'{name}_p50']:.2f}", f"{v[f'{name}_p95']:.2f}"]
        return values + [f"×{v['backend_p95'] / v['floor_p95']:.2f}"]
    return [row(c, v) for c, v in search["categories"].items()]


def category_header(search):
    names = ["backend", "warm", "floor"] + (["tantivy"] if search.get("tantivy") else [])
    return ["Kind", "n", "hits (median / max)"] + [f"{n} p{p}" for n in names for p in (50, 95)] + \
        ["p95 backend / floor"]


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
        f"{r['search']['n']} timed queries after a warm-up of 50; each one run through `backend().search()`, "
        "through the floor (one plain FTS5 MATCH through the `sqlite3` module, then filters, facets and page in "
        "numpy over column arrays loaded once; identical answers required) and through tantivy, in rotating order.",
        "",
        "| " + " | ".join(category_header(r["search"])) + " |",
        "|" + "---|" * len(category_header(r["search"])),
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
    parser.add_argument("--no-tantivy", action="store_true", help="leave out the tantivy reference")
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
    if args.reuse:  # a database from an earlier run, brought to this code's schema
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
    wait_quiet(args.wait_quiet)
    print("2. Reindexing …", flush=True)
    report["reindex"] = run_reindex(app)
    report["db_size_mb"] = Path(db_path).stat().st_size / 2**20
    print(f"   {report['reindex']['reindex_s']:.1f} s, {report['reindex']['indexed']}", flush=True)
    rss_after_reindex = maxrss_mb()

    load = {}
    wait_quiet(args.wait_quiet)
    print(f"3. Search: {args.queries} queries, backend, floor{'' if args.no_tantivy else ' and tantivy'} …", flush=True)
    watch = OtherLoad()
    report["search"] = run_search_bench(app, db_path, args.queries, args.seed, args.profile,
                                        with_tantivy=not args.no_tantivy)
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
        pages = project_paths(app, 12_000, seed=args.seed)
        cycled = {"tail": tail_paths(app, seed=args.seed), "projects": pages[:2000], "projects_first": pages[2000:]}
        report["http"] = run_http_bench(db_path, report["search_path"], cycled, member_cookie(app),
                                        args.duration, 16, 2)
        load["HTTP"] = watch.stop()
    report["load"] = load
    for phase, seen in load.items():
        if seen["others_cpu_s"] > 0.05 * seen["wall_s"]:
            report["notes"].append(
                f"Other processes used {seen['others_cpu_s']:.0f} CPU-seconds during the {phase} phase "
                f"({seen['wall_s']:.0f} s on {os.cpu_count()} CPUs): its figures are pessimistic; run on a quiet machine.")

    if report["search"]["n_mismatches"]:
        report["notes"].append(f"{report['search']['n_mismatches']} search answers differed from the floor's, "
                               f"e.g. {report['search']['mismatches'][:2]}")
    report["notes"].append(f"Peak RSS of the benchmark process was {report['memory']['after_reindex_mb']:.0f} MB "
                           "right after the reindex; it covers the reindex, the search and matching loops "
                           "(generation runs in a child process, reported separately).")
    print()
    print_table(figures_table(report))
    print()
    print("Search latency by kind (ms): " + ", ".join(category_header(report["search"])))
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
