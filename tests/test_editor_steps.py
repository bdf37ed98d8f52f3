"""The officials' editor as steps on a phone: checks where the value is entered, errors that can be
seen (a summary linking to each field, the first one focused), removal asked before it happens."""
import re
from datetime import date
from decimal import Decimal

import pytest

from app.errors import InvalidInput
from app.extensions import db
from app.models import Need, Role, Skill
from app.money import format_money
from app.services import pledges as pledge_service
from app.services import projects as service
from tests.factories import make_official, make_project, make_user


def surgeon():
    return db.session.scalar(db.select(db.text("id FROM skills WHERE code = 'surgeon'")))


# ---------------------------------------------------------------- checks that came too late (regressions)


def test_a_funds_need_larger_than_the_whole_budget_is_refused_on_its_amount(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)
    with pytest.raises(InvalidInput) as refused:
        service.add_need(official, project, "funds", title="Steel", target_amount=100_000_01, currency="KGS")
    # The message names the budget it compares with (in the default language: no request here).
    assert refused.value.field == "target_amount" and format_money(100_000_00, "KGS") in refused.value.message
    assert service.add_need(official, project, "funds", title="Steel", target_amount=100_000_00, currency="KGS")


def test_a_funds_need_in_another_currency_is_converted_before_it_is_compared(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)  # 100 000 KGS
    pledge_service.set_rate(make_user(role=Role.ADMIN), "USD", Decimal("87.45"))
    with pytest.raises(InvalidInput) as refused:  # 1 200 USD = 104 940 KGS
        service.add_need(official, project, "funds", title="Steel", target_amount=1_200_00, currency="USD")
    assert refused.value.field == "target_amount"
    assert service.add_need(official, project, "funds", title="Steel", target_amount=1_000_00, currency="USD")


def test_a_funds_need_in_a_currency_without_a_rate_is_not_compared(app):
    official = make_official()
    project = make_project(official, complete=False, budget=100_000_00)
    need = service.add_need(official, project, "funds", title="Steel", target_amount=5_000_00, currency="EUR")
    assert need.currency == "EUR"


@pytest.mark.parametrize("window, field", [
    ((date(2027, 3, 25), date(2027, 4, 5)), "starts_on"),   # the project starts on 1 April 2027
    ((date(2027, 9, 25), date(2027, 10, 5)), "ends_on"),    # and ends on 30 September 2027
])
def test_a_skill_window_outside_the_projects_dates_is_refused_on_its_date(app, window, field):
    official = make_official()
    project = make_project(official, complete=False)
    with pytest.raises(InvalidInput) as refused:
        service.add_need(official, project, "skill", skill=db.session.get(Skill, surgeon()), slots=1,
                         starts_on=window[0], ends_on=window[1])
    assert refused.value.field == field
    assert db.session.scalar(db.select(db.func.count(Need.id))) == 0



# ---------------------------------------------------------------- the steps


def autofocused_ids(page):
    return re.findall(r'<[^>]*\bautofocus\b[^>]*\bid="([^"]+)"|<[^>]*\bid="([^"]+)"[^>]*\bautofocus\b', page)


def focused(page):
    return [a or b for a, b in autofocused_ids(page)]


@pytest.mark.parametrize("path, current, back, forward", [
    ("/edit", "Basics", None, "/manage/needs"),
    ("/manage/needs", "Needs", "/edit", "/manage/plan"),
    ("/manage/plan", "Co-financing plan", "/manage/needs", "/manage/milestones"),
    ("/manage/milestones", "Milestones", "/manage/plan", "/manage/photos"),
    ("/manage/photos", "Photos", "/manage/milestones", "/manage"),
    ("/manage", "Review and send", "/manage/photos", None),
])
def test_each_step_is_a_page_with_its_place_in_the_steps(client, login_as, path, current, back, forward):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    base = f"/projects/{project.id}"
    page = client.get(base + path).get_data(as_text=True)
    steps = page[page.index('<nav class="steps"'):page.index("</nav>", page.index('<nav class="steps"'))]
    assert steps.count("<li") == 6 and "<ol>" in steps
    (marked,) = re.findall(r'<a href="([^"]+)" aria-current="step">\s*<span[^>]*>\d</span>\s*<span class="step-name">([^<]+)<', steps)
    assert marked == (base + path, current)
    assert ('rel="prev"' in page) == bool(back) and ('rel="next"' in page) == bool(forward)
    if back:
        assert f'href="{base}{back}" rel="prev"' in page
    if forward:
        assert f'href="{base}{forward}" rel="next"' in page


