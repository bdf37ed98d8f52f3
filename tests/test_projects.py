"""Projects: the officials' editor, the review workflow, public pages, updates and spending."""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Need, Project, ProjectStatus, RevisionState, Role
from app.models._common import utcnow
from app.services import projects as service
from tests.factories import make_lsg, make_official, make_project, make_user


def actions(project):
    return [e.action for e in db.session.scalars(
        db.select(AuditEvent).filter_by(target_type="projects", target_id=project.id).order_by(AuditEvent.id))]


PROJECT_FORM = {"title": "School roof in Kyzyl-Suu", "summary": "The roof leaks over three classrooms.",
                "description": "Replace 600 m² of roofing.", "sector": "0", "currency": "KGS",
                "budget": "1 500 000", "starts_on": "2027-05-01", "ends_on": "2027-08-31", "lat": "", "lon": ""}


def test_official_creates_a_draft_with_money_typed_the_local_way(client, login_as):
    official = login_as(make_official())
    lsg = official.memberships[0].lsg
    response = client.post("/projects/new", data={**PROJECT_FORM, "lsg": lsg.id, "budget": "1 500 000,50"})
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert (project.status, project.budget, project.lsg_id) == (ProjectStatus.DRAFT, 150_000_050, lsg.id)
    assert project.municipality_id == lsg.municipality_id
    assert actions(project) == ["project.created"]


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "This field is required."),
    ({"budget": "lots"}, "Enter an amount such as 5000"),
    ({"budget": "-5"}, "cannot be negative"),
    ({"budget": "10.555"}, "at most two decimals"),
    ({"lat": "51.5", "lon": "-0.12"}, "outside Kyrgyzstan"),
    ({"lat": "41.2"}, "both latitude and longitude"),
    ({"starts_on": "2027-09-01", "ends_on": "2027-01-01"}, "end date is before the start date"),
    ({"title": "x" * 201}, "At most 200 characters"),
])
def test_bad_project_input_is_explained_per_field_and_saves_nothing(client, login_as, changes, message):
    official = login_as(make_official())
    response = client.post("/projects/new", data={**PROJECT_FORM, "lsg": official.memberships[0].lsg.id, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 0


def test_members_without_an_lsg_cannot_create_projects(client, login_as):
    login_as(make_user())
    response = client.post("/projects/new", data=PROJECT_FORM)
    assert response.status_code == 302 and "/lsgs/" in response.headers["Location"]
    assert db.session.scalar(db.select(db.func.count(Project.id))) == 0


def test_needs_of_three_kinds_and_the_plan_through_the_editor(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False, budget=100_000_00)
    base = f"/projects/{project.id}"
    skill_id = db.session.scalar(db.select(db.text("id FROM skills WHERE code = 'surgeon'")))
    posts = [
        (f"{base}/needs/funds", {"funds-title": "Materials", "funds-target_amount": "60000", "funds-currency": "KGS"}),
        (f"{base}/needs/skill", {"skill-skill": skill_id, "skill-slots": "3", "skill-starts_on": "2027-05-10",
                                 "skill-ends_on": "2027-05-17", "skill-on_site": "1", "skill-verified_required": "y"}),
        (f"{base}/needs/in-kind", {"inkind-item": "Cement", "inkind-quantity": "40", "inkind-unit": "bags"}),
        (f"{base}/shares", {"share-source": "lsg", "share-planned": "25000"}),
        (f"{base}/shares", {"share-source": "programme", "share-label": "DAR 1+3", "share-planned": "75000",
                            "share-conditional": "y", "share-condition": "when the diaspora share is complete"}),
        (f"{base}/milestones", {"milestone-title": "Everything", "milestone-amount": "100000"}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[-2000:])
    db.session.refresh(project)
    kinds = sorted(n.kind.value for n in project.needs)
    assert kinds == ["funds", "in_kind", "skill"]
    skill_need = next(n for n in project.needs if n.kind.value == "skill")
    assert (skill_need.slots, skill_need.verified_required, skill_need.skill.code) == (3, True, "surgeon")
    assert [s.planned for s in project.shares] == [25_000_00, 75_000_00]
    assert project.shares[1].conditional and service.problems(project) == []


def test_bad_need_input_is_explained_and_saves_nothing(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    response = client.post(f"/projects/{project.id}/needs/skill", data={
        "skill-skill": 1, "skill-slots": "0", "skill-starts_on": "2027-05-10", "skill-ends_on": "2027-05-01"})
    assert response.status_code == 422
    assert "Between 1 and 500" in response.get_data(as_text=True)
    response = client.post(f"/projects/{project.id}/needs/skill", data={
        "skill-skill": 1, "skill-slots": "2", "skill-starts_on": "2027-05-10", "skill-ends_on": "2027-05-01"})
    assert response.status_code == 422 and "end date is before the start date" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Need.id))) == 0


def test_submit_is_refused_until_the_plan_adds_up(client, login_as):
    official = login_as(make_official())
    project = make_project(official, complete=False)
    response = client.post(f"/projects/{project.id}/submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Add at least one need." in page and "co-financing shares add up to" in page
    db.session.refresh(project)
    assert project.status == ProjectStatus.DRAFT


def test_the_whole_review_workflow(client, login_as):
    lsg = make_lsg()
    official = make_official(lsg)
    project = make_project(official, lsg)
    moderator = make_user(role=Role.MODERATOR)

    login_as(official)
    assert client.post(f"/projects/{project.id}/submit").status_code == 302
    assert client.get(f"/projects/{project.id}/edit").status_code == 200
    locked = client.post(f"/projects/{project.id}/edit", data={**PROJECT_FORM, "lsg": lsg.id})
    assert locked.status_code == 409  # under review: no edits

    login_as(moderator)
    queue = client.get("/moderation/projects").get_data(as_text=True)
    assert project.title in queue
    response = client.post(f"/moderation/projects/{project.id}", data={
        "decision": "request_changes", "reason": "Add the engineer's estimate to the description."})
    assert response.status_code == 302

    login_as(official)
    manage = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert "Add the engineer&#39;s estimate" in manage
    client.post(f"/projects/{project.id}/edit", data={**PROJECT_FORM, "lsg": lsg.id, "budget": "1000000",
                                                      "title": "Footbridge over the Naryn", "sector": "4"})
    manage = client.get(f"/projects/{project.id}/manage").get_data(as_text=True)
    assert "Changed since the last review" in manage and "Footbridge over the Naryn" in manage
    assert client.post(f"/projects/{project.id}/submit").status_code == 302

    login_as(moderator)
    review = client.get(f"/moderation/projects/{project.id}").get_data(as_text=True)
    diff = review[review.index('id="diff-heading"'):review.index('id="submission-heading"')]
    assert re.search(r'<del class="diff-del">.*?</span>Bridge<.*?<ins class="diff-ins">.*?</span>Footbridge<'
                     r'.*?over the Naryn.*?<del class="diff-del">.*?</span>river<', diff)  # the diff, word by word
    response = client.post(f"/moderation/projects/{project.id}", data={"decision": "publish", "reason": "Estimate attached."})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == ProjectStatus.PUBLISHED and project.published_at is not None
    assert actions(project) == ["project.created", "project.submitted", "project.changes_requested",
                                "project.submitted", "project.published"]

    client.post("/auth/logout")
    listing = client.get("/projects/").get_data(as_text=True)
    assert "Footbridge over the Naryn" in listing
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Steel and concrete" in page and "Civil engineer" in page and 'class="map"' in page
    assert '<meta property="og:title" content="Footbridge over the Naryn">' in page


def test_editing_a_published_project_keeps_the_published_version_visible(client, login_as):
    official = make_official()
    project = make_project(official, publish=True)
    login_as(official)
    client.post(f"/projects/{project.id}/needs/funds", data={"funds-title": "Extra railings", "funds-target_amount": "5000"})
    db.session.refresh(project)
    assert project.status == ProjectStatus.PUBLISHED and project.revision_state == RevisionState.EDITING

    client.post("/auth/logout")
    assert "Extra railings" not in client.get(f"/projects/{project.id}").get_data(as_text=True)

    login_as(official)
    assert "Extra railings" in client.get(f"/projects/{project.id}").get_data(as_text=True)  # working copy
    # The plan no longer adds up? It still does: needs are not money plans. Send it.
    assert client.post(f"/projects/{project.id}/submit").status_code == 302
    login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/moderation/projects/{project.id}", data={"decision": "publish", "reason": "OK"}).status_code == 302
    client.post("/auth/logout")
    assert "Extra railings" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "project.revision_published" in actions(project)


def test_illegal_transitions_are_refused(client, login_as):
    official = make_official()
    draft = make_project(official, title="Draft one")
    published = make_project(official, title="Published one", publish=True)
    login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/moderation/projects/{draft.id}", data={"decision": "publish", "reason": "x"}).status_code == 409
    assert client.post(f"/moderation/projects/{published.id}", data={"decision": "reject", "reason": "x"}).status_code == 409
    login_as(official)
    assert client.post(f"/projects/{published.id}/submit").status_code == 409  # nothing changed to send
    db.session.refresh(draft)
    db.session.refresh(published)
    assert (draft.status, published.status) == (ProjectStatus.DRAFT, ProjectStatus.PUBLISHED)


def test_decisions_need_a_reason(client, login_as):
    project = make_project(make_official(), submit=True)
    login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/projects/{project.id}", data={"decision": "reject", "reason": " "})
    assert response.status_code == 422 and "give a reason" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.status == ProjectStatus.SUBMITTED


def test_bulk_decisions_are_each_audited(client, login_as):
    official = make_official()
    first, second = make_project(official, title="One", submit=True), make_project(official, title="Two", submit=True)
    login_as(make_user(role=Role.MODERATOR))
    response = client.post("/moderation/projects/bulk", data={
        "project_ids": [first.id, second.id], "decision": "publish", "reason": "Batch checked by phone"})
    assert response.status_code == 302
    for project in (first, second):
        db.session.refresh(project)
        assert project.status == ProjectStatus.PUBLISHED
        event = db.session.scalar(db.select(AuditEvent).filter_by(target_id=project.id, action="project.published"))
        assert event.reason == "Batch checked by phone"


def test_queue_is_oldest_first_and_filters_by_region_and_sector(client, login_as):
    naryn_official = make_official(make_lsg("KG-N-ATB-01", "At-Bashy"))
    osh_official = make_official(make_lsg("KG-O-NOO-01", "Nookat"))
    older = make_project(naryn_official, title="Older Naryn bridge", submit=True)
    make_project(osh_official, title="Newer Nookat bridge", submit=True)
    older.submitted_at = utcnow() - timedelta(days=3)
    db.session.commit()
    login_as(make_user(role=Role.MODERATOR))
    page = client.get("/moderation/projects").get_data(as_text=True)
    assert page.index("Older Naryn bridge") < page.index("Newer Nookat bridge")
    naryn = db.session.scalar(db.text("SELECT id FROM regions WHERE code = 'KG-N'"))
    filtered = client.get(f"/moderation/projects?region={naryn}").get_data(as_text=True)
    assert "Older Naryn bridge" in filtered and "Newer Nookat bridge" not in filtered
    health = db.session.scalar(db.text("SELECT id FROM sectors WHERE code = 'health'"))
    assert "No project is waiting" in client.get(f"/moderation/projects?sector={health}").get_data(as_text=True)


def test_public_decisions_log_as_page_csv_and_json(client):
    official = make_official()
    published = make_project(official, title="Published bridge", publish=True)
    rejected = make_project(official, title="Secret draft title", submit=True)
    service.reject_project(make_user(role=Role.MODERATOR, email="mod@example.kg"), rejected, reason="Duplicate of #1")
    db.session.commit()
    page = client.get("/decisions").get_data(as_text=True)
    assert "Published bridge" in page and "Documents checked" in page and "Duplicate of #1" in page
    assert "Secret draft title" not in page and "mod@example.kg" not in page
    data = client.get("/decisions.json").json["decisions"]
    assert {d["decision"] for d in data} == {"published", "rejected"}
    assert {d["project_id"] for d in data} == {published.id, rejected.id}
    csv_text = client.get("/decisions.csv").get_data(as_text=True)
    assert csv_text.startswith("date,decision,project_id") and "Documents checked" in csv_text
    assert "Secret draft title" not in csv_text and "mod@example" not in csv_text


def test_script_in_title_and_description_is_shown_as_text(client):
    official = make_official()
    project = make_project(official, title="<script>alert('t')</script> bridge", complete=True)
    project.description = "Hello <script>alert('d')</script><img src=x onerror=alert(1)> **bold**"
    db.session.commit()
    service.submit_project(official, project)
    service.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    db.session.commit()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#39;t&#39;)" in page
    assert "onerror" not in page and "<strong>bold</strong>" in page


def test_cancel_needs_a_reason_and_is_audited(client, login_as):
    official = login_as(make_official())
    project = make_project(official, publish=True)
    assert client.post(f"/projects/{project.id}/cancel", data={"cancel-reason": ""}).status_code == 422
    assert client.post(f"/projects/{project.id}/cancel", data={"cancel-reason": "Built by the state"}).status_code == 302
    db.session.refresh(project)
    assert project.status == ProjectStatus.CANCELLED
    assert client.get("/projects/").get_data(as_text=True).count(project.title) == 0


def test_update_with_a_spending_line_shows_against_its_milestone(client, login_as):
    official = login_as(make_official())
    project = make_project(official, publish=True)
    foundations = project.milestones[0]
    response = client.post(f"/projects/{project.id}/updates/new", data={
        "body": "Foundations are poured.", "spending-0-milestone": foundations.id,
        "spending-0-amount": "120 000", "spending-0-purpose": "Concrete M300"})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Foundations are poured." in page and "Concrete M300" in page
    assert [(m.title, spent) for m, _planned, spent in service.milestone_spending(project)] == [
        ("Foundations", 120_000_00), ("Deck and railings", 0)]
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="project.update_posted"))
    assert event.data["spent"] == 120_000_00


