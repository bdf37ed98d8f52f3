"""Public questions: asked on a published project to its LSG or a ministry of its sector, answered
by the addressee within working days (weekends and holidays skipped), late ones reminded and
escalated once each, an answer rate per addressee, a daily limit, reports and hidden items."""
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import AuditEvent, Notification, Question, Role, Sector
from app.services import ministries, questions
from app.services.profiles import update_profile
from tests.factories import make_lsg, make_official, make_project, make_user

THURSDAY = datetime(2027, 3, 4, 4, 0)  # 10:00 in Bishkek
DUE = datetime(2027, 3, 10, 18, 0)  # the end of Wednesday in Bishkek: Fri, (weekend), (8 March), Tue, Wed


@pytest.fixture
def world(app):
    lsg = make_lsg()
    official = make_official(lsg)
    project = make_project(official, lsg, publish=True)
    admin = make_user(role=Role.ADMIN)
    sector = db.session.scalar(db.select(Sector).filter_by(code="roads_bridges"))
    ministry = ministries.save_ministry(admin, name_ky="Транспорт министрлиги", name_ru="Минтранс",
                                        name_en="Ministry of Transport", sector_ids=[sector.id])
    ministry_member = make_user(name="Aida Transport")
    ministries.add_member(admin, ministry, ministry_member.email)
    ministries.add_holiday(admin, day=date(2027, 3, 8), name="International Women's Day")
    asker = make_user(name="Bakyt Migrant")
    db.session.commit()
    return type("World", (), dict(lsg=lsg, official=official, project=project, admin=admin, ministry=ministry,
                                  ministry_member=ministry_member, asker=asker))


def _ask(client, world, to="lsg", body="When does **work** start?", show_as="name"):
    return client.post(f"/projects/{world.project.id}/ask", data={"to": to, "body": body, "show_as": show_as})


def _kinds(user):
    """What questions told this person (setting the world up told them of other things too)."""
    return [n.kind for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id))
            if n.kind.startswith("question")]


def test_due_date_skips_the_weekend_and_a_holiday(world, client, login_as, clock):
    clock.set(THURSDAY)
    login_as(world.asker)
    assert _ask(client, world).status_code == 302
    question = db.session.scalar(db.select(Question))
    assert question.due_at == DUE
    page = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "answer due by Mar 10, 2027" in page  # the Wednesday, not midnight of the Thursday
    assert question.lsg_id == world.lsg.id and question.ministry_id is None
    assert _kinds(world.official) == ["question_asked"]
    assert _kinds(world.asker) == []


def test_a_question_to_the_ministry_is_answered_by_its_member_only(world, client, login_as, clock):
    clock.set(THURSDAY)
    login_as(world.asker)
    assert _ask(client, world, to=f"ministry-{world.ministry.id}").status_code == 302
    question = db.session.scalar(db.select(Question))
    assert _kinds(world.ministry_member) == ["question_asked"]
    assert _kinds(world.official) == []
    for outsider in (world.official, make_user(), make_user(role=Role.MODERATOR)):
        login_as(outsider)
        assert client.get(f"/questions/{question.id}/answer").status_code == 403
        assert client.post(f"/questions/{question.id}/answer", data={"body": "Not mine"}).status_code == 403
    assert client.post("/questions/999999/answer", data={"body": "x"}).status_code == 404
    clock.advance(hours=30)
    login_as(world.ministry_member)
    assert client.post(f"/questions/{question.id}/answer", data={"body": "In **May**."}).status_code == 302
    assert _kinds(world.asker) == ["question_answered"]
    page = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "<strong>May</strong>" in page and "Bakyt Migrant" in page
    record = ministries.answer_record(db.session.get(type(world.ministry), world.ministry.id))
    assert (record.counted, record.answered, record.rate, record.median) == (1, 1, 100, timedelta(hours=30))
    ministry_page = client.get(f"/ministries/{world.ministry.id}").get_data(as_text=True)
    assert "100%" in ministry_page and "1 day" in ministry_page


def test_answer_rate_and_median_of_an_lsg(world, client, login_as, clock):
    clock.set(THURSDAY)
    login_as(world.asker)
    for n in range(3):
        assert _ask(client, world, body=f"Question {n}").status_code == 302
    first, second, third = db.session.scalars(db.select(Question).order_by(Question.id)).all()
    login_as(world.official)
    clock.advance(hours=2)
    client.post(f"/questions/{first.id}/answer", data={"body": "Soon."})
    clock.advance(hours=4)
    client.post(f"/questions/{second.id}/answer", data={"body": "Later."})
    clock.set(DUE + timedelta(hours=1))  # the third is now late
    record = ministries.answer_record(world.lsg)
    assert (record.counted, record.answered, record.rate, record.median) == (3, 2, 67, timedelta(hours=4))
    page = client.get(f"/lsgs/{world.lsg.id}").get_data(as_text=True)
    assert "67%" in page
    assert "Late: the answer was due" in client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    clock.advance(days=91)
    assert ministries.answer_record(world.lsg).counted == 0


def test_late_questions_remind_once_then_escalate_once(world, client, login_as, clock):
    clock.set(THURSDAY)
    moderator = make_user(role=Role.MODERATOR)
    login_as(world.asker)
    _ask(client, world)
    questions.late_questions()
    assert _kinds(world.official) == ["question_asked"]  # not late yet
    clock.set(DUE + timedelta(hours=1))
    assert questions.late_questions() == (1, 0)
    assert questions.late_questions() == (0, 0)
    assert _kinds(world.official) == ["question_asked", "question_late"]
    assert "question_escalated" not in _kinds(moderator)
    clock.set(DUE + timedelta(days=2, hours=1))  # two working days past due (Thursday, Friday)
    assert questions.late_questions() == (0, 1)
    assert questions.late_questions() == (0, 0)
    clock.advance(days=3)
    assert questions.late_questions() == (0, 0)
    assert _kinds(moderator).count("question_escalated") == 1
    assert _kinds(world.official).count("question_late") == 1


