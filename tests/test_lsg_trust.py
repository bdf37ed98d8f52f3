"""LSG pages you can check (issue 12, section 1): the office's details written by its officials, a
moderator's verification, payment details that change only once a moderator approves them, and a
track record computed from the rows."""
import statistics
from datetime import datetime, timedelta

import pytest

from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.models import (AuditEvent, Lsg, Notification, PaymentDetails, PaymentDetailsStatus, Pledge, PledgeStatus,
                        Project, ProjectStatus, Role, SpendingLine, WalletKind)
from app.services import lsgs, payment_details, pledges, projects
from app.services.payment_details import (clean_account, clean_bic, clean_wallet_number, iban_checksum_ok,
                                          verified_payment_details)
from app.services.track_record import track_record
from tests.factories import make_lsg, make_membership, make_official, make_project, make_user

NO_DETAILS = "No verified payment details yet — pay at the LSG office or by card."
GOOD = {"bank_name": "KICB", "bic": "kicb kg 22", "account": "1280 0100 1234 5678", "recipient": "At-Bashy ayil okmotu",
        "budget_code": "4-11-2"}


def _count(model, **where):
    return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def _events(action):
    return db.session.scalars(db.select(AuditEvent).filter_by(action=action)).all()


def _propose(official, lsg, **changes):
    change = payment_details.propose_payment_details(official, lsg, **{**GOOD, **changes})
    db.session.commit()
    return change


def _approve(change, moderator=None):
    payment_details.approve_payment_details(moderator or make_user(role=Role.MODERATOR), change, reason="Called the office")
    db.session.commit()
    return change


# ---------------------------------------------------------------- the office's details


def test_officials_edit_the_office_details_and_the_page_shows_them(client, login_as):
    lsg = make_lsg()
    official = login_as(make_official(lsg))
    assert client.get(f"/lsgs/{lsg.id}/details").status_code == 200
    response = client.post(f"/lsgs/{lsg.id}/details", data={
        "head_name": "Asanov Nurlan", "office_address": "Lenin 12, At-Bashy", "phone": "+996 3534 2 11 22",
        "opening_hours": "Mon–Fri 8:00–17:00"})
    assert response.status_code == 302
    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    for text in ("Asanov Nurlan", "Lenin 12, At-Bashy", "+996 3534 2 11 22", "Mon–Fri 8:00–17:00"):
        assert text in page
    (event,) = _events("lsg.details_changed")
    assert event.actor_id == official.id and event.target_id == lsg.id and event.data["head_name"] == "Asanov Nurlan"


def test_only_the_lsgs_own_officials_edit_its_details(client, login_as):
    lsg = make_lsg()
    make_official(lsg)
    data = {"head_name": "Someone else", "office_address": "", "phone": "", "opening_hours": ""}
    assert client.post(f"/lsgs/{lsg.id}/details", data=data).headers["Location"].startswith("/auth/login")
    for outsider in (make_user(), make_official(make_lsg("KG-N-KOC-01", "Kochkor")), make_user(role=Role.MODERATOR),
                     make_user(role=Role.ADMIN)):
        login_as(outsider)
        assert client.get(f"/lsgs/{lsg.id}/details").status_code == 403
        assert client.post(f"/lsgs/{lsg.id}/details", data=data).status_code == 403
    assert db.session.get(Lsg, lsg.id).head_name == ""
    with pytest.raises(PermissionDenied):
        lsgs.update_details(make_user(), lsg, head_name="x")
    db.session.rollback()


