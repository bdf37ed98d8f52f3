"""CSRF on every form, security headers, health check, safe redirects, no stack traces."""
import pytest

from app.extensions import db
from app.models import LsgMembership, User
from app.security import is_safe_next
from tests.factories import PASSWORD, make_lsg, make_user


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


def test_form_without_csrf_token_is_refused_and_changes_nothing(client):
    response = client.post("/auth/register", data={
        "name": "Forged", "email": "forged@example.kg", "password": "long enough pw",
        "password_again": "long enough pw", "locale": "en"})
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_logged_in_post_without_token_is_refused(client):
    lsg = make_lsg()
    user = make_user()
    with client.session_transaction() as session:  # log in without the form: forge the session
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    response = client.post(f"/lsgs/{lsg.id}/join", data={"position": "Head"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(LsgMembership.id))) == 0
    assert client.post("/lang", data={"lang": "ky"}).status_code == 400


def test_forms_carry_a_token_and_work_with_it(client):
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}


def test_pages_load_no_third_party_assets(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    assert client.get("/static/css/birge.css").status_code == 200


@pytest.mark.parametrize("target, safe", [
    ("/lsgs/", True), ("/account/?tab=1", True), ("", False), (None, False),
    ("https://evil.example/", False), ("//evil.example", False), ("/\\evil.example", False),
    ("javascript:alert(1)", False), ("lsgs/", False),
])
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_search_buttons_without_token_change_nothing(client):
    from app.models import SavedSearch

    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    assert client.post("/search/saved", data={"query": "q=bridge"}).status_code == 400
    assert client.post("/search/follow-home").status_code == 400
    assert client.post("/search/saved/1/delete").status_code == 400
    assert db.session.scalar(db.select(db.func.count(SavedSearch.id))) == 0
