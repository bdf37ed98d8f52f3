"""Payment references (issue 12, section 2): every pledge has one, a typo in it is caught, officials
find a pledge by it (only their own LSG's), and the member sees it after pledging, on the slip, the
receipt and "My contributions"."""
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.models import NeedKind, Pledge, PledgeStatus, Role
from app.payment_refs import ALPHABET, NotAReference, check_character, formatted, is_valid, new_reference, parse
from app.services import payment_details, projects
from app.services.reference import seed_reference_data
from tests.conftest import make_app
from tests.factories import make_lsg, make_official, make_project, make_user

FORMAT = re.compile(r"BRG-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}")
codes = st.text(alphabet=ALPHABET, min_size=7, max_size=7).map(lambda payload: payload + check_character(payload))


def funds_need(project):
    return next(n for n in project.needs if n.kind == NeedKind.FUNDS)


@pytest.fixture
def published(app):
    official = make_official()
    project = make_project(official, publish=True, budget=100_000_00)
    return official, project


def pledge_offline(client, need, amount="5 000", method="bank_transfer"):
    return client.post(f"/pledges/needs/{need.id}", data={"amount": amount, "currency": "KGS", "method": method})


# ---------------------------------------------------------------- the reference itself

def test_a_new_reference_reads_brg_and_two_groups_of_four_without_look_alikes():
    for _ in range(200):
        ref = new_reference()
        assert FORMAT.fullmatch(ref), ref
        assert not set(ref[4:]) & set("01OIL")
        assert parse(ref) == ref


def test_what_people_type_is_read_leniently():
    ref = new_reference()
    code = ref.replace("BRG-", "").replace("-", "")
    for typed in (ref.lower(), f"  {code} ", f"brg {code[:4]} {code[4:]}", code, f"BRG{code}"):
        assert parse(typed) == ref


@pytest.mark.parametrize("typed, reason", [
    ("", "length"), ("BRG-7K4M", "length"), ("BRG-7K4M-X2QHH", "length"),
    ("BRG-0K4M-X2QH", "characters"), ("BRG-7K4M-X2Q1", "characters"), ("BRG-7K4M-X2Q?", "characters"),
])
def test_a_reference_of_the_wrong_shape_says_what_is_wrong(typed, reason):
    with pytest.raises(NotAReference) as wrong:
        parse(typed)
    assert wrong.value.reason == reason


@given(codes, st.integers(0, 7), st.integers(1, len(ALPHABET) - 1))
def test_any_single_wrong_character_is_caught(code, position, shift):
    assert is_valid(code)
    typo = code[:position] + ALPHABET[(ALPHABET.index(code[position]) + shift) % len(ALPHABET)] + code[position + 1:]
    assert not is_valid(typo)
    with pytest.raises(NotAReference) as wrong:
        parse(formatted(typo))
    assert wrong.value.reason == "check"


@given(codes, st.integers(0, 6))
def test_any_swap_of_two_neighbours_is_caught(code, position):
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    if swapped != code:
        assert not is_valid(swapped)


def test_the_check_catches_every_single_error_and_swap_exhaustively_on_a_sample():
    """Hypothesis draws examples; here every position and every replacement of a few references."""
    for _ in range(20):
        code = parse(new_reference()).replace("BRG-", "").replace("-", "")
        for position in range(8):
            for symbol in ALPHABET:
                if symbol != code[position]:
                    assert not is_valid(code[:position] + symbol + code[position + 1:])
            if position < 7 and code[position] != code[position + 1]:
                assert not is_valid(code[:position] + code[position + 1] + code[position] + code[position + 2:])


# ---------------------------------------------------------------- on pledges

def test_every_pledge_gets_a_unique_reference_when_it_is_made(client, login_as, published):
    _, project = published
    need = funds_need(project)
    login_as(make_user())
    for _ in range(5):
        assert pledge_offline(client, need, amount="100").status_code == 302
    refs = db.session.scalars(db.select(Pledge.payment_ref)).all()
    assert len(refs) == len(set(refs)) == 5
    assert all(FORMAT.fullmatch(ref) for ref in refs)


def test_a_drawn_reference_another_pledge_has_is_drawn_again(client, login_as, published, monkeypatch):
    _, project = published
    need = funds_need(project)
    login_as(make_user())
    pledge_offline(client, need, amount="100")
    taken = db.session.scalar(db.select(Pledge.payment_ref))
    fresh = new_reference()
    draws = iter([taken, taken, fresh])
    monkeypatch.setattr("app.models.pledges.new_reference", lambda: next(draws))
    pledge_offline(client, need, amount="100")
    assert sorted(db.session.scalars(db.select(Pledge.payment_ref))) == sorted([taken, fresh])


