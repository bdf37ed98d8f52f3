"""The search contract: both engines give the same answers on the same data.

Every test here runs twice: on SQLite with the embedded FTS5 engine, and on PostgreSQL with
Elasticsearch (osmem-server, or the cluster ELASTICSEARCH_URL names). The expectations are
written once, so passing on both means both engines agree.
"""
from datetime import date

import pytest

from app.extensions import db
from app.models import District, Municipality, Region, Sector, Skill
from app.search import backend, matching
from app.search.documents import project_documents
from app.search.query import SearchQuery
from app.services import projects as project_service
from tests.search_data import publish, settle


def ids(world, *keys):
    return [world.projects[k].id for k in keys]


def found(query):
    return [hit.id for hit in backend().search(query).hits]


def _id(model, code):
    return db.session.scalar(db.select(model.id).filter_by(code=code))


@pytest.mark.parametrize("words, expected_first", [
    ("мосты", "bridge_ru"),  # a plural finds the singular
    ("хирург", "surgery"),  # a stem finds хирургия, хирургов and Kyrgyz хирургиялык
    ("хирургиялык", "surgery"),
    ("көпүрө", "bridge_ky"),  # a Kyrgyz root finds its suffixed form (көпүрөнү)
    ("roofs", "school_en"),  # English plural
    ("водопровод", "water"),
    ("Ат-Башы", "surgery"),  # a place name
])
def test_words_find_the_same_first_result(world, words, expected_first):
    assert found(SearchQuery(q=words))[0] == world.projects[expected_first].id


def test_stemmed_query_finds_every_form_on_both(world):
    assert set(found(SearchQuery(q="хирург"))) == set(ids(world, "surgery", "heart"))


def test_a_one_letter_typo_still_finds_the_project(world):
    assert found(SearchQuery(q="водапровод"))[:1] == ids(world, "water")
    assert found(SearchQuery(q="Kyzyl-Sou school"))[:1] == ids(world, "school_en")


def test_every_word_must_match(world):
    assert found(SearchQuery(q="мост Сокулук")) == []
    # Issue 15: "мост" is «көпүрө» too, so the Kyrgyz bridge in Гүлчө answers this one.
    assert found(SearchQuery(q="мост Гүлчө")) == ids(world, "bridge_ky")
    assert found(SearchQuery(q="ремонт моста")) == ids(world, "bridge_ru")


def test_facet_counts_are_the_same(world):
    results = backend().search(SearchQuery())
    assert results.total == 6
    naryn, chui = _id(Region, "KG-N"), _id(Region, "KG-C")
    assert results.facets["region"][naryn] == 2
    assert results.facets["region"][chui] == 1
    assert results.facets["sector"] == {_id(Sector, "health"): 2, _id(Sector, "roads_bridges"): 2,
                                        _id(Sector, "education"): 1, _id(Sector, "water_sanitation"): 1}
    assert results.facets["kind"] == {"funds": 6, "skill": 3, "in_kind": 1}
    assert results.facets["skill"] == {_id(Skill, "surgeon"): 2, _id(Skill, "civil_engineer"): 1}
    assert results.facets["status"] == {"open": 6}

    narrowed = backend().search(SearchQuery(q="хирург", region=naryn))
    assert [h.id for h in narrowed.hits] == ids(world, "surgery")
    assert narrowed.facets["district"] == {_id(District, "KG-N-ATB"): 1}


def test_filters_combine(world):
    health = _id(Sector, "health")
    assert set(found(SearchQuery(sector=(health,)))) == set(ids(world, "surgery", "heart"))
    assert found(SearchQuery(kind=("in_kind",))) == ids(world, "school_en")
    assert set(found(SearchQuery(skill=(_id(Skill, "surgeon"),), region=_id(Region, "KG-N")))) == set(
        ids(world, "surgery"))
    assert found(SearchQuery(district=_id(District, "KG-O-ALA"))) == ids(world, "bridge_ky")


