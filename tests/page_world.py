"""A published project with ``n`` of everything its page lists: needs, confirmed pledges from
different members, photos, updates (each with a spending line and a photo), mission volunteers,
questions with answers. The statement-count tests build it with two sizes and compare."""
from datetime import timedelta
from types import SimpleNamespace

from app.extensions import db
from app.models import Ministry, MissionKind, Role, Sector, Skill
from app.services import pledges, projects, questions
from app.services.missions.core import start_mission
from tests.factories import jpeg_upload, make_official, make_project, make_user
from tests.missions_world import health_ministry, verified_member


def _skill(code):
    return db.session.scalar(db.select(Skill).filter_by(code=code))


def busy_project(n, *, title="Surgery week at the At-Bashy hospital", official=None):
    official = official or make_official(name="Official Asel")
    project = make_project(official, complete=True, title=title, photos=n)
    project.sector_id = db.session.scalar(db.select(Sector.id).filter_by(code="health"))
    start = project.starts_on + timedelta(days=30)
    end = start + timedelta(days=6)
    surgery = projects.add_need(official, project, "skill", skill=_skill("surgeon"), slots=n, starts_on=start,
                                ends_on=end, on_site=True, verified_required=True)
    funds = [projects.add_need(official, project, "funds", title=f"Equipment {i}", target_amount=100_000_00,
                               currency="KGS") for i in range(n)]
    goods = [projects.add_need(official, project, "in_kind", title=f"Beds {i}", item="Bed", quantity=10,
                               unit="pcs") for i in range(n)]
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    if db.session.scalar(db.select(Ministry.id).limit(1)) is None:
        health_ministry()
    kind = db.session.scalar(db.select(MissionKind).filter_by(code="surgery_week"))
    mission = start_mission(official, project, kind=kind, starts_on=start, ends_on=end)
    for i in range(n):
        surgeon = verified_member(name=f"Dr Surgeon {i + 1}")
        pledges.accept_offer(official, pledges.offer_skill(surgeon, surgery, starts_on=start, ends_on=end,
                                                           note="General surgeon"))
        giver = make_user(name=f"Giver {i}")
        pledges.confirm_pledge(official, pledges.pledge_money(giver, funds[i], amount=1_000_00, currency="KGS",
                                                             method="bank_transfer"))
        pledges.pledge_goods(giver, goods[i], quantity=1, note="From our village")
    milestone = project.milestones[0]
    for i in range(n):
        projects.post_update(official, project, body=f"Week **{i}** done.",
                             spending=[(milestone.id, 100_00, f"Cement {i}", None)], photos=[jpeg_upload(seed=i)])
        asker = make_user(name=f"Asker {i}")
        question = questions.ask_question(asker, project, to="lsg", body=f"Question {i}?", show_name=True)
        questions.answer_question(official, question, body=f"Answer {i}.")
    db.session.commit()
    return SimpleNamespace(project=project, official=official, mission=mission)
