"""The search page, suggestions, matching pages, saved searches and their alerts, as users see them."""
from urllib.parse import urlencode

import pytest

from app.extensions import db
from app.models import AlertDelivery, Region, SavedSearch, Sector
from app.services import search as search_service
from tests.factories import PASSWORD
from tests.search_data import publish, settle


@pytest.fixture(scope="module")
def app_overrides(mail_server):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mail_server.port}


def _id(model, code):
    return db.session.scalar(db.select(model.id).filter_by(code=code))


# Before the tests on the module's search world (which holds the database while it lasts).
def test_snippets_show_words_not_markdown(client, app):
    from tests.factories import make_official, make_project

    make_project(make_official(), publish=True)  # its description: "The old bridge was **washed away** in 2024."
    settle()
    html = client.get("/search/?q=washed").get_data(as_text=True)
    assert "was <mark>washed</mark> away in 2024" in html
    assert "**" not in html


def test_place_names_follow_an_admins_change_and_the_chosen_place_stays_selected(client, app):
    from tests.factories import make_official, make_project

    project = make_project(make_official(), publish=True)
    settle()
    place = project.municipality
    assert f'<option value="{place.id}" selected>{place.name_en}</option>' in client.get(
        f"/search/?near={place.id}").get_data(as_text=True)
    assert f'<option value="{place.id}">{place.name_en}</option>' in client.get("/search/").get_data(as_text=True)
    naryn = _id(Region, "KG-N")
    db.session.execute(db.update(Region).where(Region.id == naryn).values(name_en="Naryn Region (renamed)"))
    db.session.commit()  # the names a search page keeps are those of the content version before
    assert "Naryn Region (renamed)" in client.get("/search/?q=bridge").get_data(as_text=True)


def test_a_members_new_home_shows_on_their_next_search_page(client, app, login_as):
    from app.models import Municipality
    from app.services.profiles import update_profile
    from tests.factories import make_profile, make_user

    at_bashy, nookat = (db.session.scalar(db.select(Municipality).filter_by(name_en=name))
                        for name in ("At-Bashy ayil aymak", "Nookat town"))
    member = make_user()
    make_profile(member, home_municipality=at_bashy)
    login_as(member)
    assert "Near my home (At-Bashy ayil aymak)" in client.get("/search/?q=bridge").get_data(as_text=True)
    update_profile(member, home_municipality=nookat)
    db.session.commit()
    page = client.get("/search/?q=bridge").get_data(as_text=True)
    assert "Near my home (Nookat town)" in page and "At-Bashy ayil aymak)" not in page


def test_search_page_finds_highlights_and_keeps_the_query_in_the_url(client, world):
    naryn = _id(Region, "KG-N")
    html = client.get("/search/?" + urlencode({"q": "хирург", "region": naryn})).get_data(as_text=True)
    assert "1 project found" in html
    assert "<mark>Хирургиялык</mark> жума" in html
    assert "Кардиохирургия" not in html  # in Bishkek, outside the region chosen
    assert 'value="хирург"' in html  # the box keeps the words
    assert f'name="region" value="{naryn}"' in html  # and the form keeps the filter


def test_facets_link_to_narrower_searches_with_counts(client, world):
    html = client.get("/search/?q=хирург").get_data(as_text=True)
    assert "2 projects found" in html
    health = _id(Sector, "health")
    assert f"sector={health}" in html
    assert "Naryn" in html and "(1)" in html


def test_bad_parameters_are_ignored_not_fatal(client, world):
    response = client.get("/search/?region=abc&page=-4&sort=drop+table&km=999999&kind=nonsense")
    assert response.status_code == 200
    assert "6 projects found" in response.get_data(as_text=True)


def test_pagination(client, world):
    response = client.get("/search/?sort=newest&page=2")
    assert response.status_code == 200
    assert "No published project matches" in response.get_data(as_text=True)  # 6 fit on page 1


def test_suggestions_offer_titles_places_and_skills(client, world):
    found = client.get("/search/suggest?q=хир").get_json()
    kinds = {(s["kind"], s["text"]) for s in found}
    assert ("project", "Хирургиялык жума: Ат-Башы райондук ооруканасы") in kinds
    assert ("skill", "Surgeon") in kinds
    assert ("place", "Naryn Region") in {(s["kind"], s["text"]) for s in client.get("/search/suggest?q=nar").get_json()}
    assert all(s["url"].startswith("/search/?") for s in found)
    assert client.get("/search/suggest?q=a").get_json() == []


def test_a_member_sees_why_results_suit_them(client, world, login_as):
    login_as(world.profiles["aibek"].user)
    html = client.get("/search/?q=хирург").get_data(as_text=True)
    assert "needs your verified skill: Surgeon" in html
    assert "in your home village, At-Bashy ayil aymak" in html


def test_matched_for_you_ranks_the_surgery_week_first(client, world, login_as):
    login_as(world.profiles["aibek"].user)
    html = client.get("/search/for-you").get_data(as_text=True)
    assert html.index("Хирургиялык жума") < html.index("Кардиохирургия")
    assert "you are free on its dates, May 10, 2027 – May 17, 2027" in html


