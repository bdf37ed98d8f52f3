"""Issue 14, "How to hold it": on a 360×740 phone in Kyrgyz, the official's whole editor flow, the
moderator's review and the member's pledge — no page visited overflows sideways, none has a critical or
serious axe-core violation, and after a failed submit the first error is in view; the project page
(no photos) and the home page are light on first load. Screenshots of every step at 360 and 1280 px
go to test-artifacts/.

Each journey is driven by the function below that names it; each check is its own test, which runs
the journey and fails once with every finding (page, rule or element). The helpers, and every
locator that depends on the editor's markup, are in tests/e2e/phone.py."""
from datetime import date, timedelta

from playwright.sync_api import expect

from app.models import NeedKind, Role
from tests.e2e.conftest import log_in
from tests.e2e.phone import (Checks, editor_form, expect_language, expect_saved, page_weight, project_id_from,
                             submit_form)
from tests.factories import make_lsg, make_official, make_project, make_user

PROJECT_PAGE_LIMIT = 100_000  # bytes transferred on the first load of a project page without photos
HOME_PAGE_LIMIT = 60_000


def field(form, name):
    return form.locator(f"[name='{name}']")


def look_if_new(checks, page, step):
    if page.url not in checks.pages:
        checks.look(page, step)


def editor_step(checks, page, base, project_id, selector, step):
    """The editor's form holding `selector`, checked as a page when the editor had to open it."""
    form = editor_form(page, base, project_id, selector)
    look_if_new(checks, page, step)
    return form


# ---------------------------------------------------------------- the three journeys

def editor_journey(checks, phone, base):
    """An official of At-Bashy creates a project (a first try without a budget fails), adds a funds need
    (a first try without the amount fails), a skill need (a first try without dates fails), the
    co-financing plan and a milestone, and sends it for review."""
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"), locale="ky")
    week = date.today() + timedelta(days=60)
    page = phone()
    log_in(page, base, official)
    expect_language(page)

    page.goto(base + "/projects/new")
    checks.look(page, "new-project")
    form = page.locator("main form:has([name='budget'])")
    field(form, "title").fill("Ат-Башы ооруканасында хирургия жумалыгы")
    field(form, "summary").fill("Диаспоранын хирургдары бир жума операция жасашат.")
    field(form, "description").fill("46 бейтап **пландуу операцияны** күтүп жатышат.")
    field(form, "sector").select_option(index=1)
    submit_form(form)  # no budget
    checks.failed_submit(page, "new-project-without-budget")
    form = page.locator("main form:has([name='budget'])")
    field(form, "budget").fill("900 000")
    submit_form(form)
    expect_saved(page)
    project_id = project_id_from(page.url)
    checks.look(page, "draft-saved")

    form = editor_step(checks, page, base, project_id, "[name='funds-title']", "needs")
    field(form, "funds-title").fill("Дары-дармек жана жол кире")
    submit_form(form)  # no amount
    checks.failed_submit(page, "funds-need-without-amount")
    form = editor_step(checks, page, base, project_id, "[name='funds-title']", "needs")
    field(form, "funds-title").fill("Дары-дармек жана жол кире")
    field(form, "funds-target_amount").fill("500000")
    submit_form(form)
    expect_saved(page)
    checks.look(page, "funds-need-added")

    form = editor_step(checks, page, base, project_id, "[name='skill-slots']", "needs")
    field(form, "skill-skill").select_option(index=0)
    field(form, "skill-slots").fill("3")
    submit_form(form)  # no dates
    checks.failed_submit(page, "skill-need-without-dates")
    form = editor_step(checks, page, base, project_id, "[name='skill-slots']", "needs")
    field(form, "skill-skill").select_option(index=0)
    field(form, "skill-slots").fill("3")
    field(form, "skill-starts_on").fill(week.isoformat())
    field(form, "skill-ends_on").fill((week + timedelta(days=6)).isoformat())
    submit_form(form)
    expect_saved(page)
    checks.look(page, "skill-need-added")

    for source, planned in (("lsg", "400000"), ("diaspora", "500000")):
        form = editor_step(checks, page, base, project_id, "[name='share-planned']", "co-financing")
        field(form, "share-source").select_option(source)
        field(form, "share-planned").fill(planned)
        submit_form(form)
        expect_saved(page)
        checks.look(page, f"share-{source}-added")

    form = editor_step(checks, page, base, project_id, "[name='milestone-title']", "milestones")
    field(form, "milestone-title").fill("Хирургия жумалыгы")
    field(form, "milestone-amount").fill("900000")
    submit_form(form)
    expect_saved(page)
    checks.look(page, "milestone-added")

    form = editor_step(checks, page, base, project_id, "form[action$='/submit']", "review-and-submit")
    submit_form(form)
    expect_saved(page)
    checks.look(page, "sent-for-review")


def submitted_project():
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"), locale="ky")
    return make_project(official, title="Нарын дарыясынын үстүндөгү көпүрө", submit=True)


