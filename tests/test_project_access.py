"""Every write route of a project, tried by every role that must not use it: refused, nothing changes."""
import io

import pytest

from app.extensions import db
from app.models import AuditEvent, Role
from app.services.projects import snapshot
from tests.factories import make_lsg, make_official, make_project, make_user

WRITE_ROUTES = [
    ("edit", {"title": "Hijacked", "budget": "1", "currency": "KGS", "sector": "0", "lsg": "0"}),
    ("needs/funds", {"funds-title": "Hijack", "funds-target_amount": "100"}),
    ("needs/skill", {"skill-skill": "1", "skill-slots": "1", "skill-starts_on": "2027-01-01", "skill-ends_on": "2027-01-02"}),
    ("needs/in-kind", {"inkind-item": "Hijack", "inkind-quantity": "1"}),
    ("shares", {"share-source": "other", "share-planned": "100"}),
    ("milestones", {"milestone-title": "Hijack", "milestone-amount": "100"}),
    ("photos", {"photo-caption": "x"}),
    ("needs/{need}/delete", {}),
    ("shares/{share}/delete", {}),
    ("milestones/{milestone}/delete", {}),
    ("photos/{photo}/delete", {}),
    ("photos/{photo}/cover", {}),
    ("submit", {}),
    ("overfunding", {"allowed": "1"}),
    ("start", {}),
    ("cancel", {"cancel-reason": "Hijack"}),
    ("updates/new", {"body": "Hijack"}),
]


def _audit_count():
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)))


@pytest.mark.parametrize("route, data", WRITE_ROUTES, ids=[r for r, _ in WRITE_ROUTES])
@pytest.mark.parametrize("who", ["visitor", "member", "other_official", "moderator"])
@pytest.mark.parametrize("published", [False, True], ids=["draft", "published"])
def test_outsiders_cannot_write(client, login_as, route, data, who, published):
    owner = make_official(make_lsg("KG-N-ATB-01", "At-Bashy"))
    project = make_project(owner, publish=published, photos=2)
    if who == "member":
        login_as(make_user())
    elif who == "other_official":
        login_as(make_official(make_lsg("KG-O-NOO-01", "Nookat")))
    elif who == "moderator":
        login_as(make_user(role=Role.MODERATOR))
    before, audit_before = snapshot(project), _audit_count()
    status_before = project.status

    url = f"/projects/{project.id}/" + route.format(
        need=project.needs[0].id, share=project.shares[0].id, milestone=project.milestones[0].id,
        photo=project.photos[1].id)
    if route == "photos":
        data = {**data, "photo-photo": (io.BytesIO(b"not really"), "x.jpg")}
    response = client.post(url, data=data, content_type="multipart/form-data")

    if who == "visitor":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    elif published or who == "moderator":
        assert response.status_code == 403  # they may see the project, but it is not theirs to edit
    else:
        assert response.status_code == 404  # a draft does not exist for them
    db.session.refresh(project)
    assert snapshot(project) == before and project.status == status_before
    assert not project.accepts_overfunding
    assert _audit_count() == audit_before


@pytest.mark.parametrize("who, expected", [("visitor", 404), ("member", 404), ("other_official", 404),
                                           ("owner", 200), ("moderator", 200)])
@pytest.mark.parametrize("state", ["draft", "submitted", "rejected"])
def test_unpublished_projects_are_visible_only_to_their_officials_and_moderators(client, login_as, who, expected, state):
    from app.services.projects import reject_project

    owner = make_official(make_lsg("KG-N-ATB-01", "At-Bashy"))
    project = make_project(owner, submit=state != "draft")
    if state == "rejected":
        reject_project(make_user(role=Role.MODERATOR), project, reason="No")
        db.session.commit()
    users = {"member": make_user, "other_official": lambda: make_official(make_lsg("KG-O-NOO-01", "Nookat")),
             "owner": lambda: owner, "moderator": lambda: make_user(role=Role.MODERATOR)}
    if who in users:
        login_as(users[who]())
    assert client.get(f"/projects/{project.id}").status_code == expected
    assert (project.title in client.get("/projects/").get_data(as_text=True)) is False


@pytest.mark.parametrize("who", ["visitor", "member", "official"])
def test_only_moderators_decide_on_projects(client, login_as, who):
    owner = make_official()
    project = make_project(owner, submit=True)
    if who == "member":
        login_as(make_user())
    elif who == "official":
        login_as(owner)
    audit_before = _audit_count()
    responses = [
        client.post(f"/moderation/projects/{project.id}", data={"decision": "publish", "reason": "self"}),
        client.post("/moderation/projects/bulk", data={"project_ids": [project.id], "decision": "publish", "reason": "self"}),
        client.post(f"/moderation/projects/{project.id}/unpublish", data={"unpublish-reason": "x"}),
        client.get("/moderation/projects"),
    ]
    expected = 302 if who == "visitor" else 403
    assert [r.status_code for r in responses] == [expected] * 4
    assert _audit_count() == audit_before


def test_a_moderator_who_is_an_official_of_the_lsg_cannot_decide(client, login_as):
    lsg = make_lsg()
    moderator_official = make_official(lsg, role=Role.MODERATOR)
    project = make_project(make_official(lsg), lsg, submit=True)
    login_as(moderator_official)
    response = client.post(f"/moderation/projects/{project.id}", data={"decision": "publish", "reason": "mine"})
    assert response.status_code == 403
