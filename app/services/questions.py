"""Public questions on a published project, answered by their addressee (the LSG or a line
ministry of the project's sector) within a number of working days; late ones remind the addressee
and then the moderators, once each; reports, and moderators hiding what breaks the rules."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from app.authz import (
    can_answer_question,
    can_ask_question,
    can_hide_question,
    can_report_question,
    require,
)
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.markdown import plain_excerpt
from app.models import OTHER_COUNTRY, PUBLIC_STATUSES, Answer, MemberProfile, Ministry, Project, Question, Report
from app.models._common import lock_for_update, utcnow
from app.services import notifications
from app.services.audit import record_event
from app.services.ministries import ministries_for_sector, working_days_after
from app.services.projects import get_project

LSG = "lsg"
HIDDEN_ACTION = "project.hidden"  # shown in the public decisions log as "hidden"


def addressees_of(project):
    """[(value, label)] a question on this project may go to: its LSG, then its sector's ministries."""
    choices = [(LSG, project.lsg.name)]
    choices += [(f"ministry-{m.id}", m.name) for m in ministries_for_sector(project.sector_id)]
    return choices


def members_of(addressee):
    if isinstance(addressee, Ministry):
        return [u for u in addressee.members if u.active]
    return notifications.officials_of(addressee)


def _public_project(project_id):
    project = get_project(project_id)
    if not project.is_public:
        raise NotFound()
    return project


def project_for_questions(project_id):
    return _public_project(project_id)


# ---- asking and answering


def ask_question(asker, project, *, to, body, show_name):
    """A member asks publicly; flushes and tells the addressee's members. ``to`` is a value of
    ``addressees_of(project)``."""
    require(can_ask_question, asker)
    if not project.is_public:
        raise NotFound()
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Please write your question."), field="body")
    if to not in dict(addressees_of(project)):
        raise InvalidInput(_("Choose whom to ask."), field="to")
    limit = current_app.config["QUESTIONS_PER_DAY"]
    lock_for_update(asker)  # two questions sent at once are counted one after the other
    today = db.session.scalar(db.select(db.func.count(Question.id)).where(
        Question.asker_id == asker.id, Question.created_at > utcnow() - timedelta(days=1)))
    if today >= limit:
        raise InvalidInput(_("You have asked %(count)d questions in the last 24 hours, the most allowed. "
                             "Please ask again tomorrow.", count=limit), field="body")
    ministry = None if to == LSG else db.session.get(Ministry, int(to.removeprefix("ministry-")))
    profile = db.session.scalar(db.select(MemberProfile).filter_by(user_id=asker.id))
    now = utcnow()
    question = Question(project=project, asker=asker, lsg=project.lsg if ministry is None else None,
                        ministry=ministry, body=body, show_name=bool(show_name),
                        asker_country=profile.country if profile else None, created_at=now,
                        due_at=working_days_after(now, current_app.config["ANSWER_WORKING_DAYS"]))
    db.session.add(question)
    db.session.flush()
    record_event(asker, "question.asked", question, project_id=project.id)
    notifications.notify_all(members_of(question.addressee), "question_asked", project=project, besides=[asker],
                             question=plain_excerpt(body), question_id=question.id)
    return question


def get_question(question_id):
    question = db.session.get(Question, question_id)
    if question is None or not question.project.is_public:
        raise NotFound()
    return question


def question_to_answer(user, question_id):
    question = get_question(question_id)
    require(can_answer_question, user, question)
    return question


