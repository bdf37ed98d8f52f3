"""Issue 12, section 4, in the browser: "Birge in numbers" on a 360 px phone in Kyrgyz — the map
turns the page's list of projects into markers, the three projects of one village into one cluster
that opens into its markers; the page has no script error, no sideways overflow and no critical or
serious axe violation, with the map and after it."""
from playwright.sync_api import expect

from app.extensions import db
from tests.e2e.phone import Checks
from tests.factories import make_lsg, make_official, make_project


def test_the_public_map_clusters_the_projects_of_a_village(live_server, phone):
    at_bashy = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"))
    for title in ("Көпүрө", "Мектептин чатыры", "Суу түтүгү"):
        make_project(at_bashy, title=title, publish=True)
    make_project(make_official(make_lsg("KG-O-NOO-01", "Ноокат")), title="Ноокат мектеби", publish=True)
    make_project(at_bashy, title="Жашыруун долбоор")  # a draft: neither listed nor on the map
    db.session.commit()
    checks = Checks("numbers", "overflow", "axe", "shots")
    page = phone()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server}/numbers/")
    expect(page.locator(".cluster-map.leaflet-container")).to_be_visible()
    cluster = page.locator(".marker-cluster")
    expect(cluster.first).to_be_visible()
    expect(page.locator(".marker-cluster span", has_text="3")).to_have_count(1)
    checks.look(page, "numbers")
    assert page.locator("[data-map-points] li").count() == 4
    assert "Жашыруун" not in page.content()

    page.locator(".marker-cluster", has_text="3").click()
    expect(page.locator(".leaflet-marker-icon:not(.marker-cluster)")).to_have_count(4, timeout=10000)
    checks.look(page, "numbers-cluster-opened")
    assert errors == []
    checks.assert_clean()