def test_sorts_agree(world):
    newest = found(SearchQuery(sort="newest"))
    assert newest == sorted(newest, reverse=True)  # published in id order, so newest = highest id
    at_bashy = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-01"))
    nearest = found(SearchQuery(sort="nearest", origin=(at_bashy.lat, at_bashy.lon)))
    assert nearest[:2] == ids(world, "surgery", "bridge_ru")  # At-Bashy, then Kochkor (same region)


def test_near_filter_keeps_what_is_within_reach(world):
    at_bashy = db.session.scalar(db.select(Municipality).filter_by(code="KG-N-ATB-01"))
    near = SearchQuery(near=at_bashy.id, km=150, origin=(at_bashy.lat, at_bashy.lon))
    assert set(found(near)) == set(ids(world, "surgery", "bridge_ru"))
    assert found(SearchQuery(near=at_bashy.id, km=10, origin=(at_bashy.lat, at_bashy.lon))) == ids(world, "surgery")


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_closest_to_funding_goal_first(world, app):
    from app.services.pledges import confirm_pledge, pledge_money

    member = world.profiles["aibek"].user
    need = next(n for n in world.projects["school_en"].needs if n.kind.value == "funds")
    pledge = pledge_money(member, need, amount=400_000_00, currency="KGS", method="bank_transfer")
    db.session.commit()
    confirm_pledge(world.officials["school_en"], pledge, reference="bank ref 1")
    db.session.commit()
    settle()
    assert found(SearchQuery(sort="funding"))[0] == world.projects["school_en"].id


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_only_published_projects_are_searchable(world):
    official = world.officials["bridge_ru"]
    lsg = official.memberships[0].lsg
    publish(official, lsg, title="Мост через арык", summary="Черновик моста.", sector="roads_bridges",
            publish=False)
    settle()
    assert found(SearchQuery(q="арык")) == []


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_unpublishing_removes_and_republishing_restores(world):
    project = world.projects["bridge_ru"]
    project_service.unpublish_project(world.moderator, project, reason="Wrong photos")
    db.session.commit()
    settle()
    # Only the Kyrgyz bridge («көпүрө», the same word) is left to find.
    assert found(SearchQuery(q="мост")) == ids(world, "bridge_ky")
    assert backend().search(SearchQuery()).total == 5


def test_suggestions_agree(world):
    assert backend().suggest("хир") == ["Хирургиялык жума: Ат-Башы райондук ооруканасы"]
    assert backend().suggest("new sch") == ["New school roof in Kyzyl-Suu"]


def test_matched_projects_in_the_same_order_with_the_same_scores(world):
    subject = matching.member_subject(world.profiles["aibek"], today=date(2027, 1, 1))
    ranked = backend().match_projects(subject)
    assert [project_id for project_id, _ in ranked][:2] == ids(world, "surgery", "heart")
    documents = backend().project_documents([project_id for project_id, _ in ranked])
    for project_id, score in ranked:
        assert score == matching.total(matching.explain_project(subject, documents[project_id]))
    reasons = {r.key for r in matching.explain_project(subject, documents[world.projects["surgery"].id])}
    assert {"skill_verified", "home_municipality", "sector", "availability", "language"} <= reasons


def test_suggested_volunteers_respect_visibility_and_rank_alike(world):
    surgery = world.projects["surgery"]
    need = next(n for n in surgery.needs if n.kind.value == "skill")
    document = backend().project_documents([surgery.id])[surgery.id]
    subject = matching.need_subject(need, document, today=date(2027, 1, 1))
    ranked = backend().match_profiles(subject)
    order = [profile_id for profile_id, _, _ in ranked]
    assert order == [world.profiles["aibek"].id, world.profiles["nurlan"].id]  # not private, not unpledged
    for _, score, profile_document in ranked:
        assert score == matching.total(matching.explain_profile(subject, profile_document))