def moderator_journey(checks, phone, base):
    """A moderator opens the queue, opens the submitted project's review page, tries to decide without a
    reason (fails), then publishes it."""
    project = submitted_project()
    moderator = make_user(role=Role.MODERATOR, email="moderator@example.kg", locale="ky")
    page = phone()
    log_in(page, base, moderator)
    expect_language(page)
    page.goto(base + "/moderation/projects")
    checks.look(page, "queue")
    page.locator("main").get_by_role("link", name=project.title).first.click()
    page.wait_for_load_state("load")
    checks.look(page, "review-page")
    form = page.locator("main form:has([name='decision'])")
    field(form, "decision").select_option("publish")
    submit_form(form)  # no reason
    checks.failed_submit(page, "decision-without-reason")
    form = page.locator("main form:has([name='decision'])")
    field(form, "decision").select_option("publish")
    field(form, "reason").fill("Айыл өкмөтүнүн каты текшерилди.")
    submit_form(form)
    expect_saved(page)
    checks.look(page, "decided")
    page.goto(f"{base}/projects/{project.id}")
    expect(page.locator("main h1")).to_contain_text(project.title)
    checks.look(page, "published-project")


def pledge_journey(checks, phone, base):
    """A member opens a published project, opens the money need's pledge form, tries without an amount
    (fails), then pledges 5 000 som in cash at the LSG's office."""
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"), locale="ky")
    project = make_project(official, title="Нарын дарыясынын үстүндөгү көпүрө", publish=True)
    funds = next(need for need in project.needs if need.kind == NeedKind.FUNDS)
    member = make_user(name="Айбек Жумабеков", email="aibek@example.kg", locale="ky")
    page = phone()
    log_in(page, base, member)
    expect_language(page)
    page.goto(f"{base}/projects/{project.id}")
    checks.look(page, "project-page")
    page.locator(f"main a[href$='/pledges/needs/{funds.id}']").first.click()
    page.wait_for_load_state("load")
    checks.look(page, "pledge-form")
    form = page.locator("main form:has([name='amount'])")
    submit_form(form)  # no amount
    checks.failed_submit(page, "pledge-without-amount")
    form = page.locator("main form:has([name='amount'])")
    field(form, "amount").fill("5000")
    field(form, "method").select_option("cash")
    submit_form(form)
    expect_saved(page)
    checks.look(page, "pledge-recorded")
    page.goto(f"{base}/projects/{project.id}")
    checks.look(page, "project-page-after-pledge")


# ---------------------------------------------------------------- the checks, one test each

def test_editor_flow_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-editor", "overflow", "shots")
    editor_journey(checks, phone, live_server)
    checks.assert_clean()


def test_editor_flow_at_360px_has_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-editor", "axe")
    editor_journey(checks, phone, live_server)
    checks.assert_clean()


def test_editor_failed_submits_show_the_first_error_in_the_viewport(live_server, phone):
    checks = Checks("phone-editor", "errors")
    editor_journey(checks, phone, live_server)
    checks.assert_clean()


def test_moderator_review_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-review", "overflow", "shots")
    moderator_journey(checks, phone, live_server)
    checks.assert_clean()


def test_moderator_review_at_360px_has_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-review", "axe")
    moderator_journey(checks, phone, live_server)
    checks.assert_clean()


def test_moderator_failed_decision_shows_the_first_error_in_the_viewport(live_server, phone):
    checks = Checks("phone-review", "errors")
    moderator_journey(checks, phone, live_server)
    checks.assert_clean()


def test_member_pledge_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-pledge", "overflow", "shots")
    pledge_journey(checks, phone, live_server)
    checks.assert_clean()


def test_member_pledge_at_360px_has_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-pledge", "axe")
    pledge_journey(checks, phone, live_server)
    checks.assert_clean()


def test_member_failed_pledge_shows_the_first_error_in_the_viewport(live_server, phone):
    checks = Checks("phone-pledge", "errors")
    pledge_journey(checks, phone, live_server)
    checks.assert_clean()


# ---------------------------------------------------------------- page weight, first load, empty cache

def report_weight(name, total, items, limit):
    print(f"\n{name}: {total} bytes transferred in {len(items)} responses (limit {limit})")
    for size, url in items:
        print(f"  {size:>8}  {url}")


def test_project_page_without_photos_weighs_at_most_100_kb_on_first_load(live_server, phone):
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"))
    project = make_project(official, publish=True)
    assert not project.photos
    total, items = page_weight(phone(), f"{live_server}/projects/{project.id}")
    report_weight("project page", total, items, PROJECT_PAGE_LIMIT)
    assert total <= PROJECT_PAGE_LIMIT, f"the project page transfers {total} bytes: {items[:5]}"


def test_home_page_weighs_at_most_60_kb_on_first_load(live_server, phone):
    official = make_official(make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү"))
    make_project(official, publish=True)
    total, items = page_weight(phone(), live_server + "/")
    report_weight("home page", total, items, HOME_PAGE_LIMIT)
    assert total <= HOME_PAGE_LIMIT, f"the home page transfers {total} bytes: {items[:5]}"