def test_the_database_refuses_two_pledges_with_one_reference(client, login_as, published):
    _, project = published
    need = funds_need(project)
    login_as(make_user())
    pledge_offline(client, need, amount="100")
    pledge_offline(client, need, amount="200")
    first, second = db.session.scalars(db.select(Pledge).order_by(Pledge.id)).all()
    second.payment_ref = first.payment_ref
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_after_an_offline_pledge_the_member_sees_the_reference_and_a_slip(client, login_as, published):
    official, project = published
    need = funds_need(project)
    member = login_as(make_user(name="Aibek Jumabekov"))
    response = pledge_offline(client, need)
    pledge = db.session.scalar(db.select(Pledge))
    assert urlsplit(response.location).path == f"/pledges/{pledge.id}/made"
    page = client.get(response.location).get_data(as_text=True)
    assert pledge.payment_ref in page and re.search(r"Write this in the transfer(&#39;|')s purpose field", page)
    assert f"/pledges/{pledge.id}/slip" in page

    slip = client.get(f"/pledges/{pledge.id}/slip")
    assert slip.status_code == 200
    text = slip.get_data(as_text=True)
    assert pledge.payment_ref in text and "KGS5,000" in text and "(KGS)" in text
    assert project.public_title in text and project.lsg.name in text
    assert "Pay to At-Bashy ayil okmotu" in text  # no verified payment details yet: the LSG's page is named

    mine = client.get("/pledges/mine").get_data(as_text=True)
    assert pledge.payment_ref in mine and f"/pledges/{pledge.id}/slip" in mine

    login_as(official)
    client.post(f"/pledges/{pledge.id}/confirm", data={"reference": "statement 1"})
    login_as(member)
    receipt = client.get(f"/pledges/{pledge.id}/receipt").get_data(as_text=True)
    assert pledge.payment_ref in receipt and f"/pledges/{pledge.id}/slip" in receipt
    assert pledge.payment_ref in client.get("/pledges/mine").get_data(as_text=True)


def test_goods_pledges_go_to_my_contributions_and_have_no_slip(client, login_as):
    official = make_official()
    project = make_project(official, complete=True)
    projects.add_need(official, project, "in_kind", item="Cement M400", quantity=300, unit="bags")
    projects.submit_project(official, project)
    projects.publish_project(make_user(role=Role.MODERATOR), project, reason="ok")
    db.session.commit()
    goods = next(n for n in project.needs if n.kind == NeedKind.IN_KIND)
    login_as(make_user())
    response = client.post(f"/pledges/needs/{goods.id}", data={"quantity": "1"})
    assert urlsplit(response.location).path == "/pledges/mine"
    pledge = db.session.scalar(db.select(Pledge))
    assert pledge.payment_ref  # every pledge has one, shown where it matters: money
    assert client.get(f"/pledges/{pledge.id}/slip").status_code == 404
    assert client.get(f"/pledges/{pledge.id}/made").status_code == 404


def test_nobody_else_sees_a_members_slip_or_after_pledge_page(client, login_as, published):
    official, project = published
    login_as(make_user())
    pledge_offline(client, funds_need(project))
    pledge = db.session.scalar(db.select(Pledge))
    login_as(make_user())
    assert client.get(f"/pledges/{pledge.id}/slip").status_code == 404
    assert client.get(f"/pledges/{pledge.id}/made").status_code == 404
    login_as(official)  # the project's officials may print it for a donor at the office
    assert client.get(f"/pledges/{pledge.id}/slip").status_code == 200
    assert client.get(f"/pledges/{pledge.id}/made").status_code == 404


# ---------------------------------------------------------------- officials find it

def test_an_official_finds_a_pending_pledge_by_its_reference_as_typed(client, login_as, published):
    official, project = published
    login_as(make_user())
    pledge_offline(client, funds_need(project))
    pledge = db.session.scalar(db.select(Pledge))
    login_as(official)
    incoming = client.get(f"/pledges/projects/{project.id}").get_data(as_text=True)
    assert 'action="/pledges/find"' in incoming and pledge.payment_ref in incoming

    typed = pledge.payment_ref.lower().replace("-", " ")
    response = client.get("/pledges/find", query_string={"ref": typed})
    assert response.status_code == 302
    target = urlsplit(response.location)
    assert target.path == f"/pledges/projects/{project.id}" and target.fragment == f"pledge-{pledge.id}"
    page = client.get(f"{target.path}?{target.query}").get_data(as_text=True)
    assert f'class="card found-pledge" id="pledge-{pledge.id}"' in page


