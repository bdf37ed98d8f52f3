"""The open-data API (/api/v1/): shapes, pages, filters, conditional GET, CORS, problem details, the
rate limit, CSV, the OpenAPI document and its page — and that nothing private or unpublished leaks."""
import csv
import io
import re

from app.extensions import db, limiter
from app.models import District, Lsg, Municipality, NeedKind, Pledge, Project, Region, Role, Sector, User
from app.services import pledges, profiles, projects
from tests.authz_world import build_world
from tests.factories import make_lsg, make_official, make_project, make_user

API = "/api/v1"


def funds_need(project):
    return next(n for n in project.needs if n.kind == NeedKind.FUNDS)


def published_world():
    """Two published projects in two regions, one pledge confirmed and one pending on the first."""
    official = make_official(make_lsg("KG-N-ATB-01", name="At-Bashy ayil okmotu"))
    bridge = make_project(official, title="Bridge over the Naryn river", publish=True)
    other_lsg = make_lsg(db.session.scalar(db.select(Municipality.code).join(District).join(Region)
                                           .where(Region.code != "KG-N").order_by(Municipality.id)), name="Far LSG")
    far_official = make_official(other_lsg)
    school = make_project(far_official, other_lsg, title="School roof", publish=True)
    member = make_user(name="Aibek Donorov")
    need = funds_need(bridge)
    confirmed = pledges.pledge_money(member, need, amount=1_000_00, currency="KGS", method="bank_transfer")
    pledges.confirm_pledge(official, confirmed, reference="seen")
    pledges.pledge_money(member, need, amount=7_000_00, currency="KGS", method="bank_transfer")
    db.session.commit()
    return bridge, school, official


def test_a_project_has_its_approved_version_progress_and_figures(app, client):
    bridge, school, _official = published_world()
    response = client.get(f"{API}/projects/{bridge.id}")
    assert response.status_code == 200 and response.content_type == "application/json"
    record = response.json
    assert record["title"] == "Bridge over the Naryn river" and record["status"] == "open"
    assert record["lsg"]["name_en"] == "At-Bashy ayil okmotu"
    assert record["place"]["region"]["code"] == "KG-N"
    funds = next(n for n in record["needs"] if n["kind"] == "funds")
    assert funds["done"] == 1_000_00  # confirmed money only: the pending 7 000 does not count
    assert record["progress"]["confirmed_money"] == {"KGS": 1_000_00}
    assert record["progress"]["funding"] == round(1_000_00 / funds["target_amount"], 6)
    assert record["pledges"] == {"counted": 1, "pending": 1, "supporters": 1, "money": {"KGS": 1_000_00},
                                 "by_kind": {"funds": 1, "skill": 0, "in_kind": 0}}
    assert [s["source"] for s in record["cofinancing"]] == ["lsg", "diaspora"]
    assert record["cofinancing"][1]["received"] == 1_000_00
    assert [m["title"] for m in record["milestones"]] == ["Foundations", "Deck and railings"]
    assert record["spending_reported"] == 0
    assert record["published_at"].endswith("+00:00")
    listed = client.get(f"{API}/projects").json
    assert [p["id"] for p in listed["data"]] == [bridge.id, school.id] and listed["next_cursor"] is None


def test_lsgs_and_places(app, client):
    bridge, _school, _official = published_world()
    lsg = client.get(f"{API}/lsgs/{bridge.lsg_id}").json
    assert lsg["name_en"] == "At-Bashy ayil okmotu" and lsg["projects"]["open"] == 1
    record = lsg["track_record"]
    assert (record["completed"], record["cancelled"], record["updates_overdue"]) == (0, 0, 0)
    assert record["spent_share"] == 0  # 1 000 som confirmed, nothing reported spent yet
    assert record["median_days_to_confirm"] is not None and record["answer_rate"] is None
    naryn = db.session.scalar(db.select(Region).filter_by(code="KG-N"))
    districts = client.get(f"{API}/districts", query_string={"region": naryn.id, "limit": 100}).json["data"]
    assert districts and {d["region_id"] for d in districts} == {naryn.id}
    at_bashy = bridge.municipality
    found = client.get(f"{API}/lsgs", query_string={"district": at_bashy.district_id}).json["data"]
    assert [x["id"] for x in found] == [bridge.lsg_id]
    sectors = client.get(f"{API}/sectors", query_string={"limit": 100}).json["data"]
    assert {"code", "name_ky", "name_ru", "name_en"} <= set(sectors[0])


