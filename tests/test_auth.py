"""Register, log in and out, remember me, settings, password change, login throttling."""
import pytest
from flask_babel import force_locale

from app.errors import InvalidInput
from app.extensions import db
from app.models import User
from app.services import accounts
from tests.factories import PASSWORD, make_user


def user_count():
    return db.session.scalar(db.select(db.func.count(User.id)))


def register(client, **fields):
    data = {"name": "Айгүл Асанова", "email": "aigul@example.kg", "password": "long enough pw",
            "password_again": "long enough pw", "locale": "ky"}
    data.update(fields)
    return client.post("/auth/register", data=data)


def test_register_creates_account_logs_in_and_keeps_language(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).filter_by(email="aigul@example.kg"))
    assert user.name == "Айгүл Асанова" and user.locale == "ky"
    assert user.password_hash.startswith("scrypt:")
    page = client.get("/account/").get_data(as_text=True)
    assert 'lang="ky"' in page and "aigul@example.kg" in page


def test_duplicate_registration_is_refused_case_insensitively(client):
    make_user(email="aigul@example.kg")
    before = user_count()
    response = register(client, email="  AIGUL@Example.KG ")
    assert response.status_code == 409
    assert "already exists" in response.get_data(as_text=True)
    assert user_count() == before


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": "x" * 121}, "at most 120 characters"),
        ({"email": "not-an-email"}, "valid email address"),
        ({"password": "short", "password_again": "short"}, "between 8 and 128 characters"),
        ({"password_again": "something else"}, "do not match"),
        ({"locale": "de"}, "Not a valid choice"),
    ],
)
def test_bad_registration_input_is_explained_and_saves_nothing(client, fields, message):
    response = register(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == 0


def test_login_and_logout(client):
    user = make_user(name="Bakyt")
    response = client.post("/auth/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert "Bakyt" in client.get("/account/").get_data(as_text=True)
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/account/").status_code == 302  # back to the login page


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    user = make_user()
    wrong = client.post("/auth/login", data={"email": user.email, "password": "wrong password"})
    unknown = client.post("/auth/login", data={"email": "nobody@example.kg", "password": "wrong password"})
    assert wrong.status_code == unknown.status_code == 401
    message = "The email or password is not correct."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_remember_me_keeps_the_login_after_the_browser_session_ends(client):
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser was closed
    assert client.get("/account/").status_code == 200


def test_without_remember_me_closing_the_browser_logs_out(client):
    user = make_user()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert client.get("/account/").status_code == 302


def test_login_redirects_only_inside_the_site(client):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    inside = client.post("/auth/login", data={**data, "next": "/lsgs/"})
    assert inside.headers["Location"] == "/lsgs/"
    client.post("/auth/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/auth/login", data={**data, "next": evil})
        assert "evil" not in response.headers["Location"]
        client.post("/auth/logout")


def test_login_is_rate_limited_with_a_clear_message(client):
    user = make_user()
    for _ in range(5):
        client.post("/auth/login", data={"email": user.email, "password": "wrong password"})
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302  # the right password did not get through


def test_logout_needs_post(client, login_as):
    login_as(make_user())
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/account/").status_code == 200


def test_edit_name_and_language(client, login_as):
    user = login_as(make_user(name="Old Name", locale="en"))
    response = client.post("/account/", data={"name": "Жаңы Ат", "locale": "ru"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Жаңы Ат", "ru")
    assert 'lang="ru"' in client.get("/account/").get_data(as_text=True)


def test_change_password_ends_other_sessions(app, client, login_as):
    user = login_as(make_user())
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert other_device.get("/account/").status_code == 200

    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new secret", "password_again": "a brand new secret"})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200  # this session goes on
    assert other_device.get("/account/").status_code == 302  # the other one ended
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    assert client.post("/auth/login", data={"email": user.email, "password": "a brand new secret"}).status_code == 302


def test_change_password_with_wrong_current_password_changes_nothing(client, login_as):
    user = login_as(make_user())
    old_hash = user.password_hash
    response = client.post("/account/password", data={
        "current_password": "not my password", "password": "a brand new secret",
        "password_again": "a brand new secret"})
    assert response.status_code == 422
    assert "current password is not correct" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_the_services_refuse_a_short_password_whatever_calls_them(app):
    """One rule for the password length, checked by the accounts service, not only by the forms."""
    with force_locale("ru"), pytest.raises(InvalidInput) as refused:
        accounts.register_user(email="short@example.kg", password="1234567", name="Short")
    assert refused.value.field == "password"
    assert str(refused.value.message) == "Пароль должен содержать от 8 до 128 символов."
    with pytest.raises(InvalidInput):
        accounts.register_user(email="long@example.kg", password="x" * 129, name="Long")
    assert user_count() == 0

    user = make_user()
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(user, current_password=PASSWORD, new_password="short")
    assert refused.value.field == "password"
    with pytest.raises(InvalidInput):
        accounts.reset_password(accounts.make_reset_token(user), "short")
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
