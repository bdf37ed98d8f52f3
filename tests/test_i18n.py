"""Three languages: the user's setting, else the switcher, else the browser; complete catalogs."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.extensions import db
from app.models import Role
from tests.factories import make_lsg, make_membership, make_user

CATALOGS = Path(__file__).resolve().parent.parent / "app" / "translations"


@pytest.mark.parametrize("header, lang, text", [
    ("ky,ru;q=0.8", "ky", "Кирүү"),
    ("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Войти"),
    ("en-GB,en;q=0.9", "en", "Log in"),
    ("de-DE,fr;q=0.8", "ru", "Войти"),  # no language we speak: the default, Russian
])
def test_browser_language_decides_for_visitors(client, header, lang, text):
    page = client.get("/auth/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert text in page


def test_switcher_is_kept_in_the_session_over_the_browser_language(client):
    response = client.post("/lang", data={"lang": "ky", "next": "/lsgs/"})
    assert response.status_code == 302 and response.headers["Location"] == "/lsgs/"
    page = client.get("/lsgs/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ky">' in page


def test_switcher_refuses_unknown_languages_and_outside_redirects(client):
    assert client.post("/lang", data={"lang": "xx"}).status_code == 400
    response = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_users_setting_wins_and_the_switcher_updates_it(client, login_as):
    user = login_as(make_user(locale="ru"))
    page = client.get("/account/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ru">' in page
    client.post("/lang", data={"lang": "ky"})
    db.session.refresh(user)
    assert user.locale == "ky"


def test_error_pages_speak_the_users_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ky"})
    assert response.status_code == 404
    assert '<html lang="ky">' in response.get_data(as_text=True)
    assert "Page not found" not in response.get_data(as_text=True)


def test_reference_names_follow_the_language(client):
    make_lsg(municipality_code="KG-N-ATB-01")
    ky = client.get("/lsgs/", headers={"Accept-Language": "ky"}).get_data(as_text=True)
    ru = client.get("/lsgs/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Ат-Башы району" in ky and "Нарын облусу" in ky
    assert "Ат-Башинский район" in ru and "Нарынская область" in ru


def test_dates_are_formatted_for_the_locale(client, login_as):
    make_membership(make_user(), make_lsg())
    login_as(make_user(role=Role.MODERATOR, locale="en"))
    en = client.get("/moderation/memberships").get_data(as_text=True)
    client.post("/lang", data={"lang": "ru"})
    ru = client.get("/moderation/memberships").get_data(as_text=True)
    # English short dates read 11/23/26, Russian ones 23.11.2026.
    assert "/" in en.split("<tbody>")[1].split("</td>")[0]
    assert "." in ru.split("<tbody>")[1].split("</td>")[0]


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_catalog_is_complete(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f)
    missing = [m.id for m in catalog if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_catalogs_cover_every_string_in_the_code(tmp_path):
    """Every string wrapped in _() or _l() in the code and templates has a catalog entry."""
    from babel.messages.extract import extract_from_dir

    root = CATALOGS.parent.parent
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    wanted = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(root), method_map=method_map, keywords=keywords):
        wanted.add(message if isinstance(message, str) else message[0])
    with open(CATALOGS / "ru" / "LC_MESSAGES" / "messages.po", "rb") as f:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert sorted(wanted - known) == []