def test_spending_needs_a_milestone_and_nothing_is_half_saved(client, login_as):
    official = login_as(make_official())
    project = make_project(official, publish=True)
    response = client.post(f"/projects/{project.id}/updates/new", data={
        "body": "Bought cement.", "spending-0-amount": "5000", "spending-0-purpose": "Cement"})
    assert response.status_code == 422 and "Choose the milestone" in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.updates == [] and project.last_update_at is None


def test_final_report_completes_the_project(client, login_as):
    official = login_as(make_official())
    project = make_project(official, publish=True)
    client.post(f"/projects/{project.id}/start")
    response = client.post(f"/projects/{project.id}/updates/new", data={"body": "The bridge is open.", "final_report": "y"})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == ProjectStatus.COMPLETED
    assert "Final report" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert actions(project)[-3:] == ["project.started", "project.update_posted", "project.completed"]


def test_updates_only_on_public_projects(client, login_as):
    official = login_as(make_official())
    project = make_project(official)
    response = client.post(f"/projects/{project.id}/updates/new", data={"body": "Too early"})
    assert response.status_code == 409


def test_a_quiet_project_says_so_plainly(client):
    project = make_project(make_official(), publish=True)
    assert "No update has been posted for more than 90 days" not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    project.published_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert "No update has been posted for more than 90 days" in client.get(f"/projects/{project.id}").get_data(as_text=True)


