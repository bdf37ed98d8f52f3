"""The reader's language choice: a choice made before logging in is the newer one and is kept; the
switcher brings the reader back to the page they were on, a form shown again after a failed POST
included."""
import re

from app.extensions import db
from tests.factories import PASSWORD, make_official, make_project, make_user


def _switcher_next(page):
    form = page.split('class="lang-switch"', 1)[1].split("</form>", 1)[0]
    return re.search(r'name="next" value="([^"]*)"', form).group(1)


def test_a_language_chosen_before_logging_in_is_kept_and_saved(client):
    user = make_user(locale="ky")
    db.session.commit()
    client.post("/lang", data={"lang": "ru"})
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get("/account/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "ru"


def test_without_a_choice_before_logging_in_the_accounts_language_wins(client):
    user = make_user(locale="ky")
    db.session.commit()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                headers={"Accept-Language": "en"})
    assert '<html lang="ky">' in client.get("/account/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "ky"


def test_a_choice_made_while_logged_in_does_not_rewrite_the_next_account(client, login_as):
    login_as(make_user(locale="en"))
    client.post("/lang", data={"lang": "ru"})
    client.post("/auth/logout")
    other = login_as(make_user(locale="ky"))
    assert '<html lang="ky">' in client.get("/account/").get_data(as_text=True)
    db.session.refresh(other)
    assert other.locale == "ky"


def test_a_choice_before_logging_in_counts_for_one_login_only(client, login_as):
    client.post("/lang", data={"lang": "ru"})
    login_as(make_user(locale="en"))
    client.post("/auth/logout")
    other = login_as(make_user(locale="ky"))
    db.session.refresh(other)
    assert other.locale == "ky"


def test_switching_after_a_failed_login_returns_to_the_login_form(client):
    failed = client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong-password"})
    assert failed.status_code == 401
    target = _switcher_next(failed.get_data(as_text=True))
    assert target == "/auth/login"
    response = client.post("/lang", data={"lang": "ky", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def _failed_funds_need(client, login_as, referer):
    official = make_official()
    project = make_project(official)
    login_as(official)
    failed = client.post(f"/projects/{project.id}/needs/funds", data={"title": "", "target_amount": "x"},
                         headers={"Referer": referer.format(id=project.id)})
    assert failed.status_code == 422
    return project, _switcher_next(failed.get_data(as_text=True))


def test_switching_after_a_failed_post_to_an_action_url_returns_to_the_page_of_the_form(client, login_as):
    # The form's action URL has no page of its own (POST only): the page it was sent from is the way back.
    project, target = _failed_funds_need(client, login_as, "http://localhost/projects/{id}/manage")
    assert target == f"/projects/{project.id}/manage"
    response = client.post("/lang", data={"lang": "ru", "next": target})
    assert response.headers["Location"] == target


def test_the_way_back_is_never_another_site(client, login_as):
    _project, target = _failed_funds_need(client, login_as, "https://evil.example/projects/{id}/manage")
    assert target == ""
    for outside in ("//evil.example/", "https://evil.example/", "/\\evil.example/"):
        assert client.post("/lang", data={"lang": "en", "next": outside}).headers["Location"] == "/"


def test_a_get_page_comes_back_with_its_query(client):
    page = client.get("/lsgs/?page=1").get_data(as_text=True)
    assert _switcher_next(page) == "/lsgs/?page=1"


def test_the_logged_in_message_is_in_the_language_of_the_account(client):
    user = make_user(locale="ky", email="ky-speaker@example.kg")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You are logged in." not in page
    assert 'lang="ky"' in page