def test_availability_counts_only_for_the_members_own_skills(world):
    # A civil engineer interested in health, free during the surgery week: the surgery week
    # matches by sector, but being free then is no reason — nobody needs an engineer on those dates.
    subject = matching.MemberSubject(
        skill_ids=(_id(Skill, "civil_engineer"),), sector_ids=(_id(Sector, "health"),),
        windows=(("2027-05-12", "2027-05-13"), ("2027-06-05", "2027-06-07")), today=date(2027, 1, 1))
    ranked = dict(backend().match_projects(subject))
    documents = backend().project_documents(list(ranked))
    surgery, water = world.projects["surgery"].id, world.projects["water"].id
    assert "availability" not in {r.key for r in matching.explain_project(subject, documents[surgery])}
    assert "availability" in {r.key for r in matching.explain_project(subject, documents[water])}
    for project_id, score in ranked.items():
        assert score == matching.total(matching.explain_project(subject, documents[project_id]))


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_free_dates_can_lift_a_volunteer_over_a_closer_one(world):
    # The engines look up availability only for volunteers who could still reach the top; one
    # whose other reasons score lower but who is free on the dates must still come first.
    from app.models import ProfileVisibility, SkillStatus
    from app.services import profiles as profile_service
    from tests.factories import make_user
    from tests.search_data import settle

    water = world.projects["water"]
    need = next(n for n in water.needs if n.kind.value == "skill")
    engineer = world.profiles["engineer"]
    profile_service.update_profile(engineer.user, sectors=[])  # scores the sector weight less now
    rival = make_user(name="Rival")
    sokuluk = db.session.scalar(db.select(Municipality).filter_by(code="KG-C-SOK-01"))
    profile_service.update_profile(rival, home_municipality=sokuluk, languages=["ru", "en"],
                                   sectors=[db.session.scalar(db.select(Sector).filter_by(code="water_sanitation"))],
                                   visibility=ProfileVisibility.PUBLIC.value)
    held = profile_service.add_skill(rival, db.session.scalar(db.select(Skill).filter_by(code="civil_engineer")))
    held.status = SkillStatus.VERIFIED
    db.session.commit()
    settle()
    document = backend().project_documents([water.id])[water.id]
    subject = matching.need_subject(need, document, today=date(2027, 1, 1))
    full = backend().match_profiles(subject)
    assert [p for p, _, _ in full] == [engineer.id, held.profile_id]
    assert [p for p, _, _ in backend().match_profiles(subject, limit=1)] == [engineer.id]


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_a_typo_is_forgiven_in_whole_words_only(world):
    # "мекеп" is one letter from "мектеп" (school); "мекендештер" (compatriots) merely starts
    # one letter away from it, and must not match.
    official = world.officials["bridge_ky"]
    lsg = official.memberships[0].lsg
    school = publish(official, lsg, moderator=world.moderator, title="Гүлчө мектеп оңдоо",
                     summary="Мектептин чатырын алмаштыруу.", sector="education")
    publish(official, lsg, moderator=world.moderator, title="Мекендештер үчүн жолугушуу",
            summary="Чет өлкөдөгү мекендештер менен жолугушуу.", sector="education")
    settle()
    assert found(SearchQuery(q="мекеп")) == [school.id]


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_short_kyrgyz_words_keep_their_letters(world):
    # The Russian rules would cut "суу" (water) to "су", a prefix of "сурет" (picture) and of
    # many other words.
    official = world.officials["water"]
    lsg = official.memberships[0].lsg
    water = publish(official, lsg, moderator=world.moderator, title="Таза суу айылга",
                    summary="Айылга таза суу келет.", sector="water_sanitation")
    publish(official, lsg, moderator=world.moderator, title="Сурет көргөзмөсү",
            summary="Балдардын сүрөттөрү.", sector="education")
    settle()
    # Kyzyl-Suu's school roof is found by its place name, Кызыл-Суу.
    assert set(found(SearchQuery(q="суу"))) == {water.id, world.projects["school_en"].id}


# ---- issue 15: Kyrgyz word forms and languages

@pytest.mark.parametrize("words", ["көпүрөлөр", "көпүрөгө", "көпүрөдөн", "көпүрөсүнөн", "Гүлчөдөгү көпүрөлөрдү"])
def test_kyrgyz_word_forms_find_the_kyrgyz_bridge(world, words):
    # Plural, dative, ablative, possessive + ablative: none of them a beginning of "көпүрөнү".
    assert found(SearchQuery(q=words))[:1] == ids(world, "bridge_ky")


