"""Links in mail come from the configured PUBLIC_URL, never from the request (issue 9, item 8)."""
import re

import pytest

from app import create_app
from app.worker import drain
from config import ConfigError
from tests.factories import make_user


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port, "PUBLIC_URL": "https://birge.example.kg/site"}


def test_a_reset_asked_with_a_forged_host_mails_a_link_on_public_url(client, mailbox):
    make_user(email="asel@example.kg")
    response = client.post("/auth/reset", data={"email": "asel@example.kg"},
                           headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 302
    drain()
    body = mailbox.messages[0].get_content()
    assert "evil.example" not in body
    link = re.search(r"https://birge\.example\.kg/site(/auth/reset/\S+)", body).group(1)
    assert client.get(link).status_code == 200  # the token in it is the real one


def test_production_refuses_to_start_without_public_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a production secret")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app("production")
    monkeypatch.setenv("PUBLIC_URL", "evil.example/no-scheme")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app("production")
