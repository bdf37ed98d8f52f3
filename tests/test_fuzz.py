"""Property-based fuzzing of every route (issue 9): whatever the query string or the form holds,
the answer is never a 500, and a refused request (4xx) changes no row.

The routes come from ``app.url_map``, so a route added later is fuzzed too. Each is requested as
the role that can reach its code (an admin for /admin, a moderator for /moderation, an official
of the LSG whose project exists, a member otherwise), with ids of real rows, ids no database can
hold, and values made of NUL bytes, huge integers, nan/inf, long and unusual unicode.
"""
import importlib
import inspect
import pkgutil
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from wtforms.fields.core import UnboundField

import app.blueprints
from app.extensions import db
from app.models import Role
from tests.factories import make_official, make_profile, make_project, make_user
from tests.test_input_bounds import fill_rule

# Routes left out, and why.
SKIPPED = {
    "static": "files on disk, no application code",
    "auth.logout": "ends the fuzzing session itself; tests/test_sessions.py covers it",
}
QUERY_KEYS = ["page", "q", "region", "district", "municipality", "sector", "skill", "kind", "status", "near", "km",
              "sort", "year", "version", "next", "action", "actor", "target_type", "lang"]


def _form_field_names():
    for module in pkgutil.walk_packages(app.blueprints.__path__, "app.blueprints."):
        importlib.import_module(module.name)
    names = set()
    pending = [FlaskForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(name for name, value in inspect.getmembers(form) if isinstance(value, UnboundField))
    return sorted(names)


KEYS = sorted(set(_form_field_names()) | set(QUERY_KEYS))

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda s: s + "\x00"),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1e999999", "-1", "0", "007", "", " ",
                     str(2**31), str(2**31 - 1), str(2**63), "9" * 30, "9" * 5000, "1.5", "1,5", "2027-02-30",
                     "99999-01-01", "y", "on", "KGS", "USD", "funds", "publish", "member", "admin", "ky",
                     "\u202e\u0000", "ß" * 300, "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
                     "1. " * 600]),  # Markdown lists nested that deep once made Python-Markdown recurse to death
    st.integers().map(str),
)
FORM = st.dictionaries(st.sampled_from(KEYS), st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3)), max_size=8)
PATH_ID = st.sampled_from(["1", "2", "3", "4", "5", str(2**31 - 1), "0", "007", str(2**63), "99999999999999999999"])


def _role_for(rule):
    if rule.startswith("/admin"):
        return Role.ADMIN
    if rule.startswith("/moderation"):
        return Role.MODERATOR
    if rule.startswith("/auth"):
        return None  # a visitor
    if rule.startswith(("/projects", "/pledges/lsgs", "/pledges/projects", "/search/needs")) or rule in (
            "/pledges/<id:pledge_id>/confirm", "/pledges/<id:pledge_id>/reject",
            "/pledges/<id:pledge_id>/accept", "/pledges/<id:pledge_id>/decline"):
        return "official"
    return Role.MEMBER


def _cases():
    from tests.conftest import make_app

    rules = make_app("sqlite://").url_map.iter_rules()
    for rule in sorted(rules, key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule.rule, method, id=f"{method} {rule.rule}")


@pytest.fixture
def world(client, login_as):
    """A small site: an LSG with a published project (all kinds of needs), a member with a profile."""
    official = make_official()
    project = make_project(official, publish=True, photos=1)
    make_project(official, title="A draft school roof")
    member = make_user()
    make_profile(member, skills=["surgeon"])
    return {"official": official, "member": member, "project": project}


def row_counts():
    db.session.rollback()
    tables = [t.name for t in db.metadata.sorted_tables]
    select = ", ".join(f"(SELECT count(*) FROM {name})" for name in tables)
    return dict(zip(tables, db.session.execute(text(f"SELECT {select}")).one()))


@pytest.mark.parametrize("rule, method", list(_cases()))
def test_no_input_reaches_a_500_and_refused_input_changes_nothing(client, login_as, world, rule, method):
    role = _role_for(rule)
    if role == "official":
        login_as(world["official"])
    elif role == Role.MEMBER:
        login_as(world["member"])
    elif role is not None:
        login_as(make_user(role=role))

    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(ids=st.lists(PATH_ID, min_size=3, max_size=3), token=st.text(max_size=30), data=FORM)
    def probe(ids, token, data):
        numbers = iter(ids)
        path = fill_rule(rule, "<id>", text=quote(token, safe="") or "x")
        path = _fill_ids(path, numbers)
        before = row_counts()
        if method == "GET":
            response = client.get(path, query_string=data)
        else:
            response = client.open(path, method=method, data=data)
        assert response.status_code < 500, (method, path, data, response.status_code)
        if 400 <= response.status_code < 500:
            assert row_counts() == before, (method, path, data, response.status_code)

    probe()


def _fill_ids(path, numbers):
    while "<id>" in path:
        path = path.replace("<id>", next(numbers), 1)
    return path
