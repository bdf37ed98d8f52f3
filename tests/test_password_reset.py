"""Password reset by an emailed token, delivered through a real local SMTP server."""
import re

import pytest

from app.extensions import db
from app.worker import drain
from tests.factories import make_user


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port}


def reset_link(message):
    body = message.get_content()
    return re.search(r"http://localhost(/auth/reset/\S+)", body).group(1)


def test_reset_by_mailed_link_in_the_users_language(client, mailbox):
    user = make_user(locale="en", email="baktygul@example.kg")
    response = client.post("/auth/reset", data={"email": "Baktygul@Example.kg"})
    assert response.status_code == 302
    assert mailbox.messages == []  # the request only queued it: the worker sends it
    drain()
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "baktygul@example.kg"
    assert "Reset your Birge password" in message["Subject"]

    link = reset_link(message)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "fresh new secret", "password_again": "fresh new secret"})
    assert response.status_code == 302
    assert client.post("/auth/login", data={"email": user.email, "password": "fresh new secret"}).status_code == 302


def test_reset_link_works_only_once(client, mailbox):
    make_user(email="once@example.kg")
    client.post("/auth/reset", data={"email": "once@example.kg"})
    drain()
    link = reset_link(mailbox.messages[0])
    client.post(link, data={"password": "first new secret", "password_again": "first new secret"})

    response = client.post(link, data={"password": "second new secret", "password_again": "second new secret"})
    assert response.status_code == 422
    assert "invalid or has already been used" in response.get_data(as_text=True)
    assert client.post("/auth/login", data={"email": "once@example.kg", "password": "second new secret"}).status_code == 401


def test_unknown_address_gets_the_same_answer_and_no_mail(client, mailbox):
    response = client.post("/auth/reset", data={"email": "nobody@example.kg"}, follow_redirects=True)
    assert "If an account exists for that address" in response.get_data(as_text=True)
    drain()
    assert mailbox.messages == []


def test_forged_token_is_refused(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 422
    assert "invalid or has already been used" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_overrides", [{"PASSWORD_RESET_MAX_AGE": -1}])
def test_expired_token_is_refused_and_changes_nothing(client, app_overrides):
    from app.services.accounts import make_reset_token

    user = make_user()
    old_hash = user.password_hash
    token = make_reset_token(user)
    response = client.post(f"/auth/reset/{token}", data={"password": "fresh new secret",
                                                          "password_again": "fresh new secret"})
    assert response.status_code == 422
    assert "has expired" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_russian_speaker_gets_the_mail_in_russian(client, mailbox):
    make_user(locale="ru", email="ru@example.kg")
    client.post("/auth/reset", data={"email": "ru@example.kg"})
    drain()
    message = mailbox.messages[0]
    assert message["Subject"] == "Восстановление пароля на Birge"
    assert "Reset your Birge password" not in message["Subject"]


@pytest.mark.parametrize("app_overrides", [{}])  # no MAIL_SERVER
def test_without_smtp_the_mail_is_printed_to_the_log(client, caplog, app_overrides):
    make_user(email="log@example.kg")
    with caplog.at_level("WARNING"):
        client.post("/auth/reset", data={"email": "log@example.kg"})
        drain()
    assert "/auth/reset/" in caplog.text and "To: log@example.kg" in caplog.text
