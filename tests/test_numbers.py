""""Birge in numbers" (issue 12, section 4): public projects and counted money only, totals and by
region equal to the rows, a marker map with clustering loaded on this page alone, bar charts as SVG
with their figures in a table too, and a footer link on every page."""
import re
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.ledger import convert
from app.models import (
    COUNTED_STATUSES, PUBLIC_STATUSES, District, Municipality, NeedKind, Pledge, PledgeKind, PledgeStatus, Project,
    Region, Role,
)
from app.services import pledges, projects
from app.services.numbers import birge_in_numbers
from tests.factories import make_lsg, make_official, make_project, make_user


def _need(project, kind):
    return next(n for n in project.needs if n.kind == kind)


@pytest.fixture
def towns(app):
    admin = make_user(role=Role.ADMIN)
    pledges.set_rate(admin, "USD", Decimal("87.45"))
    moderator = make_user(role=Role.MODERATOR)
    naryn = make_official(make_lsg("KG-N-ATB-01", "At-Bashy"))
    naryn_2 = make_official(make_lsg("KG-N-KOC-01", "Kochkor"))
    osh = make_official(make_lsg("KG-O-NOO-01", "Nookat"))
    member, other = make_user(), make_user()
    bridge = make_project(naryn, title="Naryn bridge", publish=True)
    road = make_project(naryn_2, title="Kochkor road", publish=True)
    school = make_project(osh, title="Osh school", publish=True)
    make_project(naryn, title="Secret draft roof")
    make_project(osh, title="Submitted clinic waiting", submit=True)
    taken_down = make_project(naryn_2, title="Taken down canal", publish=True)
    on_hold = pledges.pledge_money(member, _need(taken_down, NeedKind.FUNDS), amount=9_000_00, currency="KGS",
                                   method="cash")
    pledges.confirm_pledge(naryn_2, on_hold, reference="cash book")
    projects.unpublish_project(moderator, taken_down, reason="Documents in doubt")
    # A published project's new title waits for review: the public keeps the approved one.
    projects.update_project(osh, school, title="Renamed school waiting for review", currency="KGS",
                            budget=school.budget, lat=None, lon=None, starts_on=school.starts_on,
                            ends_on=school.ends_on, summary=school.summary, description=school.description,
                            sector=school.sector)
    projects.submit_project(osh, school)

    for pledge, official in (
        (pledges.pledge_money(member, _need(bridge, NeedKind.FUNDS), amount=40_000_00, currency="KGS",
                              method="bank_transfer"), naryn),
        (pledges.pledge_money(other, _need(road, NeedKind.FUNDS), amount=200_00, currency="USD",
                              method="mobile_wallet"), naryn_2),
    ):
        pledges.confirm_pledge(official, pledge, reference="seen")
    pledges.pledge_money(other, _need(bridge, NeedKind.FUNDS), amount=5_000_00, currency="KGS", method="cash")
    offer = pledges.offer_skill(member, _need(school, NeedKind.SKILL), starts_on=date(2027, 5, 11),
                                ends_on=date(2027, 5, 12))
    pledges.accept_offer(osh, offer)
    pledges.offer_skill(other, _need(bridge, NeedKind.SKILL), starts_on=date(2027, 5, 11), ends_on=date(2027, 5, 12))
    db.session.commit()
    return {"bridge": bridge, "road": road, "school": school}


def _region(project):
    return db.session.get(District, db.session.get(Municipality, project.municipality_id).district_id).region_id


def direct(region_id=None):
    """The figures straight from the rows: public projects, counted money in som, accepted places, LSGs."""
    public = [p for p in db.session.scalars(db.select(Project)) if p.status in PUBLIC_STATUSES
              and (region_id is None or _region(p) == region_id)]
    ids = {p.id for p in public}
    counted = [p for p in db.session.scalars(db.select(Pledge)) if p.project_id in ids]
    money = sum(convert(p.converted_amount, p.need.currency, "KGS")[0] for p in counted
                if p.kind == PledgeKind.FUNDS and p.status in COUNTED_STATUSES)
    places = sum(1 for p in counted if p.kind == PledgeKind.SKILL and p.status == PledgeStatus.ACCEPTED)
    return len(public), money, places, len({p.lsg_id for p in public})


def test_the_figures_equal_the_rows(towns):
    numbers = birge_in_numbers()
    total = numbers.total
    assert (total.projects, total.money, total.places, total.lsgs) == direct()
    assert direct() == (3, 40_000_00 + convert(200_00, "USD", "KGS")[0], 1, 3)  # not the canal taken down
    assert sorted(r.region.id for r in numbers.regions) == sorted(db.session.scalars(db.select(Region.id)))
    for row in numbers.regions:
        f = row.figures
        assert (f.projects, f.money, f.places, f.lsgs) == direct(row.region.id), row.region.name_en
    assert sum(r.figures.money for r in numbers.regions) == total.money
    assert sorted(m.project_id for m in numbers.markers) == sorted(p.id for p in towns.values())


def test_the_page_shows_no_unpublished_project(towns, client):
    page = client.get("/numbers/").get_data(as_text=True)
    for title in ("Naryn bridge", "Kochkor road", "Osh school"):
        assert title in page
    for hidden in ("Secret draft roof", "Submitted clinic waiting", "Taken down canal", "Renamed school"):
        assert hidden not in page
    links = set(re.findall(r'href="/projects/(\d+)"', page))
    assert links == {str(p.id) for p in towns.values()}
    for number in links:
        assert client.get(f"/projects/{number}").status_code == 200


def test_charts_are_svg_with_title_description_and_a_table(towns, client):
    page = client.get("/numbers/").get_data(as_text=True)
    charts = re.findall(r"<svg[^>]*role=\"img\"[^>]*>.*?</svg>", page, re.S)
    assert len(charts) == 2
    for chart in charts:
        assert "<title id=" in chart and "<desc id=" in chart
        assert chart.count("<rect") == db.session.scalar(db.select(db.func.count(Region.id)))
    assert "<table" in page and "Naryn" in page
    assert "cdn" not in page.lower()


def test_clustering_loads_on_this_page_and_nowhere_else(towns, client):
    page = client.get("/numbers/").get_data(as_text=True)
    for asset in ("vendor/leaflet.markercluster/leaflet.markercluster.js", "vendor/leaflet.markercluster/MarkerCluster.css",
                  "vendor/leaflet.markercluster/MarkerCluster.Default.css", "vendor/leaflet/leaflet.js",
                  "js/numbers-map.js"):
        url = re.search(rf'"(/static/{re.escape(asset)}\?v=[^"]+)"', page)
        assert url, asset
        assert client.get(url.group(1)).status_code == 200
    for path in ("/", f"/projects/{towns['bridge'].id}", "/search/", "/decisions"):
        other = client.get(path).get_data(as_text=True)
        assert "markercluster" not in other and "numbers-map" not in other, path
        assert 'href="/numbers/"' in other, path  # the footer link


def test_money_waiting_for_confirmation_is_not_counted(towns, client):
    before = birge_in_numbers().total.money
    pledges.pledge_money(make_user(), _need(towns["road"], NeedKind.FUNDS), amount=1_000_00, currency="KGS",
                         method="cash")
    db.session.commit()
    assert birge_in_numbers().total.money == before


def test_an_empty_birge_has_a_page_too(app, client):
    page = client.get("/numbers/")
    assert page.status_code == 200
    assert "0 projects are listed below" in page.get_data(as_text=True)