def test_details_too_long_or_a_bad_phone_are_refused_next_to_their_field(client, login_as):
    lsg = make_lsg()
    login_as(make_official(lsg))
    response = client.post(f"/lsgs/{lsg.id}/details", data={"head_name": "A", "office_address": "x" * 301,
                                                            "phone": "", "opening_hours": ""})
    assert response.status_code == 422
    assert 'id="office_address-error">At most 300 characters.' in response.get_data(as_text=True)
    response = client.post(f"/lsgs/{lsg.id}/details", data={"head_name": "A", "office_address": "",
                                                            "phone": "call me", "opening_hours": ""})
    assert response.status_code == 422
    assert "Enter a phone number: digits, spaces, +, - and brackets." in response.get_data(as_text=True)
    assert db.session.get(Lsg, lsg.id).head_name == ""


# ---------------------------------------------------------------- checks of the numbers


def test_bic_iban_and_kyrgyz_account_checks_with_clear_messages():
    assert clean_bic("kicb kg 22") == "KICBKG22" and clean_bic("DEUTDEFF500") == "DEUTDEFF500"
    for bad in ("KICBKG2", "KICBKG2234", "1ICBKG22", "KICB-KG-22-X"):
        with pytest.raises(InvalidInput, match="A BIC has 8 or 11 characters") as raised:
            clean_bic(bad)
        assert raised.value.field == "bic"
    assert iban_checksum_ok("GB82WEST12345698765432") and not iban_checksum_ok("GB82WEST12345698765433")
    assert clean_account("gb82 west 1234 5698 7654 32") == "GB82WEST12345698765432"
    with pytest.raises(InvalidInput, match="check digits do not match"):
        clean_account("GB82WEST12345698765433")
    with pytest.raises(InvalidInput, match="An IBAN starts with 2 letters and 2 digits"):
        clean_account("GB8WEST1234")
    assert clean_account("1280-0100-1234-5678") == "1280010012345678"
    for bad in ("128001001234567", "12800100123456789", "1280A10012345678"):
        with pytest.raises(InvalidInput, match="16 digits for a Kyrgyz bank account, or an IBAN") as raised:
            clean_account(bad)
        assert raised.value.field == "account"
    assert clean_wallet_number("0555 123 456", "w") == clean_wallet_number("+996 (555) 123-456", "w") == "+996555123456"
    assert clean_wallet_number("", "w") == ""
    with pytest.raises(InvalidInput, match=r"\+996 and 9 digits"):
        clean_wallet_number("555 12", "w")


def test_the_form_shows_each_check_next_to_its_field(client, login_as):
    lsg = make_lsg()
    login_as(make_official(lsg))
    response = client.post(f"/lsgs/{lsg.id}/payment-details", data={**GOOD, "bic": "KICB22"})
    assert response.status_code == 422
    assert 'id="bic-error">A BIC has 8 or 11 characters' in response.get_data(as_text=True)
    response = client.post(f"/lsgs/{lsg.id}/payment-details", data={**GOOD, "account": "DE89370400440532013001"})
    assert response.status_code == 422
    assert "id=\"account-error\">This IBAN&#39;s check digits do not match" in response.get_data(as_text=True)
    response = client.post(f"/lsgs/{lsg.id}/payment-details", data={**GOOD, "recipient": ""})
    assert response.status_code == 422 and 'id="recipient-error"' in response.get_data(as_text=True)
    assert _count(PaymentDetails) == 0


# ---------------------------------------------------------------- a change waits for a moderator


