"""Browser tests: Playwright drives Debian's chromium against the app served on 127.0.0.1."""
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path():
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError("Debian's chromium is not installed; `make test` installs it (apt-get install chromium).")
    return path


@pytest.fixture
def app_overrides():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """Open a fresh browser context (own cookies) as a phone or a desktop; screenshots kept as artifacts."""
    contexts = []

    def open_page(phone=False, locale="en-US"):
        options = {"locale": locale}
        if phone:
            options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context = browser.new_context(**options)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    ARTIFACTS.mkdir(exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "")

    def take(page, step):
        page.screenshot(path=str(ARTIFACTS / f"{name}-{step}.png"), full_page=True)

    return take


def log_in(page, base, user, password=None):
    """Log a user in through the login form, as a person would."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto(base + "/auth/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(password or PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()


def open_menu(page):
    """Open the header's user menu (account, contributions, moderation, admin, language, log out)."""
    menu = page.locator(".user-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu

@pytest.fixture
def phone(browser):
    """Open a page on a fresh 360×740 phone context (tests/e2e/phone.py), Kyrgyz unless told."""
    from tests.e2e.phone import phone_context  # phone.py imports this module: lazy to avoid the cycle

    contexts = []

    def open_page(locale="ky"):
        context = phone_context(browser, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
