"""The projects journey in a real browser, as the issue's "done when" tells it: an official writes a
project through the editor's steps on a 360 px phone (basics, needs, plan, milestones, photos,
review) with a funds need and two skill needs and submits it; a moderator requests changes; the
official fixes it and resubmits; the moderator publishes; a visitor finds it, opens it and sees the
needs, the map and the photo; the official posts an update with a spending line."""
import io
from datetime import date, timedelta

from PIL import Image
from playwright.sync_api import expect

from app.models import Role
from tests.e2e.conftest import log_in
from tests.factories import make_lsg, make_official, make_user


def photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), (70, 130, 200)).save(buffer, "JPEG")
    return buffer.getvalue()



def test_project_from_draft_to_published_with_an_update(live_server, new_page, screenshot):
    official = make_official(make_lsg("KG-N-ATB-01", "At-Bashy ayil okmotu"))
    moderator = make_user(role=Role.MODERATOR, email="moderator@example.kg")
    week = date.today() + timedelta(days=60)

    desk = new_page(phone=True)
    desk.set_viewport_size({"width": 360, "height": 740})
    log_in(desk, live_server, official)
    desk.goto(live_server + "/projects/new")
    desk.get_by_label("Title", exact=True).fill("Surgery week at the At-Bashy hospital")
    desk.get_by_label("Summary").fill("Diaspora surgeons operate for a week.")
    desk.get_by_label("Description").fill("46 patients are waiting for **planned surgery**.")
    desk.get_by_label("Sector").select_option(label="Health")
    desk.get_by_label("Total budget").fill("900 000")
    screenshot(desk, "step-1-basics")
    desk.get_by_role("button", name="Save draft").click()
    expect(desk.get_by_text("The draft is saved.")).to_be_visible()
    steps = desk.locator("nav.steps")
    expect(steps.locator("[aria-current=step]")).to_contain_text("Needs")

    # A need larger than the whole budget: refused, and the error is where the eye is.
    desk.locator("#funds-title").fill("Medicines and travel")
    desk.locator("#funds-target_amount").fill("5000000")
    desk.locator("form[action$='/needs/funds'] button").click()
    expect(desk.locator("#funds-target_amount")).to_be_focused()
    expect(desk.locator("#funds-target_amount-error")).to_be_in_viewport()
    summary = desk.locator("#add-funds .error-summary")
    expect(summary.locator("a[href='#funds-target_amount']")).to_contain_text("more than the whole budget")
    expect(summary).to_be_in_viewport()
    screenshot(desk, "step-2-needs-error")
    desk.locator("#funds-target_amount").fill("500000")
    desk.locator("form[action$='/needs/funds'] button").click()
    expect(desk.get_by_text("The need has been added.")).to_be_visible()
    assert desk.url.endswith("/manage/needs#needs")
    for skill, slots in (("Surgeon", "3"), ("Anaesthetist", "2")):
        desk.locator("#skill-skill").select_option(label=skill)
        desk.locator("#skill-slots").fill(slots)
        desk.locator("#skill-starts_on").fill(week.isoformat())
        desk.locator("#skill-ends_on").fill((week + timedelta(days=6)).isoformat())
        desk.locator("form[action$='/needs/skill'] button").click()
        expect(desk.get_by_text("The need has been added.")).to_be_visible()
    screenshot(desk, "step-2-needs")
    desk.get_by_role("link", name="Next").click()

    expect(steps.locator("[aria-current=step]")).to_contain_text("Co-financing plan")
    desk.locator("#share-source").select_option("lsg")
    desk.locator("#share-planned").fill("400000")
    desk.locator("form[action$='/shares'] button").click()
    desk.locator("#share-source").select_option("diaspora")
    desk.locator("#share-planned").fill("400000")  # 100 000 short of the budget: the last step must say so
    desk.locator("form[action$='/shares'] button").click()
    expect(desk.get_by_text("The share has been added.")).to_be_visible()
    screenshot(desk, "step-3-plan")
    desk.get_by_role("link", name="Next").click()

    expect(steps.locator("[aria-current=step]")).to_contain_text("Milestones")
    desk.locator("#milestone-title").fill("The surgery week")
    desk.locator("#milestone-amount").fill("900000")
    desk.locator("form[action$='/milestones'] button").click()
    desk.locator("#milestone-title").fill("A milestone typed by mistake")
    desk.locator("#milestone-amount").fill("1")
    desk.locator("form[action$='/milestones'] button").click()
    expect(desk.locator(".editor-items strong", has_text="A milestone typed by mistake")).to_be_visible()
    desk.once("dialog", lambda dialog: dialog.accept())  # with JavaScript, Remove asks here
    desk.get_by_role("link", name="Remove A milestone typed by mistake").click()
    expect(desk.get_by_text("Removed.")).to_be_visible()
    expect(desk.locator(".editor-items", has_text="A milestone typed by mistake")).to_have_count(0)
    screenshot(desk, "step-4-milestones")
    desk.get_by_role("link", name="Next").click()

    expect(steps.locator("[aria-current=step]")).to_contain_text("Photos")
    desk.locator("#photo-photo").set_input_files({"name": "hospital.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    desk.locator("#photo-caption").fill("The district hospital")
    desk.locator("form[action$='/photos'] button").click()
    expect(desk.get_by_text("The photo has been added.")).to_be_visible()
    screenshot(desk, "step-5-photos")
    # The confirmation page, as it opens without JavaScript: Cancel goes back and removes nothing.
    desk.goto(live_server + desk.locator("#photos a[data-remove]").get_attribute("href"))
    expect(desk.get_by_role("heading", name="Remove this from the project?")).to_be_visible()
    screenshot(desk, "step-5-confirm-remove")
    desk.get_by_role("link", name="Cancel").click()
    expect(desk.locator("#photos .gallery img")).to_have_count(1)
    desk.get_by_role("link", name="Next").click()

    expect(steps.locator("[aria-current=step]")).to_contain_text("Review and send")
    expect(desk.locator(".problems")).to_contain_text("co-financing shares add up to")
    screenshot(desk, "step-6-review-missing")
    desk.locator(".problems").get_by_role("link", name="co-financing shares add up to").click()
    expect(steps.locator("[aria-current=step]")).to_contain_text("Co-financing plan")
    desk.locator("#share-source").select_option("other")
    desk.locator("#share-label").fill("Hospital budget")
    desk.locator("#share-planned").fill("100000")
    desk.locator("form[action$='/shares'] button").click()
    steps.get_by_role("link", name="Review and send").click()
    screenshot(desk, "step-6-review")
    desk.get_by_role("button", name="Send for review").click()
    expect(desk.get_by_text("Sent for review.")).to_be_visible()
    screenshot(desk, "1-submitted")

    review = new_page()
    log_in(review, live_server, moderator)
    review.goto(live_server + "/moderation/projects")
    review.get_by_role("link", name="Surgery week at the At-Bashy hospital").click()
    review.get_by_label("Decision").select_option("request_changes")
    review.get_by_label("Reason", exact=False).fill("Please add nurses to the skill needs.")
    review.get_by_role("button", name="Save the decision").click()
    expect(review.get_by_text("Decision saved.")).to_be_visible()

    desk.goto(live_server + "/projects/mine")
    desk.get_by_role("link", name="Manage").click()
    expect(desk.get_by_text("Please add nurses to the skill needs.")).to_be_visible()
    desk.locator("nav.steps").get_by_role("link", name="Needs").click()
    desk.locator("#skill-skill").select_option(label="Nurse")
    desk.locator("#skill-slots").fill("4")
    desk.locator("#skill-starts_on").fill(week.isoformat())
    desk.locator("#skill-ends_on").fill((week + timedelta(days=6)).isoformat())
    desk.locator("form[action$='/needs/skill'] button").click()
    desk.locator("nav.steps").get_by_role("link", name="Review and send").click()
    expect(desk.get_by_text("Changed since the last review")).to_be_visible()
    desk.get_by_role("button", name="Send for review").click()
    expect(desk.get_by_text("Sent for review.")).to_be_visible()

    review.goto(live_server + "/moderation/projects")
    review.get_by_role("link", name="Surgery week at the At-Bashy hospital").click()
    expect(review.locator(".changes")).to_contain_text("Nurse")
    review.get_by_label("Decision").select_option("publish")
    review.get_by_label("Reason", exact=False).fill("Hospital letter checked.")
    screenshot(review, "2-review")
    review.get_by_role("button", name="Save the decision").click()
    expect(review.get_by_text("Decision saved.")).to_be_visible()

    visitor = new_page(phone=True)
    visitor.goto(live_server + "/projects/")
    visitor.get_by_role("link", name="Surgery week at the At-Bashy hospital").click()
    expect(visitor.get_by_role("heading", name="Surgeon")).to_be_visible()
    expect(visitor.get_by_role("heading", name="Nurse")).to_be_visible()
    expect(visitor.get_by_text("0 of 3 places filled")).to_be_visible()
    expect(visitor.locator(".map .leaflet-marker-icon")).to_be_visible()
    cover = visitor.locator("figure.cover img")
    expect(cover).to_be_visible()
    assert cover.get_attribute("width") == "800"  # the photo as uploaded, 800 px wide
    # A 390 px phone is sent the 480 px WebP copy (srcset), not the original, and decodes it.
    assert cover.evaluate("img => img.currentSrc").endswith("-480w.webp")
    assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(visitor, "3-public-page")

    desk.goto(live_server + "/projects/mine")
    desk.get_by_role("link", name="Manage").click()
    desk.get_by_role("link", name="Post an update or spending report").click()
    desk.get_by_label("What happened").fill("Medicines are bought.")
    desk.locator("#spending-0-milestone").select_option(label="The surgery week")
    desk.locator("#spending-0-amount").fill("120000")
    desk.locator("#spending-0-purpose").fill("Anaesthesia drugs")
    desk.locator("#spending-0-receipt").set_input_files({"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()})
    desk.get_by_role("button", name="Publish the update").click()
    expect(desk.get_by_text("The update is published on the project page.")).to_be_visible()

    visitor.reload()
    expect(visitor.get_by_text("Anaesthesia drugs")).to_be_visible()
    expect(visitor.get_by_role("link", name="View receipt")).to_be_visible()
    screenshot(visitor, "4-update")