def test_payment_details_wait_for_a_moderator_and_then_show_with_the_day_they_changed(client, login_as, clock):
    clock.set(datetime(2027, 3, 15, 6, 0))  # the same day in UTC and in Bishkek, where dates are shown
    payment_details.seed_wallet_kinds()
    elsom = db.session.scalar(db.select(WalletKind).filter_by(name="Elsom"))
    lsg = make_lsg()
    official = login_as(make_official(lsg))
    response = client.post(f"/lsgs/{lsg.id}/payment-details", data={**GOOD, f"wallet_{elsom.id}": "0555 123 456"})
    assert response.status_code == 302
    change = db.session.scalar(db.select(PaymentDetails))
    assert change.status == PaymentDetailsStatus.PENDING and change.proposed_by_id == official.id
    assert change.wallets == [{"kind": "Elsom", "number": "+996555123456"}]
    assert verified_payment_details(lsg) is None
    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    assert NO_DETAILS in page and "1280 0100 1234 5678" not in page
    assert _events("payment_details.proposed")[0].actor_id == official.id

    moderator = login_as(make_user(role=Role.MODERATOR))
    assert "At-Bashy" in client.get("/moderation/lsgs").get_data(as_text=True)
    response = client.post(f"/moderation/payment-details/{change.id}", data={"reason": "Called the office",
                                                                             "approve": "Approve"})
    assert response.status_code == 302
    assert verified_payment_details(lsg).id == change.id
    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    assert "1280 0100 1234 5678" in page and "KICBKG22" in page and "+996555123456" in page
    assert "Changed on March 15, 2027, verified by the ministry." in page
    (event,) = _events("payment_details.approved")
    assert event.actor_id == moderator.id and event.reason == "Called the office" and event.data["lsg_id"] == lsg.id


def test_a_new_change_replaces_the_one_still_waiting(client, login_as):
    lsg = make_lsg()
    official = make_official(lsg)
    first = _propose(official, lsg)
    second = _propose(official, lsg, bank_name="Optima Bank")
    assert db.session.get(PaymentDetails, first.id).status == PaymentDetailsStatus.REPLACED
    assert payment_details.pending_payment_details(lsg).id == second.id


def test_approval_tells_the_officials_and_the_donors_whose_offline_pledges_wait_once_each(app):
    lsg = make_lsg()
    official, colleague = make_official(lsg), make_user()
    make_membership(colleague, lsg, approved=True, position="Accountant")
    project = make_project(official, publish=True)
    need = next(n for n in project.needs if n.target_amount)
    waiting, confirmed_only, elsewhere = make_user(), make_user(), make_user()
    for _n in range(2):  # two pledges waiting: still told once
        pledges.pledge_money(waiting, need, amount=100_00, currency="KGS", method="bank_transfer")
    pledges.pledge_money(official, need, amount=50_00, currency="KGS", method="cash")  # an official who gives
    done = pledges.pledge_money(confirmed_only, need, amount=100_00, currency="KGS", method="bank_transfer")
    pledges.confirm_pledge(official, done)
    other_lsg = make_lsg("KG-N-KOC-01", "Kochkor")
    other = make_project(make_official(other_lsg), other_lsg, publish=True)
    pledges.pledge_money(elsewhere, next(n for n in other.needs if n.target_amount), amount=100_00, currency="KGS",
                         method="mobile_wallet")
    db.session.commit()

    _approve(_propose(official, lsg))
    told = db.session.scalars(db.select(Notification.user_id).filter_by(kind="payment_details_changed")).all()
    assert sorted(told) == sorted([official.id, colleague.id, waiting.id])
    note = db.session.scalar(db.select(Notification).filter_by(kind="payment_details_changed", user_id=waiting.id))
    assert note.params["lsg_id"] == lsg.id and note.params["lsg"]["en"] == lsg.name_en


def test_a_rejected_change_leaves_the_approved_details_and_tells_the_officials_why(client, login_as):
    lsg = make_lsg()
    official = make_official(lsg)
    first = _approve(_propose(official, lsg))
    second = _propose(official, lsg, account="DE89370400440532013000", bank_name="Fraud Bank")
    moderator = login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/payment-details/{second.id}", data={"reason": "The office never sent this",
                                                                             "reject": "Reject"})
    assert response.status_code == 302
    assert db.session.get(PaymentDetails, second.id).status == PaymentDetailsStatus.REJECTED
    assert verified_payment_details(lsg).id == first.id
    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    assert "1280 0100 1234 5678" in page and "Fraud Bank" not in page and "DE89" not in page
    (note,) = db.session.scalars(db.select(Notification).filter_by(kind="payment_details_rejected")).all()
    assert note.user_id == official.id and note.params["reason"] == "The office never sent this"
    assert _count(Notification, kind="payment_details_changed") == 1  # only the first approval told
    (event,) = _events("payment_details.rejected")
    assert event.actor_id == moderator.id and event.reason == "The office never sent this"
    # Decided once: a second decision is refused.
    response = client.post(f"/moderation/payment-details/{second.id}", data={"reason": "Again", "approve": "Approve"})
    assert response.status_code == 409 and verified_payment_details(lsg).id == first.id


