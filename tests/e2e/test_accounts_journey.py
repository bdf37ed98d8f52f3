"""A new user in a real browser: register, log in, switch language, join an LSG, get approved."""
import re

from playwright.sync_api import expect

from app.models import Role
from tests.e2e.conftest import open_menu
from tests.factories import PASSWORD, make_lsg, make_user


def test_register_login_switch_language_logout(live_server, new_page, screenshot):
    page = new_page(phone=True)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Full name").fill("Asel Bekova")
    page.get_by_label("Email").fill("asel@example.kg")
    page.get_by_label("Password", exact=True).fill("my long password")
    page.get_by_label("Repeat the password").fill("my long password")
    page.get_by_label("Language", exact=True).select_option("en")
    screenshot(page, "1-register")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to Birge, Asel Bekova!")).to_be_visible()

    open_menu(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    page.get_by_role("link", name="Log in").first.click()
    page.get_by_label("Email").fill("asel@example.kg")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The email or password is not correct.")).to_be_visible()
    page.get_by_label("Password").fill("my long password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("You are logged in.")).to_be_visible()

    open_menu(page).get_by_role("button", name="Кыргызча").click()
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(open_menu(page).get_by_role("button", name="Чыгуу")).to_be_visible()
    screenshot(page, "2-kyrgyz")
    open_menu(page).get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    open_menu(page).get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("link", name="Войти").first).to_be_visible()


def test_join_an_lsg_and_a_moderator_approves_with_an_audit_record(live_server, new_page, screenshot):
    make_lsg(name="At-Bashy ayil okmotu")
    moderator = make_user(role=Role.MODERATOR, email="moderator@example.kg", locale="ru")

    official = new_page(phone=True, locale="ru-RU")
    official.goto(live_server + "/auth/register")
    expect(official.locator("html")).to_have_attribute("lang", "ru")
    open_menu(official).get_by_role("button", name="Кыргызча").click()
    expect(official.locator("html")).to_have_attribute("lang", "ky")
    official.locator("#name").fill("Нурлан Асанов")
    official.locator("#email").fill("nurlan@example.kg")
    official.locator("#password").fill("my long password")
    official.locator("#password_again").fill("my long password")
    official.locator("#locale").select_option("ky")
    official.locator("main form button[type=submit]").click()
    official.goto(live_server + "/lsgs/")
    official.locator(".lsg-list a[href$='/join']").first.click()
    official.locator("#position").fill("Айыл өкмөтүнүн башчысы")
    official.locator("#message").fill("Тел. 0312 000 000")
    official.locator("main form button[type=submit]").click()
    expect(official.locator(".badge-pending")).to_be_visible()
    screenshot(official, "1-request-sent")

    desk = new_page(locale="ru-RU")
    desk.goto(live_server + "/auth/login")
    desk.locator("#email").fill(moderator.email)
    desk.locator("#password").fill(PASSWORD)
    desk.locator("main form button[type=submit]").click()
    desk.goto(live_server + "/moderation/memberships")
    expect(desk.get_by_text("Нурлан Асанов")).to_be_visible()
    desk.get_by_role("link", name="Рассмотреть").click()
    desk.get_by_role("button", name="Одобрить").click()  # no reason yet: refused
    expect(desk.locator(".field-error")).to_be_visible()
    desk.locator("#reason").fill("Проверено по телефону айыл окмоту")
    desk.get_by_role("button", name="Одобрить").click()
    expect(desk.locator(".flash-success")).to_be_visible()
    desk.goto(live_server + "/moderation/audit?action=membership.approved")
    expect(desk.get_by_text("Проверено по телефону айыл окмоту")).to_be_visible()
    screenshot(desk, "2-audit")

    official.reload()
    expect(official.locator(".badge-approved")).to_be_visible()
    expect(official.get_by_text(re.compile("Проверено по телефону"))).to_be_visible()
    screenshot(official, "3-approved")