def test_kyrgyz_forms_rank_the_kyrgyz_bridge_above_the_translated_one(world):
    # The plural is reduced to «көпүрө» itself, so the vocabulary's "мост" finds the Russian bridge
    # too — as a translation, after the project written in the words typed.
    results = found(SearchQuery(q="көпүрөлөр"))
    assert results[0] == world.projects["bridge_ky"].id
    assert world.projects["bridge_ru"].id in results[1:]


@pytest.mark.own_index  # changes what Elasticsearch holds
@pytest.mark.parametrize("words", ["бала бакча", "бала бакчага", "балдар бакчасы", "бакчалар", "балдарыбыз"])
def test_kindergarten_forms_find_the_kindergarten(world, words):
    official = world.officials["bridge_ky"]
    lsg = official.memberships[0].lsg
    kindergarten = publish(official, lsg, moderator=world.moderator, title="Айылдагы бала бакчаны оңдоо",
                           summary="Балдар үчүн бала бакчанын чатырын алмаштыруу.", sector="education")
    fish_farm = publish(official, lsg, moderator=world.moderator, title="Балык чарбасы",
                        summary="Көлдө балык өстүрүү.", sector="education")
    settle()
    results = found(SearchQuery(q=words))
    # "балдарыбыз" (our children) also finds, through the vocabulary, projects for children in
    # other languages: the Kyrgyz kindergarten comes first, the fish farm (балык) never.
    assert results[:1] == [kindergarten.id] and fish_farm.id not in results


def test_a_kyrgyz_speaker_shares_the_language_of_kyrgyz_projects_only(world):
    subject = matching.MemberSubject(languages=("ky",), region_id=_id(Region, "KG-N"), today=date(2027, 1, 1))
    ranked = dict(backend().match_projects(subject))
    documents = backend().project_documents(list(ranked) + ids(world, "bridge_ky", "bridge_ru", "surgery"))
    reasons = {key: {r.key for r in matching.explain_project(subject, documents[world.projects[key].id])}
               for key in ("bridge_ky", "bridge_ru", "surgery")}
    assert documents[world.projects["bridge_ru"].id]["languages"] == ["ru"]
    assert documents[world.projects["bridge_ky"].id]["languages"] == ["ky"]
    assert "language" in reasons["bridge_ky"] and "language" in reasons["surgery"]  # Kyrgyz title
    assert "language" not in reasons["bridge_ru"]
    for project_id, score in ranked.items():
        assert score == matching.total(matching.explain_project(subject, documents[project_id]))

# ---- issue 15: across languages and Latin letters (app/search/vocabulary.py, app/search/translit.py)

def test_a_word_finds_the_same_thing_in_the_other_languages_typed_language_first(world):
    assert found(SearchQuery(q="мост")) == ids(world, "bridge_ru", "bridge_ky")
    assert found(SearchQuery(q="көпүрө")) == ids(world, "bridge_ky", "bridge_ru")
    assert set(found(SearchQuery(q="bridge"))) == set(ids(world, "bridge_ru", "bridge_ky"))
    assert found(SearchQuery(q="крыша"))[:1] == ids(world, "school_en")  # "roof"
    assert set(found(SearchQuery(q="surgery"))) == set(ids(world, "surgery", "heart"))


@pytest.mark.parametrize("latin, expected", [
    ("most", ("bridge_ru", "bridge_ky")),  # мост, and so «көпүрө» too
    ("kopuro", ("bridge_ky", "bridge_ru")),
    ("xirurg", ("surgery", "heart")),
    ("Naryn", ("surgery", "bridge_ru")),
])
def test_latin_letters_find_the_cyrillic_text(world, latin, expected):
    assert set(found(SearchQuery(q=latin))) == set(ids(world, *expected))


def test_a_place_typed_in_latin_letters(world):
    assert found(SearchQuery(q="At-Bashy"))[:1] == ids(world, "surgery")
    assert found(SearchQuery(q="At-Bashy xirurg")) == ids(world, "surgery")