def test_nobody_approves_their_own_lsgs_details_and_a_decision_needs_a_reason(client, login_as):
    lsg = make_lsg()
    official = make_official(lsg)
    change = _propose(official, lsg)
    insider = make_user(role=Role.MODERATOR)
    make_membership(insider, lsg, approved=True, position="Deputy head")
    for who in (official, insider, make_user()):
        login_as(who)
        response = client.post(f"/moderation/payment-details/{change.id}", data={"reason": "Fine", "approve": "Approve"})
        assert response.status_code == 403
    login_as(make_user(role=Role.MODERATOR))
    response = client.post(f"/moderation/payment-details/{change.id}", data={"reason": "", "approve": "Approve"})
    assert response.status_code == 422 and "Please give a reason for your decision." in response.get_data(as_text=True)
    assert db.session.get(PaymentDetails, change.id).status == PaymentDetailsStatus.PENDING
    assert verified_payment_details(lsg) is None


def test_removing_a_wallet_kind_keeps_it_in_approved_details(client, login_as):
    lsg = make_lsg()
    admin = login_as(make_user(role=Role.ADMIN))
    assert client.post("/admin/wallet-kinds", data={"name": "Balance.kg"}).status_code == 302
    assert client.post("/admin/wallet-kinds", data={"name": "balance.KG"}).status_code == 422
    kind_id = db.session.scalar(db.select(WalletKind.id).filter_by(name="Balance.kg"))
    _approve(_propose(make_official(lsg), lsg, wallets={kind_id: "0700 111 222"}))
    login_as(admin)
    assert client.post(f"/admin/wallet-kinds/{kind_id}/remove").status_code == 302
    assert _count(WalletKind, id=kind_id) == 0
    assert verified_payment_details(lsg).wallets == [{"kind": "Balance.kg", "number": "+996700111222"}]
    assert [e.data["name"] for e in _events("wallet_kind.removed")] == ["Balance.kg"]
    login_as(make_user())
    assert client.get("/admin/wallet-kinds").status_code == 403


def test_the_reference_seed_offers_elsom_mbank_and_odengi_once(app):
    payment_details.seed_wallet_kinds()
    assert payment_details.seed_wallet_kinds() == 0
    names = {k.name for k in payment_details.wallet_kinds()}
    assert {"Elsom", "MBank", "O!Dengi"} <= names


# ---------------------------------------------------------------- verified badge


def test_a_moderator_marks_an_lsg_verified_with_a_reason_and_the_page_says_since_when(client, login_as, clock):
    clock.set(datetime(2027, 3, 15, 6, 0))  # the same day in UTC and in Bishkek, where dates are shown
    lsg = make_lsg()
    assert "Not verified by a moderator yet." in client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    moderator = login_as(make_user(role=Role.MODERATOR))
    assert client.post(f"/moderation/lsgs/{lsg.id}/verify", data={"reason": ""}).status_code == 422
    assert client.post(f"/moderation/lsgs/{lsg.id}/verify", data={"reason": "Decree 12 of the district"}).status_code == 302
    lsg = db.session.get(Lsg, lsg.id)
    assert lsg.verified_by_id == moderator.id and lsg.verified_reason == "Decree 12 of the district"
    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    assert "Verified since March 15, 2027 by a moderator" in page
    (event,) = _events("lsg.verified")
    assert event.actor_id == moderator.id and event.reason == "Decree 12 of the district"
    assert client.post(f"/moderation/lsgs/{lsg.id}/verify", data={"reason": "Again"}).status_code == 409


