"""Issue 11, section 2, in the browser: on a 360 px phone in Kyrgyz a visitor follows a village from a
project page (sent to log in, brought back), sees it on "What I follow"; a project there posts an
update and a week later the digest arrives, grouped by project. Every page is checked for sideways
overflow and critical or serious axe-core violations."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.services import projects
from app.worker import drain
from tests.e2e.phone import Checks
from tests.factories import PASSWORD, make_lsg, make_official, make_project, make_user


@pytest.fixture
def app_overrides(mailbox):
    return {"WTF_CSRF_ENABLED": True, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port,
            "PUBLIC_URL": "https://birge.example/"}


def test_a_visitor_follows_a_village_and_the_weekly_digest_arrives(live_server, phone, mailbox, clock):
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"))
    bridge = make_project(official, title="Нарын дарыясынын көпүрөсү", publish=True)
    school = make_project(official, title="Мектептин чатыры", publish=True)
    member = make_user(locale="ky")
    drain()  # what setting the projects up told the official goes out before the journey
    mailbox.reset()
    checks = Checks("follows", "overflow", "axe")
    page = phone()

    page.goto(f"{live_server}/projects/{bridge.id}")
    checks.look(page, "project-as-visitor")
    village = bridge.municipality_id
    page.locator(f"a.follow-button[href*='next=/projects/{bridge.id}']").first.click()
    checks.look(page, "login")
    page.locator("#email").fill(member.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/projects/{bridge.id}")  # back where they were
    page.locator(f"form[action='/following/municipality/{village}'] button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"form[action='/following/municipality/{village}/unfollow'] button")).to_be_visible()
    checks.look(page, "project-followed")
    page.goto(f"{live_server}/following/")
    expect(page.locator(".followed")).to_have_count(1)
    checks.look(page, "what-i-follow")

    clock.advance(days=1)
    projects.post_update(official, school, body="Чатырдын жыгачтары келди.")
    clock.advance(hours=1)
    projects.post_update(official, bridge, body="Пайдубал куюлду.")
    db.session.commit()
    drain()
    assert mailbox.messages == []  # the member's updates wait for the digest
    clock.advance(days=6)
    drain()
    assert len(mailbox.messages) == 1
    body = mailbox.messages[0].get_content()
    assert body.index("Нарын дарыясынын көпүрөсү") < body.index("Пайдубал куюлду") \
        < body.index("Мектептин чатыры") < body.index("Чатырдын жыгачтары келди")
    checks.assert_clean()