def test_the_daily_limit_saves_nothing(world, client, login_as, clock, app):
    clock.set(THURSDAY)
    login_as(world.asker)
    limit = app.config["QUESTIONS_PER_DAY"]
    for n in range(limit):
        assert _ask(client, world, body=f"Question {n}").status_code == 302
    response = _ask(client, world, body="One more")
    assert response.status_code == 422
    assert "the most allowed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Question.id))) == limit
    clock.advance(hours=24, minutes=1)
    assert _ask(client, world, body="Next day").status_code == 302


def test_the_name_shows_as_chosen_and_markdown_is_sanitised(world, client, login_as):
    update_profile(world.asker, country="DE")
    db.session.commit()
    login_as(world.asker)
    _ask(client, world, body="<script>alert(1)</script> Is it *safe*?", show_as="country")
    client.post("/auth/logout")
    page = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "a member from Germany" in page
    assert "Bakyt Migrant" not in page
    assert "<script>alert(1)</script>" not in page and "<em>safe</em>" in page


def test_a_question_only_on_a_published_project(world, client, login_as):
    draft = make_project(world.official, world.lsg, title="Draft school")
    login_as(world.asker)
    assert client.post(f"/projects/{draft.id}/ask", data={"to": "lsg", "body": "x", "show_as": "name"}).status_code == 404
    assert client.get(f"/projects/{draft.id}/ask").status_code == 404
    response = _ask(client, world, to="ministry-999999")
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_report_once_and_hide_with_a_reason(world, client, login_as):
    login_as(world.asker)
    _ask(client, world, body="Rude words here")
    question = db.session.scalar(db.select(Question))
    reporter = login_as(make_user())
    assert client.post(f"/questions/{question.id}/report").status_code == 302
    client.post(f"/questions/{question.id}/report")
    assert len(db.session.scalars(db.select(questions.Report)).all()) == 1
    assert client.get("/moderation/questions").status_code == 403
    assert client.post(f"/questions/{question.id}/hide", data={"reason": "x"}).status_code == 403
    assert reporter
    login_as(make_user(role=Role.MODERATOR))
    assert "Rude words here" in client.get("/moderation/questions").get_data(as_text=True)
    assert client.post(f"/questions/{question.id}/hide", data={"reason": ""}).status_code == 422
    assert client.post(f"/questions/{question.id}/hide", data={"reason": "Insults"}).status_code == 302
    page = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Rude words here" not in page
    assert "Hidden by a moderator: Insults" in page
    assert "Rude words here" not in client.get("/moderation/questions").get_data(as_text=True)
    event = db.session.scalar(db.select(AuditEvent).filter_by(action="project.hidden"))
    assert event.reason == "Insults" and event.data == {"question_id": question.id}
    decisions = client.get("/decisions.json").get_json()["decisions"]
    assert {"decision": "hidden", "reason": "Insults"}.items() <= decisions[0].items()
    assert "Hidden" in client.get("/decisions").get_data(as_text=True)
    # A hidden question is not answered any more.
    login_as(world.official)
    assert client.post(f"/questions/{question.id}/answer", data={"body": "Sorry"}).status_code == 409


def test_an_answer_is_hidden_alone(world, client, login_as):
    login_as(world.asker)
    _ask(client, world, body="Where is the money?")
    question = db.session.scalar(db.select(Question))
    login_as(world.official)
    client.post(f"/questions/{question.id}/answer", data={"body": "Call me at 555-SECRET"})
    answer = db.session.scalar(db.select(questions.Answer))
    login_as(world.asker)
    assert client.post(f"/answers/{answer.id}/report").status_code == 302
    login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/answers/{answer.id}/hide", data={"reason": "Private number"}).status_code == 302
    page = client.get(f"/projects/{world.project.id}").get_data(as_text=True)
    assert "Where is the money?" in page and "555-SECRET" not in page
    assert "Hidden by a moderator: Private number" in page


def test_admins_manage_ministries_and_holidays(world, client, login_as):
    login_as(world.admin)
    sector = db.session.scalar(db.select(Sector).filter_by(code="roads_bridges"))
    response = client.post("/admin/ministries", data={"name_ky": "A", "name_ru": "Б", "name_en": "C"})
    assert response.status_code == 422 and "Choose at least one sector." in response.get_data(as_text=True)
    response = client.post("/admin/ministries", data={"name_ky": "A", "name_ru": "Б", "name_en": "Water agency",
                                                      "sectors": [sector.id]})
    assert response.status_code == 302
    new = db.session.scalar(db.select(ministries.Ministry).filter_by(name_en="Water agency"))
    assert client.post(f"/admin/ministries/{new.id}/members", data={"email": "nobody@example.kg"}).status_code == 422
    assert client.post(f"/admin/ministries/{new.id}/members", data={"email": world.asker.email}).status_code == 302
    assert [u.id for u in db.session.get(ministries.Ministry, new.id).members] == [world.asker.id]
    assert client.post(f"/admin/ministries/{new.id}/members/{world.asker.id}/remove").status_code == 302
    assert db.session.get(ministries.Ministry, new.id).members == []
    assert client.post("/admin/holidays", data={"day": "2027-03-08", "name": "Again"}).status_code == 422
    assert client.post("/admin/holidays", data={"day": "2027-03-21", "name": "Nooruz"}).status_code == 302
    login_as(world.asker)
    assert client.get("/admin/ministries").status_code == 403
    assert client.get("/admin/holidays").status_code == 403