def test_public_list_is_newest_first_and_paginated(client):
    official = make_official()
    for n in range(14):
        project = make_project(official, title=f"Project number {n:02d}", publish=True)
        project.published_at = utcnow() - timedelta(days=30 - n)
    db.session.commit()
    first = client.get("/projects/").get_data(as_text=True)
    assert first.index("Project number 13") < first.index("Project number 12")
    assert "Project number 01" not in first
    assert "Project number 01" in client.get("/projects/?page=2").get_data(as_text=True)


def test_photos_through_the_editor_and_refusals_explained(client, login_as):
    import io

    from tests.factories import jpeg_upload

    official = login_as(make_official())
    project = make_project(official)
    upload = jpeg_upload()
    response = client.post(f"/projects/{project.id}/photos", data={
        "photo-photo": (upload.stream, "bridge.jpg"), "photo-caption": "The river"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(project)
    (photo,) = project.photos
    assert photo.is_cover and photo.caption == "The river"
    assert client.get(f"/media/{photo.filename}").status_code == 200

    for payload, message in ((b"just some text", "Only JPEG, PNG and WebP images are accepted."),
                             (jpeg_upload().stream.read() + b"<script>alert(1)</script>", "not a plain image")):
        response = client.post(f"/projects/{project.id}/photos", data={
            "photo-photo": (io.BytesIO(payload), "innocent.jpg")}, content_type="multipart/form-data")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.refresh(project)
    assert len(project.photos) == 1


def test_cover_moves_when_the_cover_is_removed(client, login_as):
    official = login_as(make_official())
    project = make_project(official, photos=2)
    first, second = project.photos
    assert first.is_cover and not second.is_cover
    assert client.post(f"/projects/{project.id}/photos/{first.id}/delete").status_code == 302
    db.session.refresh(second)
    assert second.is_cover


def test_removing_a_share_updates_the_plan_at_once(app):
    """Regression: a removed share used to stay in the loaded plan until the next request."""
    official = make_official()
    project = make_project(official, budget=100_000_00)
    service.remove_share(official, project, project.shares[0].id)
    service.add_share(official, project, source="programme", planned=25_000_00)
    assert service.problems(project) == []


def test_a_refused_editor_button_is_explained_on_the_editor_page(client, login_as):
    """A button whose action the project's state forbids (409) ends on the page it was pressed on."""
    official = make_official()
    project = make_project(official)  # a draft
    login_as(official)
    response = client.post(f"/projects/{project.id}/start")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Work can start only on a published project." in page and "Send for review" in page
    db.session.refresh(project)
    assert project.status == ProjectStatus.DRAFT