LEXICON_PROJECTS = {
    # key: (official of, title, summary, sector)
    "school_ru": ("bridge_ru", "Ремонт школы в Кочкоре", "Школе нужны новые окна и парты.", "education"),
    "school_ky": ("bridge_ky", "Гүлчө айылындагы мектепке жаңы терезелер", "Мектептин терезелери эски.",
                  "education"),
    "laptops": ("water", "Ноутбуки для учеников", "Двадцать ноутбуков для уроков информатики.", "education"),
    "kindergarten_ky": ("bridge_ky", "Бала бакчага оюнчуктар", "Айылдын бала бакчасына оюнчуктар керек.",
                        "education"),
    "kindergarten_ru": ("water", "Детский сад в Сокулуке", "Ремонт кухни детского сада.", "education"),
    "solar_ky": ("bridge_ky", "Мектепке күн панелдери", "Күн панелдери мектепти жарык менен камсыз кылат.",
                 "energy"),
    "solar_ru": ("water", "Солнечные панели для больницы", "Солнечные панели дадут больнице свет зимой.",
                 "energy"),
    "greenhouse": ("water", "Теплица для села", "Круглый год овощи из теплицы.", "agriculture"),
}


def _lexicon_projects(world):
    made = {}
    for key, (of, title, summary, sector) in LEXICON_PROJECTS.items():
        official = world.officials[of]
        made[key] = publish(official, official.memberships[0].lsg, moderator=world.moderator, title=title,
                            summary=summary, sector=sector).id
    settle()
    return made


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_things_projects_ask_for_are_found_in_every_language(world):
    p = _lexicon_projects(world)
    school = found(SearchQuery(q="school"))
    assert school[:1] == ids(world, "school_en")
    assert {p["school_ru"], p["school_ky"]} <= set(school)
    assert found(SearchQuery(q="школа"))[:1] == [p["school_ru"]]
    assert found(SearchQuery(q="laptop")) == [p["laptops"]]
    assert found(SearchQuery(q="детский сад")) == [p["kindergarten_ru"], p["kindergarten_ky"]]
    assert set(found(SearchQuery(q="kindergarten"))) == {p["kindergarten_ru"], p["kindergarten_ky"]}
    assert found(SearchQuery(q="солнечные панели")) == [p["solar_ru"], p["solar_ky"]]
    assert found(SearchQuery(q="Күн панелдери")) == [p["solar_ky"], p["solar_ru"]]
    assert set(found(SearchQuery(q="solar panels"))) == {p["solar_ru"], p["solar_ky"]}
    assert found(SearchQuery(q="teplitsa")) == [p["greenhouse"]]
    assert found(SearchQuery(q="greenhouse")) == [p["greenhouse"]]
    assert set(found(SearchQuery(q="mektep"))) >= {p["school_ky"], p["school_ru"], p["solar_ky"]}


# ---- issue 15: no typo tolerance where the words as typed are found (Elasticsearch noise)

NOISE_PROJECTS = {
    # key: (official of, title, summary, sector); each is one letter away from a query below
    "seats": ("water", "Теплица на сто мест", "Места для рассады круглый год.", "agriculture"),
    "progress": ("water", "Ход работ на стадионе", "Ход строительства стадиона.", "culture_sport"),
    "fridge": ("school_en", "A fridge for the health post", "A new fridge keeps vaccines cold.", "health"),
}