def test_suggested_volunteers_only_for_the_projects_officials(client, world, login_as):
    surgery = world.projects["surgery"]
    need = next(n for n in surgery.needs if n.kind.value == "skill")
    login_as(world.officials["surgery"])
    html = client.get(f"/search/needs/{need.id}/volunteers").get_data(as_text=True)
    assert "Aibek" in html and "Nurlan" in html
    assert "Surgeon (verified)" in html and "from At-Bashy ayil aymak" in html and "free May 1, 2027" in html
    assert "Hidden" not in html and "Gulnara" not in html  # private; only for LSGs she pledged to
    assert html.index("Aibek") < html.index("Nurlan")
    login_as(world.officials["water"])
    assert client.get(f"/search/needs/{need.id}/volunteers").status_code == 403


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_saving_a_search_and_getting_one_alert(client, world, login_as, mailbox):
    member = world.profiles["nurlan"].user
    login_as(member)
    health = _id(Sector, "health")
    naryn = _id(Region, "KG-N")
    query = urlencode({"q": "хирург", "region": naryn, "sector": health})
    response = client.post("/search/saved", data={"name": "", "query": query})
    assert response.status_code == 302
    saved = db.session.scalar(db.select(SavedSearch))
    assert saved.region_id == naryn and [s.id for s in saved.sectors] == [health]
    assert client.post("/search/saved", data={"name": "", "query": query}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(SavedSearch.id))) == 1  # the same search once

    official = world.officials["surgery"]
    other = publish(official, official.memberships[0].lsg, moderator=world.moderator,
                    title="Вторая хирургическая неделя в Ат-Башы", summary="Снова нужны хирурги.",
                    sector="health")
    publish(official, official.memberships[0].lsg, moderator=world.moderator,
            title="Новая крыша школы в Ат-Башы", summary="Крыша протекает.", sector="education")
    settle()
    settle()  # the worker running again sends nothing twice
    # One alert to the member; the official is told of each publication (a notification mail).
    assert sorted(m["To"] for m in mailbox.messages) == sorted([member.email, official.email, official.email])
    [message] = [m for m in mailbox.messages if m["To"] == member.email]
    assert "Вторая хирургическая неделя" in message.get_content()
    assert f"/projects/{other.id}" in message.get_content()
    assert db.session.scalar(db.select(db.func.count(AlertDelivery.id))) == 1


def test_saving_needs_something_to_follow(client, world, login_as):
    login_as(world.profiles["nurlan"].user)
    response = client.post("/search/saved", data={"name": "", "query": ""}, follow_redirects=True)
    assert "Choose some words, a place or a sector to follow first." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SavedSearch.id))) == 0


def test_follow_my_village_and_delete(client, world, login_as):
    member = world.profiles["aibek"].user
    login_as(member)
    client.post("/search/follow-home")
    saved = db.session.scalar(db.select(SavedSearch))
    assert saved.query["municipality"] == world.profiles["aibek"].home_municipality_id
    other = world.profiles["nurlan"].user
    login_as(other)
    assert client.post(f"/search/saved/{saved.id}/delete").status_code == 404  # not theirs
    login_as(member)
    client.post(f"/search/saved/{saved.id}/delete")
    assert db.session.scalar(db.select(db.func.count(SavedSearch.id))) == 0


def test_alert_candidates_are_prefiltered_by_region_and_sector(world):
    member = world.profiles["nurlan"].user
    naryn, osh = _id(Region, "KG-N"), _id(Region, "KG-GO")
    from app.search.query import SearchQuery

    search_service.save_search(member, SearchQuery(region=naryn, sector=(_id(Sector, "health"),)))
    search_service.save_search(member, SearchQuery(region=osh))
    search_service.save_search(member, SearchQuery(q="мост"))
    db.session.commit()
    from app.services.alerts import candidates
    from app.search import backend

    document = backend().project_documents([world.projects["surgery"].id])[world.projects["surgery"].id]
    names = sorted(s.query.get("q") or str(s.region_id) for s in candidates(document))
    assert names == sorted([str(naryn), "мост"])  # not Osh's


@pytest.mark.own_index  # changes what Elasticsearch holds
def test_cached_results_follow_every_change_to_the_index(app, world, login_as):
    visitor, member = app.test_client(), app.test_client()
    for browser in (visitor, member):
        browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    # Kochkor: only the Russian bridge is there ("мост" finds the Kyrgyz «көпүрө» too).
    first = visitor.get("/search/?q=Кочкор").get_data(as_text=True)
    assert "1 project found" in first
    assert "1 project found" in visitor.get("/search/?q=Кочкор&junk=1").get_data(as_text=True)
    member.post("/auth/login", data={"email": world.profiles["nurlan"].user.email, "password": PASSWORD})
    assert "1 project found" in member.get("/search/?q=Кочкор").get_data(as_text=True)

    official = world.officials["bridge_ru"]
    publish(official, official.memberships[0].lsg, moderator=world.moderator,
            title="Новый мост в Кочкоре", summary="Второй мост.", sector="roads_bridges")
    settle()
    assert "2 projects found" in visitor.get("/search/?q=Кочкор").get_data(as_text=True)
    page = member.get("/search/?q=Кочкор").get_data(as_text=True)
    assert "2 projects found" in page
    assert "Save this search and get alerts" in page  # a member gets their own page, not the visitors'
