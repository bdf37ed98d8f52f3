"""Issue 12, section 5, in the browser: the home page on a 360 px phone in Kyrgyz, on a fresh site and
on a busy one (urgent and nearly funded projects, updates with photos, totals); its search box takes
a visitor to the search page with their words and region. Each page is checked for sideways
overflow and critical or serious axe-core violations; screenshots at 360 and 1280 px."""
from datetime import date

from playwright.sync_api import expect

from app.extensions import db
from app.models import Region
from tests.e2e.phone import Checks
from tests.factories import make_user
from tests.test_home import TODAY, give, post, published, take_place


def test_the_home_page_on_a_phone_fresh_then_busy(live_server, phone, clock):
    clock.set(TODAY)
    checks = Checks("home", "overflow", "axe", "shots")
    page = phone()
    page.goto(f"{live_server}/")
    expect(page.locator(".home-empty")).to_be_visible()
    checks.look(page, "fresh-site")

    member = make_user()
    for n, amount in enumerate((4_500_00, 3_800_00, 1_000_00, 0, 0)):
        project = published(f"Долбоор номер {n}: мектептин жылуулук системасы", starts_on=date(2027, 2, 1 + n),
                            skill_on=date(2027, 3, 1 + n))
        if amount:
            give(member, project, amount)
        if n < 2:
            take_place(make_user(), project)
        post(project, f"Жумуш жүрүп жатат: **{n + 1}-жума**. Пайдубал куюлду, дубалдар көтөрүлүп жатат.")
    page.goto(f"{live_server}/")
    expect(page.locator("#nearly-heading")).to_be_visible()
    expect(page.locator("#urgent-heading")).to_be_visible()
    expect(page.locator("section[aria-labelledby=updates-heading] img")).to_have_count(4)
    # The photos load lazily: load them all now for the screenshots (a second at most).
    page.evaluate("""async () => Promise.race([new Promise(done => setTimeout(done, 1000)),
        Promise.all([...document.images].map(image => { image.loading = "eager"; return image.complete
            ? null : new Promise(done => { image.onload = image.onerror = done; }); }))])""")
    checks.look(page, "busy-site")

    naryn = db.session.scalar(db.select(Region).filter_by(code="KG-N"))
    page.locator("#region").select_option(str(naryn.id))
    page.locator("#q").fill("мектеп")
    page.locator("#q").press("Enter")
    expect(page).to_have_url(f"{live_server}/search/?q=%D0%BC%D0%B5%D0%BA%D1%82%D0%B5%D0%BF&region={naryn.id}")
    checks.assert_clean()