def test_pages_walk_every_row_once(app, client):
    every = db.session.scalars(db.select(Municipality.id).order_by(Municipality.id)).all()
    seen, url, pages = [], f"{API}/municipalities?limit=7", 0
    while url:
        body = client.get(url).json
        seen += [m["id"] for m in body["data"]]
        url, pages = body["next"], pages + 1
        assert (body["next"] is None) == (body["next_cursor"] is None)
    assert seen == every and pages == -(-len(every) // 7)


def test_bad_parameters_are_problems(app, client):
    for query in ("limit=0", "limit=101", "limit=x", "cursor=not-ours", "region=0", "status=lost", "sector=x"):
        response = client.get(f"{API}/projects?{query}")
        assert response.status_code == 400, query
        assert response.content_type == "application/problem+json"
        problem = response.json
        assert set(problem) == {"type", "title", "status", "detail"} and problem["status"] == 400
        assert query.split("=")[0] in problem["detail"]


def test_a_nul_byte_is_a_documented_problem(app, client):
    """Found by Schemathesis: a cursor with a NUL byte is refused before any view (422), as the
    document says."""
    response = client.get(f"{API}/sectors?cursor=%00")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    spec = client.get(f"{API}/openapi.json").json
    assert "422" in spec["paths"][f"{API}/sectors"]["get"]["responses"]


def test_filters_match_the_search_page(app, client):
    bridge, school, _official = published_world()
    naryn = db.session.scalar(db.select(Region).filter_by(code="KG-N"))

    def ids(**query):
        return [p["id"] for p in client.get(f"{API}/projects", query_string=query).json["data"]]

    assert ids(region=naryn.id) == [bridge.id]
    assert ids(district=bridge.municipality.district_id) == [bridge.id]
    assert ids(municipality=school.municipality_id) == [school.id]
    assert ids(lsg=school.lsg_id) == [school.id]
    assert ids(status="open") == [bridge.id, school.id] and ids(status="completed") == []
    assert ids(sector=bridge.sector_id) == [bridge.id, school.id]
    other = db.session.scalar(db.select(Sector.id).where(Sector.id != bridge.sector_id))
    assert ids(sector=other) == []
    assert ids(kind="in_kind") == [] and ids(kind=["in_kind", "skill"]) == [bridge.id, school.id]
    assert ids(region=naryn.id, limit=1) == [bridge.id]
    csv_ids = [row["id"] for row in csv.DictReader(io.StringIO(
        client.get(f"{API}/projects.csv", query_string={"region": naryn.id}).get_data(as_text=True)))]
    assert csv_ids == [str(bridge.id)]


def test_filters_read_the_approved_version_not_an_edit_waiting_for_review(app, client):
    bridge, _school, official = published_world()
    other = db.session.scalar(db.select(Sector).where(Sector.id != bridge.sector_id))
    projects.update_project(official, bridge, title="Secret new title", summary=bridge.summary,
                            description=bridge.description, sector=other, currency="KGS", budget=bridge.budget,
                            lat=None, lon=None, starts_on=bridge.starts_on, ends_on=bridge.ends_on)
    db.session.commit()
    assert client.get(f"{API}/projects", query_string={"sector": other.id}).json["data"] == []
    assert client.get(f"{API}/projects/{bridge.id}").json["title"] == "Bridge over the Naryn river"


def test_conditional_get(app, client, clock):
    bridge, _school, official = published_world()
    first = client.get(f"{API}/projects")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    again = client.get(f"{API}/projects", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(f"{API}/projects", headers={"If-Modified-Since": modified}).status_code == 304
    csv_first = client.get(f"{API}/projects.csv")
    assert client.get(f"{API}/projects.csv", headers={"If-None-Match": csv_first.headers["ETag"]}).status_code == 304

    clock.advance(minutes=5)  # a new confirmation, later: both validators move
    pledge = pledges.pledge_money(make_user(), funds_need(bridge), amount=500_00, currency="KGS",
                                  method="bank_transfer")
    pledges.confirm_pledge(official, pledge, reference="seen")
    db.session.commit()
    changed = client.get(f"{API}/projects", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get(f"{API}/projects", headers={"If-Modified-Since": modified}).status_code == 200


def test_cors_for_every_answer(app, client):
    for path, status in ((f"{API}/regions", 200), (f"{API}/projects/999999", 404), (f"{API}/nowhere", 404),
                         (f"{API}/projects?limit=0", 400)):
        response = client.get(path, headers={"Origin": "https://example.org"})
        assert response.status_code == status
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(f"{API}/projects", headers={"Origin": "https://example.org",
                                                           "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_errors_under_the_api_are_problem_details(app, client):
    for method, path, status in (("GET", f"{API}/projects/999999", 404), ("GET", f"{API}/lsgs/999999", 404),
                                 ("GET", f"{API}/no/such/thing", 404), ("POST", f"{API}/projects", 405),
                                 ("DELETE", f"{API}/regions", 405)):
        response = client.open(path, method=method)
        assert response.status_code == status
        assert response.content_type == "application/problem+json"
        assert response.json["status"] == status and response.json["type"] == "about:blank"
        assert response.json["title"] and response.json["detail"]


def test_rate_limit_answers_429_as_a_problem(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    limiter.reset()
    assert [client.get(f"{API}/sectors").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(f"{API}/regions")  # one limit for the whole API
    assert response.status_code == 429 and response.content_type == "application/problem+json"
    assert response.json["status"] == 429 and response.json["title"] == "Too Many Requests"
    assert response.headers["Access-Control-Allow-Origin"] == "*" and "Retry-After" in response.headers
    limiter.reset()


def test_csv_cells_never_become_formulas(app, client):
    official = make_official()
    make_project(official, title="=HYPERLINK(\"http://evil\")", publish=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"{API}/projects.csv").get_data(as_text=True))))
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil\")"
    response = client.get(f"{API}/regions.csv")
    assert response.content_type.startswith("text/csv") and "attachment" in response.headers["Content-Disposition"]


def test_the_openapi_document_describes_every_route(app, client):
    spec = client.get(f"{API}/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    rules = {re.sub(r"<[^:>]+:(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("api.")}
    assert rules == set(spec["paths"])
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "GET /api/v1/projects/{item_id}" in text and 'id="schema-Project"' in text
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing from another site: no CDN


# ---------------------------------------------------------------- nothing private, nothing unpublished


def _secret_world():
    """The authorization world (drafts, submitted projects, a revision-only need, members with
    names and e-mails), plus a published project whose pending revision has a secret title, and a
    member with a phone number."""
    world = build_world(card_payments=False)
    official = world.users["official_1"]
    revised = make_project(official, official.memberships[0].lsg, title="Visible approved title", publish=True)
    projects.update_project(official, revised, title="SECRET revision title", summary="SECRET summary",
                            description="SECRET description", sector=revised.sector, currency="KGS",
                            budget=revised.budget, lat=None, lon=None, starts_on=revised.starts_on,
                            ends_on=revised.ends_on)
    projects.add_need(official, revised, "in_kind", title="SECRET draft need", item="SECRET item", quantity=3,
                      unit="bags")
    projects.submit_project(official, revised)
    phoned = make_user(name="Phoned Member", email="phoned.member@example.kg")
    profiles.update_profile(phoned, visibility="public", city="Osh", contact_phone="+996 555 123 456")
    moderator = make_user(role=Role.MODERATOR, name="Named Moderator", email="named.moderator@example.kg")
    draft = make_project(official, official.memberships[0].lsg, title="SECRET never published")
    projects.submit_project(official, draft)
    projects.reject_project(moderator, draft, reason="Not eligible")
    db.session.commit()
    return world, revised


def _secrets(world):
    words = {"SECRET", "+996 555 123 456", "Named Moderator", "Phoned Member", "KICB 123", "By truck", "I can come"}
    for user in db.session.scalars(db.select(User)):
        words |= {user.email, user.name}
    for project in db.session.scalars(db.select(Project)):
        if not project.is_public:
            words.add(project.title)
    words.add("Added in the revision")  # the revision-only need of the authorization world
    return {w for w in words if w}


def test_no_endpoint_reaches_anything_private_or_unpublished(app, client):
    world, revised = _secret_world()
    secrets = _secrets(world)
    assert "SECRET" in secrets and "Draft school roof" in secrets and "Member A" in secrets
    project_ids = db.session.scalars(db.select(Project.id)).all()
    lsg_ids = db.session.scalars(db.select(Lsg.id)).all()
    bodies = {}

    def fetch(path):
        response = client.get(path)
        bodies[path] = (response.status_code, response.get_data(as_text=True))
        return response

    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        if "<" not in rule.rule:
            url = rule.rule
            while url:  # every page of a list
                response = fetch(url)
                url = response.json.get("next") if response.content_type == "application/json" \
                    and isinstance(response.json, dict) else None
                if url:
                    url = url.replace("http://localhost", "")
            continue
        ids = project_ids if rule.endpoint == "api.projects_one" else lsg_ids
        for item_id in ids:
            fetch(rule.rule.replace("<id:item_id>", str(item_id)))
    for path, (status, body) in bodies.items():
        assert status in (200, 404), path
        leaked = sorted(word for word in secrets if word in body)
        assert not leaked, f"{path} shows {leaked}"
    for project_id in project_ids:
        project = db.session.get(Project, project_id)
        status, _body = bodies[f"{API}/projects/{project_id}"]
        assert status == (200 if project.is_public else 404), project.title
    assert bodies[f"{API}/projects/{revised.id}"][0] == 200
    assert "Visible approved title" in bodies[f"{API}/projects/{revised.id}"][1]
    assert db.session.scalar(db.select(db.func.count(Pledge.id))) > 0