def test_officials_and_members_cannot_verify_an_lsg(client, login_as):
    lsg = make_lsg()
    insider = make_user(role=Role.MODERATOR)
    make_membership(insider, lsg, approved=True)
    for who in (make_official(lsg), make_user(), insider):
        login_as(who)
        assert client.post(f"/moderation/lsgs/{lsg.id}/verify", data={"reason": "Me"}).status_code == 403
    assert db.session.get(Lsg, lsg.id).verified_at is None


# ---------------------------------------------------------------- track record


def _spend(official, project, amount):
    milestone = project.milestones[0]
    projects.post_update(official, project, body="Work done.", spending=[(milestone.id, amount, "Concrete", None)])


def test_the_track_record_is_what_the_rows_say(client, clock):
    clock.set(datetime(2027, 1, 10, 9, 0))
    lsg = make_lsg()
    official = make_official(lsg)
    donor = make_user()
    moderator = make_user(role=Role.MODERATOR)
    done = make_project(official, title="Done", publish=True)
    under_way = make_project(official, title="Under way", publish=True)
    stale = make_project(official, title="Stale", publish=True)
    given_up = make_project(official, title="Given up", publish=True)
    make_project(official, title="A draft given up")
    draft = make_project(official, title="Draft cancelled")
    projects.cancel_project(official, draft, reason="No money")
    projects.cancel_project(official, given_up, reason="Flood moved the river")
    waits = []
    for project, days in ((done, 1), (under_way, 3), (under_way, 4)):
        need = next(n for n in project.needs if n.target_amount)
        pledge = pledges.pledge_money(donor, need, amount=200_000_00, currency="KGS", method="bank_transfer")
        clock.advance(days=days)
        pledges.confirm_pledge(official, pledge)
        waits.append(days * 86400)
    pledges.pledge_money(donor, next(n for n in stale.needs if n.target_amount), amount=10_00, currency="KGS",
                         method="cash")  # waiting: not in the median
    _spend(official, done, 150_000_00)
    projects.post_update(official, done, body="Finished.", final_report=True)
    _spend(official, under_way, 100_000_00)
    clock.advance(days=80)
    projects.post_update(official, under_way, body="Still going.")
    clock.advance(days=15)  # "Stale" has had nothing since it was published, 95+ days ago
    db.session.commit()
    assert moderator and db.session.get(Project, done.id).status == ProjectStatus.COMPLETED

    record = track_record(lsg)
    statuses = db.session.scalars(db.select(Project.status).filter_by(lsg_id=lsg.id)).all()
    assert record.completed == statuses.count(ProjectStatus.COMPLETED) == 1
    assert record.in_progress == 2  # under way and stale, both published
    assert record.cancelled == 1  # the one given up after publication; the cancelled draft is nobody's business
    counted = db.session.scalar(db.select(db.func.sum(Pledge.converted_amount)).join(Project).where(
        Project.lsg_id == lsg.id, Pledge.status == PledgeStatus.CONFIRMED))
    spent = db.session.scalar(db.select(db.func.sum(SpendingLine.amount)))
    assert record.confirmed == counted == 600_000_00
    assert record.spent == spent == 250_000_00
    assert record.spent_percent == round(100 * spent / counted) == 42
    assert record.median_confirm == timedelta(seconds=statistics.median(waits)) == timedelta(days=3)
    assert record.median_confirm_days == 3.0 and record.confirmations == 3
    assert record.updates_overdue == 1 == sum(projects.is_stale(p) for p in (done, under_way, stale))
    assert record.answers.counted == 0

    page = client.get(f"/lsgs/{lsg.id}").get_data(as_text=True)
    assert "Track record" in page and "42%" in page and "3 days" in page
    assert page.index("Open for support (2)") < page.index("Completed (1)") and "Given up" not in page
