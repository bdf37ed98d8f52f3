"""The moderator reviews a resubmitted project from one page, on a 360 px phone and on a desktop:
the whole submission is there, the changed words are marked, nothing runs off the side, and no
decision is taken for them."""
import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role
from app.services import projects as service
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.factories import make_official, make_project, make_user

FIELDS = ("title", "summary", "description", "sector", "currency", "budget", "lat", "lon", "starts_on", "ends_on")


def resubmitted_project():
    official = make_official()
    moderator = make_user(role=Role.MODERATOR, email="moderator@example.kg")
    project = make_project(official, photos=2, submit=True)
    service.request_changes(moderator, project, reason="Say who builds the piers.")
    fields = {name: getattr(project, name) for name in FIELDS}
    service.update_project(official, project, **{
        **fields, "title": "Footbridge over the Naryn river at At-Bashy",
        "description": "The old wooden bridge was **washed away** in the 2024 spring flood.\n\n"
                       "The district engineer drew the new one; *villagers* build the piers."})
    foundations = next(m for m in project.milestones if m.title == "Foundations")
    service.remove_milestone(official, project, foundations.id)
    service.add_milestone(official, project, title="Piers and foundations", amount=foundations.amount)
    service.add_need(official, project, "in_kind", title="Cement", item="Cement M400", quantity=40, unit="bags")
    service.submit_project(official, project)
    db.session.commit()
    return project, moderator


def overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_moderator_reviews_from_one_page(live_server, browser, width):
    project, moderator = resubmitted_project()
    context = browser.new_context(viewport={"width": width, "height": 740 if width == 360 else 900},
                                  is_mobile=width == 360, has_touch=width == 360)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        log_in(page, live_server, moderator)
        ARTIFACTS.mkdir(exist_ok=True)

        page.goto(f"{live_server}/moderation/projects")
        assert overflow(page) <= 0
        page.screenshot(path=str(ARTIFACTS / f"moderation-queue-{width}.png"), full_page=True)

        page.goto(f"{live_server}/moderation/projects/{project.id}")
        changes = page.locator(".changes")
        expect(changes.locator("ins.diff-ins").first).to_be_visible()
        expect(changes.locator("ins.diff-ins", has_text="Footbridge")).to_be_visible()
        expect(changes.locator("del.diff-del", has_text="Bridge")).to_be_visible()
        expect(changes).to_contain_text("Piers and foundations")
        submission = page.locator(".submission")
        expect(submission.locator("strong", has_text="washed away")).to_be_visible()
        expect(submission).to_contain_text("Civil engineer")
        expect(submission).to_contain_text("Cement M400")
        expect(submission).to_contain_text("Deck and railings")
        photos = submission.locator(".review-photos img")
        expect(photos).to_have_count(2)
        for n in range(2):
            photos.nth(n).scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photos.nth(n).element_handle())
        assert overflow(page) <= 0
        page.screenshot(path=str(ARTIFACTS / f"moderation-review-{width}.png"), full_page=True)

        expect(page.get_by_label("Decision")).to_have_value("")
        page.get_by_label("Reason", exact=False).fill("Looks complete.")
        page.get_by_role("button", name="Save the decision").click()
        expect(page.get_by_text("Choose a decision.").first).to_be_visible()
        assert overflow(page) <= 0

        page.goto(f"{live_server}/moderation/audit")
        assert overflow(page) <= 0
        page.screenshot(path=str(ARTIFACTS / f"moderation-audit-{width}.png"), full_page=True)
    finally:
        context.close()