def answer_question(author, question, *, body):
    require(can_answer_question, author, question)
    if question.hidden:
        raise Conflict(_("This question was hidden by a moderator."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Please write your answer."), field="body")
    lock_for_update(question)
    answer = Answer(question=question, author=author, body=body, created_at=utcnow())
    db.session.add(answer)
    if question.answered_at is None:
        question.answered_at = answer.created_at
    db.session.flush()
    record_event(author, "question.answered", question, answer_id=answer.id)
    if question.asker_id != author.id:
        notifications.notify(question.asker, "question_answered", project=question.project)
    return answer


# ---- reports and hiding


def get_answer(answer_id):
    answer = db.session.get(Answer, answer_id)
    if answer is None or not answer.question.project.is_public:
        raise NotFound()
    return answer


def report(reporter, *, question=None, answer=None):
    """Once per person and item; a second report changes nothing (Conflict)."""
    require(can_report_question, reporter)
    item = question or answer
    if item.hidden:
        raise Conflict(_("A moderator has already hidden this."))
    key = {"question_id": question.id} if question else {"answer_id": answer.id}
    if db.session.scalar(db.select(Report).filter_by(reporter_id=reporter.id, **key)) is not None:
        raise Conflict(_("You have already reported this; a moderator will look at it."))
    db.session.add(Report(reporter_id=reporter.id, created_at=utcnow(), **key))
    db.session.flush()


@dataclass
class Reported:
    question: Question
    answer: Answer | None
    reports: int

    @property
    def item(self):
        return self.answer or self.question


def reported(moderator):
    """What people reported and no moderator hid yet, most reported first."""
    require(can_hide_question, moderator)
    counts = db.session.execute(
        db.select(Report.question_id, Report.answer_id, db.func.count(Report.id))
        .group_by(Report.question_id, Report.answer_id)).all()
    items = []
    for question_id, answer_id, count in counts:
        answer = db.session.get(Answer, answer_id) if answer_id else None
        question = answer.question if answer else db.session.get(Question, question_id)
        if not (answer or question).hidden:
            items.append(Reported(question, answer, count))
    return sorted(items, key=lambda r: (-r.reports, r.item.created_at))


def hide(moderator, item, *, reason):
    """Hide a question or an answer: its text is no longer shown, the reason is, and the decision
    goes to the public decisions log."""
    require(can_hide_question, moderator)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Please give a reason: it is shown in place of the text."), field="reason")
    if item.hidden:
        raise Conflict(_("A moderator has already hidden this."))
    item.hidden_at = utcnow()
    item.hidden_reason = reason
    if isinstance(item, Answer):  # a hidden answer answers nothing: the question's clock runs again
        shown = [a.created_at for a in item.question.answers if not a.hidden]
        item.question.answered_at = min(shown) if shown else None
    project = item.project if isinstance(item, Question) else item.question.project
    key = "question_id" if isinstance(item, Question) else "answer_id"
    db.session.flush()
    record_event(moderator, HIDDEN_ACTION, project, reason=reason, **{key: item.id})
    return item


# ---- what a project page shows


def asker_label(question):
    if question.show_name:
        return question.asker.name
    code = question.asker_country
    if not code:
        return _("a member of Birge")
    if code == OTHER_COUNTRY:
        return _("a member from another country")
    return _("a member from %(country)s", country=get_locale().territories.get(code, code))


@dataclass
class Board:
    project: object
    questions: list
    addressees: list
    now: object = field(default_factory=utcnow)


def board(project):
    """The questions of a project page, newest first, with the answers (their askers, addressees,
    answers and authors loaded with them, not one question at a time)."""
    questions = db.session.scalars(
        db.select(Question).where(Question.project_id == project.id)
        .options(joinedload(Question.asker), joinedload(Question.lsg), joinedload(Question.ministry),
                 selectinload(Question.answers).joinedload(Answer.author))
        .order_by(Question.created_at.desc(), Question.id.desc())).all()
    return Board(project, questions, addressees_of(project))


# ---- the worker's daily task


def late_questions():
    """Remind the addressee of each question past due (once), then, if it is still unanswered some
    working days later, tell the moderators (once). Returns (reminded, escalated) counts."""
    now = utcnow()
    late = db.session.scalars(db.select(Question).join(Project, Question.project_id == Project.id).where(
        Project.status.in_(PUBLIC_STATUSES),  # a project taken down cannot be answered on: not chased
        Question.answered_at.is_(None), Question.hidden_at.is_(None), Question.due_at < now,
        db.or_(Question.reminded_at.is_(None), Question.escalated_at.is_(None)))
        .order_by(Question.id)).all()
    reminded = escalated = 0
    wait = current_app.config["QUESTION_ESCALATE_WORKING_DAYS"]
    for question in late:
        if question.reminded_at is None:
            notifications.notify_all(members_of(question.addressee), "question_late", project=question.project)
            question.reminded_at = now
            reminded += 1
        elif working_days_after(question.due_at - timedelta(seconds=1), wait) <= now:
            notifications.notify_all(notifications.moderators(), "question_escalated", project=question.project,
                                     addressee=notifications.localized(question.addressee))
            question.escalated_at = now
            escalated += 1
    db.session.flush()
    return reminded, escalated