def test_the_marks_say_which_steps_miss_something(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    service.add_need(official, project, "in_kind", item="Cement", quantity=40)
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    states = dict(re.findall(r'class="step step-(\w+)[^"]*">\s*<a[^>]*>\s*<span[^>]*>\d</span>\s*'
                             r'<span class="step-name">([^<]+)<', page)[i][::-1] for i in range(6))
    assert states == {"Basics": "done", "Needs": "done", "Co-financing plan": "missing",
                      "Milestones": "missing", "Photos": "optional", "Review and send": "missing"}


def test_the_last_step_lists_what_is_missing_with_a_link_to_the_step_that_fixes_it(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    project.summary = ""
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    problems = page[page.index('<ul class="problems">'):]
    problems = problems[:problems.index("</ul>")]
    base = f"/projects/{project.id}"
    assert f'<a href="{base}/edit#basics">Write a short summary.</a>' in problems
    assert f'<a href="{base}/manage/needs#needs">Add at least one need.</a>' in problems
    assert f'href="{base}/manage/plan#shares">The co-financing shares add up to' in problems
    assert f'href="{base}/manage/milestones#milestones">The milestones add up to' in problems
    assert "Send for review" in page and 'action="' + base + '/submit"' not in page


def test_the_old_editor_url_still_opens_the_editor(client, login_as):
    official = login_as(make_official())
    project = make_project(official)
    page = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert f'action="/projects/{project.id}/submit"' in page and "Everything needed is there." in page


# ---------------------------------------------------------------- errors the user can see


def test_a_refused_need_comes_back_on_its_step_with_a_summary_linking_to_the_field(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False, budget=100_000_00)
    response = client.post(f"/projects/{project.id}/needs/funds", data={
        "funds-title": "Steel", "funds-target_amount": "150 000", "funds-currency": "KGS"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert '<a href="#funds-target_amount">Amount needed: This is more than the whole budget of the project' in summary
    # At the top of the form that was sent, above its first field.
    assert page.index('id="add-funds"') < page.index('class="error-summary"') < page.index('id="funds-title"')
    assert focused(page) == ["funds-target_amount"]
    field = re.search(r'<input[^>]*id="funds-target_amount"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in field and "funds-target_amount-error" in field
    assert 'id="funds-target_amount-error"' in page
    assert db.session.scalar(db.select(db.func.count(Need.id))) == 0


def test_a_skill_window_outside_the_project_is_refused_on_its_date_field(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)  # 1 April – 30 September 2027
    response = client.post(f"/projects/{project.id}/needs/skill", data={
        "skill-skill": surgeon(), "skill-slots": "2", "skill-starts_on": "2027-09-20",
        "skill-ends_on": "2027-10-10", "skill-on_site": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#skill-ends_on">To: The project ends on' in page
    assert focused(page) == ["skill-ends_on"]


def test_several_errors_are_all_listed_and_the_first_field_of_the_page_is_focused(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    response = client.post(f"/projects/{project.id}/needs/skill", data={
        "skill-skill": surgeon(), "skill-slots": "0", "skill-on_site": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    links = re.findall(r'<li><a href="#([\w-]+)">', page[page.index('class="error-summary"'):])
    assert links[:3] == ["skill-slots", "skill-starts_on", "skill-ends_on"]
    assert "Please correct these 3 things:" in page
    assert focused(page) == ["skill-slots"]


def test_the_basics_step_summarises_its_errors_too(client, login_as):
    official = login_as(make_official())
    response = client.post("/projects/new", data={
        "lsg": official.memberships[0].lsg.id, "title": "", "budget": "lots", "currency": "KGS", "sector": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#title">Title: This field is required.</a>' in page and '<a href="#budget">' in page
    assert focused(page) == ["title"]


def test_after_a_successful_add_the_page_returns_to_the_section_worked_on(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    base = f"/projects/{project.id}"
    sent = [
        ("/needs/in-kind", {"inkind-item": "Cement", "inkind-quantity": "40"}, "/manage/needs#needs"),
        ("/shares", {"share-source": "lsg", "share-planned": "100"}, "/manage/plan#shares"),
        ("/milestones", {"milestone-title": "Roof", "milestone-amount": "100"}, "/manage/milestones#milestones"),
        ("/overfunding", {"allowed": "1"}, "/manage#submit"),
    ]
    for url, data, target in sent:
        response = client.post(base + url, data=data)
        assert response.status_code == 302 and response.headers["Location"] == base + target, url
    for path, section in (("/manage/needs", "needs"), ("/manage/plan", "shares"),
                          ("/manage/milestones", "milestones"), ("/manage/photos", "photos"), ("/manage", "submit")):
        assert f'id="{section}"' in client.get(base + path).get_data(as_text=True)
    share = project.shares[0]
    response = client.post(f"{base}/shares/{share.id}/delete")
    assert response.headers["Location"] == base + "/manage/plan#shares"
    response = client.post(f"{base}/edit", data={"lsg": project.lsg_id, "title": "New roof", "sector": "0",
                                                  "currency": "KGS", "budget": "1 000"})
    assert response.headers["Location"] == base + "/manage/needs"


# ---------------------------------------------------------------- remove asks first


@pytest.mark.parametrize("collection, step", [
    ("needs", "/manage/needs#needs"), ("shares", "/manage/plan#shares"),
    ("milestones", "/manage/milestones#milestones"), ("photos", "/manage/photos#photos")])
def test_remove_leads_to_a_confirmation_page_and_only_its_form_removes(client, login_as, collection, step):
    official = login_as(make_official())
    project = make_project(official, photos=1)
    base = f"/projects/{project.id}"
    item = getattr(project, collection)[0]
    model, item_id = type(item), item.id
    delete = f"{base}/{collection}/{item.id}/delete"
    step_page = client.get(base + step.split("#")[0]).get_data(as_text=True)
    assert f'href="{delete}"' in step_page  # a link: without JavaScript it opens the confirmation

    page = client.get(delete)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Remove this from the project?" in text
    assert f'<form method="post" action="{delete}"' in text and f'href="{base}{step}"' in text
    shown = {"needs": item.label if collection == "needs" else None, "shares": "The LSG's own funds",
             "milestones": getattr(item, "title", None), "photos": getattr(item, "filename", None)}[collection]
    assert shown in text
    db.session.expire_all()
    assert db.session.get(model, item_id) is not None  # the GET removed nothing

    response = client.post(delete)
    assert response.status_code == 302 and response.headers["Location"] == base + step
    db.session.expire_all()
    assert db.session.get(model, item_id) is None


def test_the_confirmation_page_of_another_projects_item_is_not_found(client, login_as):
    official = login_as(make_official())
    mine = make_project(official)
    other = make_project(make_official(), title="Somebody else's")
    assert client.get(f"/projects/{mine.id}/shares/{other.shares[0].id}/delete").status_code == 404
