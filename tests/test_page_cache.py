"""Visitors' project pages served from the page cache (app/page_cache.py): rendered once, served
again until anything they show changes (the content version, app/content_version.py) or the clock
reaches a moment that changes them; never to a member, never with another visitor's CSRF token."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from app import content_version, page_cache
from app.extensions import db
from app.models._common import driver_rows
from app.models import Notification, NeedKind, Pledge, Project, Question
from app.page_cache import PRUNE_EVERY, STATE_HEADER, PageStore
from tests.factories import make_official, make_project, make_user

THURSDAY = datetime(2027, 3, 4, 4, 0)  # 10:00 in Bishkek


@pytest.fixture
def published(app):
    official = make_official()
    project = make_project(official, publish=True, budget=100_000_00)  # funds need: 50 000 som
    db.session.commit()
    return official, project


@pytest.fixture
def visitor(app):
    return app.test_client()


def _visit(visitor, project, **headers):
    response = visitor.get(f"/projects/{project.id}", headers={"Accept-Language": "en", **headers})
    assert response.status_code == 200
    return response


def _without_token(page):
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def test_a_visitor_is_served_the_page_again_until_a_pledge_is_confirmed(client, login_as, visitor, published):
    official, project = published
    first = _visit(visitor, project)
    again = _visit(visitor, project)
    assert (first.headers[STATE_HEADER], again.headers[STATE_HEADER]) == ("miss", "hit")
    assert _without_token(again.get_data(as_text=True)) == _without_token(first.get_data(as_text=True))
    assert "KGS0 of KGS50,000 confirmed" in again.get_data(as_text=True)

    need = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    login_as(make_user(name="Aibek Jumabekov"))
    client.post(f"/pledges/needs/{need.id}", data={"amount": "5 000", "currency": "KGS",
                                                   "method": "bank_transfer", "reference": "KICB 1"})
    pending = _visit(visitor, project)
    assert pending.headers[STATE_HEADER] == "miss" and "Aibek Jumabekov" in pending.get_data(as_text=True)

    login_as(official)
    pledge = db.session.scalar(db.select(Pledge))
    assert client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "statement 1"}).status_code == 302
    confirmed = _visit(visitor, project)
    assert confirmed.headers[STATE_HEADER] == "miss"
    assert "KGS5,000 of KGS50,000 confirmed" in confirmed.get_data(as_text=True)
    assert _visit(visitor, project).headers[STATE_HEADER] == "hit"


def _version():
    return driver_rows(content_version.READ)[0][0]


def _notify(project):
    db.session.add(Notification(user_id=project.created_by_id, kind="update_posted", project_id=project.id))


@pytest.mark.committed  # real commits and rollbacks, not the savepoints of the other tests
def test_a_bulk_update_moves_the_version_and_a_rollback_or_a_private_write_does_not(app, published):
    _, project = published
    before = _version()
    _notify(project)
    db.session.commit()
    assert _version() == before  # notifications show on no visitor's page

    db.session.execute(update(Project).where(Project.id == project.id).values(title="Renamed in bulk"))
    db.session.rollback()
    _notify(project)
    db.session.commit()
    assert _version() == before  # the rolled back write left no mark behind

    db.session.execute(update(Project).where(Project.id == project.id).values(title="Renamed in bulk"))
    assert content_version.current() is None  # what this transaction reads now may still roll back
    db.session.commit()
    assert _version() != before


def test_the_version_moves_when_the_transaction_commits_not_when_a_savepoint_ends(app, published):
    _, project = published
    before = _version()
    with db.session.begin_nested():
        db.session.execute(update(Project).where(Project.id == project.id).values(title="Renamed"))
    assert _version() == before  # the row is not locked until the whole transaction ends
    db.session.commit()
    assert _version() != before


def test_the_page_changes_when_a_question_falls_due_though_nothing_was_written(client, login_as, visitor,
                                                                                 published, clock):
    _, project = published
    clock.set(THURSDAY)
    login_as(make_user(name="Bakyt Migrant"))
    client.post(f"/projects/{project.id}/ask", data={"to": "lsg", "body": "When does work start?",
                                                     "show_as": "name"})
    due = THURSDAY + timedelta(days=3, hours=9, minutes=37)  # in the afternoon: no midnight near it
    db.session.execute(update(Question).values(due_at=due))
    db.session.commit()
    clock.set(due - timedelta(minutes=2))
    _visit(visitor, project)
    clock.set(due - timedelta(minutes=1))
    on_time = _visit(visitor, project)
    assert on_time.headers[STATE_HEADER] == "hit" and "Late: the answer" not in on_time.get_data(as_text=True)
    clock.set(due + timedelta(minutes=1))
    late = _visit(visitor, project)
    assert late.headers[STATE_HEADER] == "miss" and "Late: the answer was due" in late.get_data(as_text=True)


def test_the_silent_project_notice_appears_on_the_day_it_is_due(visitor, published, clock):
    _, project = published
    clock.set(project.published_at + timedelta(days=90) - timedelta(minutes=2))
    assert "No update has been posted" not in _visit(visitor, project).get_data(as_text=True)
    assert _visit(visitor, project).headers[STATE_HEADER] == "hit"
    clock.advance(minutes=3)  # well within PAGE_CACHE_MAX_AGE
    assert "No update has been posted for more than 90 days" in _visit(visitor, project).get_data(as_text=True)


def test_members_flashes_and_other_arguments_are_never_cached(client, login_as, visitor, published):
    official, project = published
    _visit(visitor, project)
    login_as(official)
    member_page = client.get(f"/projects/{project.id}")
    assert STATE_HEADER not in member_page.headers and "Manage this project" in member_page.get_data(as_text=True)
    assert "Manage this project" not in _visit(visitor, project).get_data(as_text=True)

    for query in ("utm_source=mail", "version=published"):
        tagged = visitor.get(f"/projects/{project.id}?{query}")
        assert tagged.status_code == 200 and STATE_HEADER not in tagged.headers
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Thank you for your message.")]
    flashed = _visit(visitor, project)
    assert STATE_HEADER not in flashed.headers and "Thank you for your message." in flashed.get_data(as_text=True)


def test_each_host_is_cached_on_its_own_as_the_page_links_to_itself(visitor, published):
    _, project = published
    _visit(visitor, project)
    other = visitor.get(f"/projects/{project.id}", base_url="https://birge.example",
                        headers={"Accept-Language": "en"})
    assert other.headers[STATE_HEADER] == "miss"
    assert f'content="https://birge.example/projects/{project.id}"' in other.get_data(as_text=True)


def test_each_language_is_cached_on_its_own(visitor, published):
    _, project = published
    assert 'lang="ru"' in _visit(visitor, project, **{"Accept-Language": "ru"}).get_data(as_text=True)
    english = _visit(visitor, project, **{"Accept-Language": "en"})
    assert english.headers[STATE_HEADER] == "miss" and '<html lang="en">' in english.get_data(as_text=True)
    assert _visit(visitor, project, **{"Accept-Language": "ru"}).headers[STATE_HEADER] == "hit"


def test_a_cached_page_carries_each_visitors_own_token_and_its_forms_work(app, published, monkeypatch):
    _, project = published
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # read on each request
    first, second = app.test_client(), app.test_client()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    page_of_first = _visit(first, project).get_data(as_text=True)
    served = _visit(second, project)
    assert served.headers[STATE_HEADER] == "hit"
    own = token.search(served.get_data(as_text=True)).group(1)
    assert own != token.search(page_of_first).group(1)
    switched = second.post("/lang", data={"csrf_token": own, "lang": "en", "next": f"/projects/{project.id}"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith(f"/projects/{project.id}")
    stolen = token.search(page_of_first).group(1)
    assert second.post("/lang", data={"csrf_token": stolen, "lang": "ky"}).status_code == 400


def test_a_cache_that_cannot_be_opened_leaves_the_page_working(app, visitor, published, tmp_path, monkeypatch):
    _, project = published
    monkeypatch.setitem(app.config, "PAGE_CACHE_PATH", str(tmp_path))  # a directory: SQLite cannot open it
    page = _visit(visitor, project)
    assert page.headers[STATE_HEADER] == "miss" and project.title in page.get_data(as_text=True)
    (tmp_path / "file").write_text("")
    monkeypatch.setitem(app.config, "PAGE_CACHE_PATH", str(tmp_path / "file" / "pages.sqlite"))  # no such directory
    assert _visit(visitor, project).headers[STATE_HEADER] == "miss"


def test_a_damaged_entry_is_rendered_again(app, visitor, published):
    _, project = published
    _visit(visitor, project)
    with app.app_context():
        page_cache.store()._connection().execute("UPDATE pages SET body = ?", (b"not zlib",))
    page = _visit(visitor, project)
    assert page.headers[STATE_HEADER] == "miss" and project.title in page.get_data(as_text=True)


@pytest.mark.parametrize("statement, shown", [
    ('UPDATE pledges SET status=? WHERE pledges.id = ?', True),
    ('INSERT INTO "projects" (title) VALUES (?)', True),
    ("INSERT OR REPLACE INTO answers VALUES (?)", True),
    ("  delete from questions where id = 1", True),
    ("INSERT INTO notifications (user_id) VALUES (?)", False),
    ("INSERT INTO outbox (kind) VALUES (?)", False),
    ("DELETE FROM search_projects WHERE project_id = ?", False),
    ("SELECT * FROM projects", False),
])
def test_which_statements_change_what_pages_show(plain_app, statement, shown):
    assert content_version.writes_shown_content(statement) is shown


def test_the_store_keeps_the_newest_rows_within_its_bound(tmp_path):
    pages = PageStore(tmp_path / "pages.sqlite", max_rows=50)
    for n in range(PRUNE_EVERY):
        pages.put(f"page {n}", 1, expires=10_000.0, body=f"<p>{n}</p>".encode(), now=float(n))
    kept = [n for n in range(PRUNE_EVERY) if pages.get(f"page {n}", 1, now=0.0) is not None]
    assert kept == list(range(PRUNE_EVERY - 50, PRUNE_EVERY))
    assert pages.get(f"page {PRUNE_EVERY - 1}", 2, now=0.0) is None  # another version
    assert pages.get(f"page {PRUNE_EVERY - 1}", 1, now=10_000.0) is None  # expired
    assert pages.get(f"page {PRUNE_EVERY - 1}", 1, now=9_999.0) == f"<p>{PRUNE_EVERY - 1}</p>".encode()