def test_a_typo_and_an_unknown_reference_are_told_apart(client, login_as, published):
    official, project = published
    login_as(make_user())
    pledge_offline(client, funds_need(project))
    ref = db.session.scalar(db.select(Pledge.payment_ref))
    login_as(official)
    last = ALPHABET[(ALPHABET.index(ref[-1]) + 1) % len(ALPHABET)]
    response = client.get("/pledges/find", query_string={"ref": ref[:-1] + last})
    assert response.status_code == 422
    assert "This reference has a typo: check the last character" in response.get_data(as_text=True)

    unknown = new_reference()
    response = client.get("/pledges/find", query_string={"ref": unknown})
    assert response.status_code == 422
    assert f"No pledge to your local government has the reference {unknown}" in response.get_data(as_text=True)

    response = client.get("/pledges/find", query_string={"ref": "BRG-0000"})
    assert response.status_code == 422 and "8 characters after BRG" in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)  # the error is on the field


def test_a_pledge_of_another_lsg_is_not_found_and_members_have_no_search(client, login_as, published):
    _, project = published
    login_as(make_user())
    pledge_offline(client, funds_need(project))
    ref = db.session.scalar(db.select(Pledge.payment_ref))
    elsewhere = make_official(make_lsg("KG-N-KOC-01", name="Kochkor"))
    login_as(elsewhere)
    response = client.get("/pledges/find", query_string={"ref": ref})
    assert response.status_code == 422 and "No pledge to your local government has the reference" in \
        response.get_data(as_text=True)
    assert project.public_title not in response.get_data(as_text=True)
    login_as(make_user())
    assert client.get("/pledges/find", query_string={"ref": ref}).status_code == 403


def test_a_pledge_decided_already_is_shown_with_its_status(client, login_as, published):
    official, project = published
    login_as(make_user())
    pledge_offline(client, funds_need(project))
    pledge = db.session.scalar(db.select(Pledge))
    login_as(official)
    client.post(f"/pledges/{pledge.id}/confirm", data={"reference": ""})
    response = client.get("/pledges/find", query_string={"ref": pledge.payment_ref})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This pledge is no longer waiting for confirmation." in page
    assert '<span class="badge pledge-confirmed">Confirmed</span>' in page
    assert db.session.get(Pledge, pledge.id).status == PledgeStatus.CONFIRMED


# ---------------------------------------------------------------- the migration fills existing pledges

@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'refs.db'}"
    postgres = request.getfixturevalue("postgres")
    return postgres.create_database(f"refs_{tmp_path.name[-20:].lower().replace('-', '_')}")


def test_the_migration_gives_existing_pledges_unique_valid_references(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        # The models are today's: the world is written at the head, then the schema goes back to
        # just before references (later migrations undone), and the pledges are written as they were.
        upgrade()
        seed_reference_data()
        db.session.commit()
        official = make_official()
        project = make_project(official)
        need = funds_need(project)
        official_id, project_id, need_id = official.id, project.id, need.id
        db.session.remove()
        downgrade(revision="0013_lsg_trust")
        ids = list(range(1000, 1030))
        with db.engine.begin() as connection:  # pledges as they were before references, in plain SQL
            for pledge_id in ids:
                connection.execute(sa.text(
                    "INSERT INTO pledges (id, need_id, project_id, member_id, kind, method, status, amount, "
                    "currency, reference, note, anonymous, created_at) VALUES (:id, :need, :project, :member, "
                    "'funds', 'cash', 'pending', 100, 'KGS', '', '', false, :now)"),
                    {"id": pledge_id, "need": need_id, "project": project_id, "member": official_id,
                     "now": "2026-11-01 10:00:00"})
        db.session.remove()
        upgrade(revision="0014_payment_refs")
        with db.engine.connect() as connection:
            refs = dict(connection.execute(sa.text("SELECT id, payment_ref FROM pledges")).all())
            indexes = {ix["name"]: ix for ix in sa.inspect(connection).get_indexes("pledges")}
        assert set(refs) == set(ids)
        assert len(set(refs.values())) == 30 and all(parse(ref) == ref for ref in refs.values())
        assert indexes["ix_pledges_payment_ref"]["unique"]
        db.engine.dispose()


def test_the_slip_shows_the_lsgs_verified_account_and_not_a_change_waiting_for_approval(client, login_as, published):
    official, project = published
    lsg = project.lsg
    change = payment_details.propose_payment_details(
        official, lsg, bank_name="KICB", bic="KICBKG22", account="1280010012345678", recipient="At-Bashy ayil okmotu")
    payment_details.approve_payment_details(make_user(role=Role.MODERATOR), change, reason="Called the office")
    payment_details.propose_payment_details(
        official, lsg, bank_name="Fraud Bank", bic="FRAUKG22", account="1280010099999999", recipient="Someone else")
    db.session.commit()
    login_as(make_user())
    response = pledge_offline(client, funds_need(project))
    pledge = db.session.scalar(db.select(Pledge))
    for page in (client.get(response.location), client.get(f"/pledges/{pledge.id}/slip")):
        text = page.get_data(as_text=True)
        assert "1280 0100 1234 5678" in text and "KICBKG22" in text
        assert "Fraud Bank" not in text and "9999" not in text
