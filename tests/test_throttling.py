"""Throttles that stop abuse without locking the owner out, and say when to try again (item 10)."""
import pytest

from app.extensions import db
from app.models import User
from tests.factories import PASSWORD, make_user

ATTACKER, OWNER = "203.0.113.9", "198.51.100.20"


@pytest.fixture
def app_overrides():
    return {"REGISTER_RATE_LIMIT": "3 per hour", "LOGIN_RATE_LIMIT": "10 per minute",
            "LOGIN_RATE_LIMIT_PER_ACCOUNT": "5 per minute"}


def post_from(client, address, path, data):
    return client.post(path, data=data, environ_base={"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"})


def register(client, address, n):
    return post_from(client, address, "/auth/register", {
        "name": f"Account {n}", "email": f"bulk{n}@example.kg", "password": "long enough pw",
        "password_again": "long enough pw", "locale": "en"})


def test_registration_is_throttled_per_address_with_when_to_try_again(app):
    for n in range(3):
        assert register(app.test_client(), ATTACKER, n).status_code == 302
    refused = register(app.test_client(), ATTACKER, 3)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many attempts. Please try again in 1 hour." in page
    assert int(refused.headers["Retry-After"]) > 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 3
    assert register(app.test_client(), OWNER, 4).status_code == 302  # another address is not concerned


def test_an_attackers_wrong_passwords_do_not_lock_the_owner_out(app):
    owner = make_user()
    attacker = app.test_client()
    for _ in range(5):
        assert post_from(attacker, ATTACKER, "/auth/login",
                         {"email": owner.email, "password": "guess"}).status_code == 401
    refused = post_from(attacker, ATTACKER, "/auth/login", {"email": owner.email, "password": PASSWORD})
    assert refused.status_code == 429  # the attacker's address is stopped for this account
    assert "try again in" in refused.get_data(as_text=True)

    assert post_from(app.test_client(), OWNER, "/auth/login",
                     {"email": owner.email, "password": PASSWORD}).status_code == 302


def test_an_address_trying_many_accounts_is_stopped(app):
    client = app.test_client()
    statuses = [post_from(client, ATTACKER, "/auth/login", {"email": f"u{n}@example.kg", "password": "guess"})
                .status_code for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_the_wait_is_said_in_the_readers_language(app):
    for n in range(3):
        register(app.test_client(), ATTACKER, n)
    refused = app.test_client().post("/auth/register", data={"name": "x"},
                          environ_base={"REMOTE_ADDR": ATTACKER, "HTTP_ACCEPT_LANGUAGE": "ru"})
    assert refused.status_code == 429
    assert "Время до следующей попытки: 1 час." in refused.get_data(as_text=True)
