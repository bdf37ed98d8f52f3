"""Logout ends the session on the server too: a copied cookie is worthless (issue 9, item 9)."""
from tests.factories import PASSWORD, make_user


def copy_cookies(app, source, names=("session", "remember_token")):
    thief = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def test_a_session_cookie_copied_before_logout_does_not_work_after_it(app, client):
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    thief = copy_cookies(app, client)
    assert thief.get("/account/").status_code == 200  # the copy works while the session lasts

    assert client.post("/auth/logout").status_code == 302
    assert thief.get("/account/").status_code == 302  # back to the login page
    remember_only = copy_cookies(app, thief, names=("remember_token",))
    assert remember_only.get("/account/").status_code == 302


def test_logging_in_again_after_logout_works(client):
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert client.get("/account/").status_code == 200
