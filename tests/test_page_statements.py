"""A project page costs the same number of statements whatever the length of its lists (needs,
pledges, photos, updates with their spending and photos, mission volunteers and checklist,
questions and answers): each list is loaded in one query, never one per row. On PostgreSQL every
statement is a round trip to the server; and the page asks the search engine nothing (on
Elasticsearch each call would be an HTTP round trip)."""
import contextlib

from sqlalchemy import event

from app.extensions import db
from tests.factories import make_user
from tests.page_world import busy_project

MAX_STATEMENTS = 30  # 25 today for a visitor, whatever the lists' length


@contextlib.contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _page_statements(client, project_id):
    client.get(f"/projects/{project_id}")  # the first request warms what every request shares
    with counted_statements() as statements:
        response = client.get(f"/projects/{project_id}")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def _two_sizes():
    small = busy_project(2)
    return small, busy_project(10, title="Surgery week at the Naryn hospital", official=small.official)


def test_a_visitors_project_page_statements_do_not_grow_with_its_lists(app, client):
    small, big = _two_sizes()
    small_count, _html = _page_statements(client, small.project.id)
    big_count, html = _page_statements(client, big.project.id)
    assert "Giver 9" in html and "Cement 9" in html and "Answer 9." in html and "Asker 9" in html
    assert big_count == small_count, f"{small_count} statements with 2 of each, {big_count} with 10"
    assert small_count <= MAX_STATEMENTS


def test_a_members_and_an_officials_page_do_not_grow_either(app, client, login_as):
    small, big = _two_sizes()
    login_as(make_user(name="Reader"))
    assert _page_statements(client, small.project.id)[0] == _page_statements(client, big.project.id)[0]
    login_as(big.official)  # an official of both: the working copies
    small_count, _html = _page_statements(client, small.project.id)
    big_count, html = _page_statements(client, big.project.id)
    assert "Manage this project" in html
    assert big_count == small_count, f"{small_count} statements with 2 of each, {big_count} with 10"


def test_the_project_page_asks_the_search_engine_nothing(app, client, monkeypatch):
    project = busy_project(2).project
    engine = app.extensions["search"]
    calls = []

    def counting(name, real):
        def call(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)
        return call

    for name in ("sync", "push", "search", "project_documents", "match_projects", "match_profiles", "suggest",
                 "generation", "reindex", "indexed_ids", "check", "ping"):
        monkeypatch.setattr(engine, name, counting(name, getattr(engine, name)))
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert calls == []