def _noise_projects(world):
    made = {}
    for key, (of, title, summary, sector) in NOISE_PROJECTS.items():
        official = world.officials[of]
        made[key] = publish(official, official.memberships[0].lsg, moderator=world.moderator, title=title,
                            summary=summary, sector=sector).id
    settle()
    return made


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_a_word_found_as_typed_brings_no_word_one_letter_away(world):
    p = _noise_projects(world)
    assert found(SearchQuery(q="мост")) == ids(world, "bridge_ru", "bridge_ky")  # not "мест"
    assert p["progress"] not in found(SearchQuery(q="вода"))  # "ход" is one letter from "вод"
    assert found(SearchQuery(q="вода"))[:1] == ids(world, "water")
    assert p["fridge"] not in found(SearchQuery(q="bridge"))
    assert found(SearchQuery(q="fridge")) == [p["fridge"]]
    # A typo is still forgiven where the word as typed is nowhere.
    assert found(SearchQuery(q="водапровод"))[:1] == ids(world, "water")
    assert found(SearchQuery(q="Kyzyl-Sou school"))[:1] == ids(world, "school_en")
    assert found(SearchQuery(q="теплицу"))[:1] == [p["seats"]]


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_a_title_match_ranks_above_a_skill_name_only_match(world):
    # "строитель" begins a word of the first title («Строительство»), and is a whole word of the
    # second project's skill only («Инженер-строитель»): the title weighs more, as a prefix too.
    official = world.officials["bridge_ru"]
    lsg = official.memberships[0].lsg
    titled = publish(official, lsg, moderator=world.moderator, title="Строительство спортзала",
                     summary="Новый спортзал для школьников района.", sector="culture_sport")
    skilled = publish(official, lsg, moderator=world.moderator, title="Спортзал для района",
                      summary="Нужна помощь мастеров.", sector="culture_sport", skill="civil_engineer",
                      dates=(date(2027, 7, 1), date(2027, 7, 10)))
    settle()
    for words in ("строитель", "строителя"):
        results = found(SearchQuery(q=words))
        assert titled.id in results and skilled.id in results
        assert results.index(titled.id) < results.index(skilled.id)


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_nothing_a_search_remembered_outlives_a_change_to_the_index(world):
    # The embedded engine remembers its column arrays and each word's matches, the search service
    # each answer: all of it keyed on the index's generation, which every write moves on.
    roads = _id(Sector, "roads_bridges")
    assert found(SearchQuery(q="мост")) == ids(world, "bridge_ru", "bridge_ky")
    assert backend().search(SearchQuery(q="мост")).facets["sector"] == {roads: 2}
    assert backend().search(SearchQuery(sector=(roads,))).total == 2

    official = world.officials["bridge_ru"]
    added = publish(official, official.memberships[0].lsg, title="Новый мост для села",
                    summary="Мост через реку для детей.", sector="roads_bridges", funds=1_000_000_00,
                    moderator=world.moderator)
    settle()
    assert set(found(SearchQuery(q="мост"))) == {added.id, *ids(world, "bridge_ru", "bridge_ky")}
    assert backend().search(SearchQuery(q="мост")).facets["sector"] == {roads: 3}
    assert backend().search(SearchQuery(sector=(roads,))).total == 3
    assert found(SearchQuery(q="мост", sort="newest", per_page=1)) == [added.id]

    project_service.unpublish_project(world.moderator, world.projects["bridge_ky"], reason="Wrong photos")
    db.session.commit()
    settle()
    assert set(found(SearchQuery(q="мост"))) == {added.id, world.projects["bridge_ru"].id}
    assert backend().search(SearchQuery(sector=(roads,))).total == 2


def test_a_skill_is_indexed_once_whatever_its_names_and_needs(world):
    # "Хирург" is the surgeon's Kyrgyz and Russian name: the skills text holds it once, and once
    # too when two needs ask for surgeons (bm25 counted it two or four times).
    assert project_documents([world.projects["surgery"]])[world.projects["surgery"].id]["skill_names"] \
        == "Хирург Surgeon"
    official = world.officials["bridge_ru"]
    lsg = official.memberships[0].lsg
    project = publish(official, lsg, moderator=world.moderator, title="Две смены хирургов",
                      summary="Хирурги нужны на две недели.", sector="health", skill="surgeon",
                      dates=(date(2027, 7, 1), date(2027, 7, 10)), publish=False)
    project_service.add_need(official, project, "skill", skill=db.session.scalar(db.select(Skill).filter_by(
        code="surgeon")), slots=2, starts_on=date(2027, 7, 11), ends_on=date(2027, 7, 20), on_site=True,
        requirements="")
    project_service.submit_project(official, project)
    project_service.publish_project(world.moderator, project, reason="Documents checked")
    db.session.commit()
    settle()
    assert project_documents([project])[project.id]["skill_names"] == "Хирург Surgeon"
    assert project.id in found(SearchQuery(q="хирург"))
