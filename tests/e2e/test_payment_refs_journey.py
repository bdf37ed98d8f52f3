"""An offline pledge on a 360×740 phone in Kyrgyz (issue 12, section 2): a member pledges 5 000 som
by bank transfer, sees the payment reference to write in the transfer's purpose field, opens the
payment slip and prints it (print media: no header, no footer); the official types the reference
with a typo and is told, then types it right, lands on the pledge and confirms it. No page
overflows sideways or has a critical or serious axe-core violation; after the typo the error is in
view."""
from playwright.sync_api import expect

from app.extensions import db
from app.models import NeedKind, Pledge, PledgeStatus, Role
from app.payment_refs import ALPHABET
from app.services import payment_details
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.e2e.phone import Checks
from tests.factories import make_lsg, make_official, make_project, make_user


NGETTEXT_ONE_PLEDGE = "(1 убададан)"  # the Kyrgyz track record: the median time is "of 1 pledge"


def refs_journey(checks, phone, base):
    lsg = make_lsg("KG-N-ATB-01", "Ат-Башы айыл өкмөтү")
    official = make_official(lsg, name="Нурлан Асанов", locale="ky")
    project = make_project(official, lsg, title="Ат-Башы көпүрөсү", publish=True)
    need = next(n for n in project.needs if n.kind == NeedKind.FUNDS)
    member = make_user(name="Айгүл Токтогулова", locale="ky")
    change = payment_details.propose_payment_details(official, lsg, bank_name="KICB", bic="KICBKG22",
                                                     account="1280010012345678", recipient="Ат-Башы айыл өкмөтү")
    payment_details.approve_payment_details(make_user(role=Role.MODERATOR), change, reason="Called the office")
    db.session.commit()

    page = phone()
    log_in(page, base, member)
    page.goto(f"{base}/projects/{project.id}")  # the member opens the project and chooses to give money
    page.locator(f"a[href='/pledges/needs/{need.id}']").first.click()
    expect(page.locator(".payment-details")).to_contain_text("1280 0100 1234 5678")  # the verified account
    page.locator("#amount").fill("5000")
    page.locator("#method").select_option("bank_transfer")
    page.locator("main form button[type=submit]").click()
    reference = page.locator(".payment-ref-big .payment-ref")
    expect(reference).to_be_visible()
    ref = reference.inner_text()
    pledge = db.session.scalar(db.select(Pledge).filter_by(payment_ref=ref))
    assert pledge is not None and pledge.member_id == member.id
    checks.look(page, "made")

    page.locator(f"a[href='/pledges/{pledge.id}/slip']").click()
    expect(page.locator(".slip .payment-ref")).to_have_text(ref)
    expect(page.locator(".slip")).to_contain_text("Ат-Башы көпүрөсү")
    expect(page.locator(".slip")).to_contain_text("KICBKG22")
    checks.look(page, "slip")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".slip .payment-ref")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "payment-slip-print-360.png"), full_page=True)
    page.emulate_media(media="screen")

    page.goto(f"{base}/pledges/mine")
    expect(page.locator("main")).to_contain_text(ref)
    checks.look(page, "mine")

    page = phone()
    log_in(page, base, official)
    page.goto(f"{base}/pledges/projects/{project.id}")
    checks.look(page, "incoming")
    typo = ref[:-1] + ALPHABET[(ALPHABET.index(ref[-1]) + 1) % len(ALPHABET)]
    page.locator("#ref").fill(typo)
    page.locator("form.find-ref-form button[type=submit]").click()
    expect(page.locator(".field-error")).to_be_visible()
    checks.failed_submit(page, "find-typo")
    page.locator("#ref").fill(ref.lower().replace("-", " "))
    page.locator("form.find-ref-form button[type=submit]").click()
    found = page.locator(f"#pledge-{pledge.id}")
    expect(found).to_have_class("card found-pledge")
    checks.look(page, "found")
    found.locator("form[action$='/confirm'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.CONFIRMED
    page.goto(f"{base}/lsgs/{lsg.id}")  # the track record moved: one offline pledge confirmed
    expect(page.locator("main")).to_contain_text(NGETTEXT_ONE_PLEDGE)
    checks.look(page, "lsg-after")


def test_an_offline_pledge_by_its_reference_at_360px_has_no_horizontal_overflow(live_server, phone):
    checks = Checks("phone-payment-refs", "overflow", "shots")
    refs_journey(checks, phone, live_server)
    checks.assert_clean()


def test_an_offline_pledge_by_its_reference_at_360px_has_no_serious_axe_violations(live_server, phone):
    checks = Checks("phone-payment-refs", "axe", "errors")
    refs_journey(checks, phone, live_server)
    checks.assert_clean()
