"""The moderator's review page: the whole submission, what changed word by word, no decision chosen for them."""
import re

from app.extensions import db
from app.models import AuditEvent, ProjectStatus, Role
from app.services import projects as service
from tests.factories import make_official, make_project, make_user


def review_events(project):
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
        target_type="projects", target_id=project.id))


def test_no_decision_is_chosen_for_the_moderator(client, login_as):
    project = make_project(make_official(), submit=True)
    login_as(make_user(role=Role.MODERATOR))
    page = client.get(f"/moderation/projects/{project.id}").get_data(as_text=True)
    options = re.findall(r"<option([^>]*)>([^<]*)", page)
    assert options[0][1] == "Choose a decision" and 'value=""' in options[0][0]
    assert [text for attributes, text in options if "selected" in attributes] in ([], ["Choose a decision"])


def test_an_empty_decision_is_refused_and_changes_nothing(client, login_as):
    project = make_project(make_official(), submit=True)
    login_as(make_user(role=Role.MODERATOR))
    before = review_events(project)
    response = client.post(f"/moderation/projects/{project.id}", data={"decision": "", "reason": "Looks fine"})
    assert response.status_code == 422
    assert "Choose a decision." in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == ProjectStatus.SUBMITTED and project.review_reason is None
    assert review_events(project) == before


def test_an_empty_bulk_decision_is_refused_and_changes_nothing(client, login_as):
    project = make_project(make_official(), submit=True)
    login_as(make_user(role=Role.MODERATOR))
    response = client.post("/moderation/projects/bulk", data={"project_ids": [project.id], "decision": "",
                                                             "reason": "Batch"}, follow_redirects=True)
    assert "Choose a decision." in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == ProjectStatus.SUBMITTED


def test_a_first_review_shows_the_whole_submission_rendered(client, login_as):
    official = make_official()
    project = make_project(official, photos=2)
    service.add_need(official, project, "in_kind", title="Cement", item="Portland cement M400", quantity=40, unit="bags")
    lsg_share = next(s for s in project.shares if s.source.value == "lsg")
    service.remove_share(official, project, lsg_share.id)
    service.add_share(official, project, source="lsg", planned=lsg_share.planned // 2)
    service.add_share(official, project, source="programme", label="DAR 1+3", planned=lsg_share.planned // 2,
                      conditional=True, condition="when the diaspora share is complete")
    service.submit_project(official, project)
    db.session.commit()
    login_as(make_user(role=Role.MODERATOR))
    page = client.get(f"/moderation/projects/{project.id}").get_data(as_text=True)
    assert "First review: everything is new." in page
    assert "The old bridge was <strong>washed away</strong> in 2024." in page  # Markdown rendered
    assert "**washed away**" not in page
    assert "A new footbridge so children reach school in spring floods." in page
    assert "Roads and bridges" in page and "Apr 1, 2027" in page and "Sep 30, 2027" in page
    assert "Steel and concrete" in page and "KGS500,000" in page  # the funds need and its target
    assert "Civil engineer" in page and "Bridge design experience" in page and "on site" in page
    assert "40 bags — Portland cement M400" in page
    assert "The LSG's own funds" in page and "Diaspora" in page and "DAR 1+3" in page
    assert "when the diaspora share is complete" in page
    assert "Foundations" in page and "Deck and railings" in page
    assert page.count('loading="lazy"') == 2 and "Photo 0" in page and "Photo 1" in page
    assert 'data-label="Planned"' in page and 'class="table stack-table"' in page


def test_a_second_review_highlights_the_changed_words(client, login_as):
    official = make_official()
    project = make_project(official, submit=True)
    moderator = make_user(role=Role.MODERATOR)
    service.request_changes(moderator, project, reason="Say what the bridge carries.")
    need = next(n for n in project.needs if n.title == "Steel and concrete")
    milestone = next(m for m in project.milestones if m.title == "Foundations")
    fields = {name: getattr(project, name) for name in ("title", "summary", "description", "sector", "currency",
                                                          "budget", "lat", "lon", "starts_on", "ends_on")}
    service.update_project(official, project, **{**fields, "title": "Footbridge over the Naryn <script>",
                                                 "description": "The old wooden bridge was **washed away** in 2024."})
    service.remove_milestone(official, project, milestone.id)
    service.add_milestone(official, project, title="Piers", amount=milestone.amount)
    service.add_need(official, project, "in_kind", title="Cement", item="Cement", quantity=40, unit="bags")
    service.submit_project(official, project)
    db.session.commit()
    login_as(moderator)
    page = client.get(f"/moderation/projects/{project.id}").get_data(as_text=True)
    changes = page[page.index('id="diff-heading"'):page.index('id="submission-heading"')]
    assert ('<del class="diff-del"><span class="visually-hidden">Removed: </span>Bridge'
            '<span class="visually-hidden"> (end of removal)</span></del>') in changes
    assert ('<ins class="diff-ins"><span class="visually-hidden">Added: </span>Footbridge'
            '<span class="visually-hidden"> (end of addition)</span></ins>') in changes
    assert "&lt;script&gt;" in changes and "<script>" not in page.split("<main", 1)[1]
    assert '<ins class="diff-ins"><span class="visually-hidden">Added: </span>wooden' in changes
    assert "**" not in changes  # the description's plain words, not its Markdown
    assert "Removed</span>" in changes and "Foundations: KGS500,000" in changes and "Piers: KGS500,000" in changes
    assert "Added</span>" in changes and "Cement: 40 bags" in changes
    assert need.title not in changes  # unchanged items are not listed
