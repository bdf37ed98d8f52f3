"""The moderators' dashboard (issue 12, section 4): every figure, by region and by sector, equals a
direct computation over the rows; each figure's list holds exactly those rows; a CSV per table;
moderators only."""
import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.ledger import convert
from app.models import (
    COUNTED_STATUSES, RATE_SCALE, District, ExchangeRate, Municipality, NeedKind, Pledge, PledgeKind, PledgeMethod,
    PledgeStatus, Project, ProjectStatus, Region, Role, Sector, SpendingLine,
)
from app.services import dashboard
from app.services import pledges, projects
from app.services.pledges.making import OFFLINE_METHODS
from app.services.projects.updates import STALE_AFTER
from tests.factories import make_lsg, make_official, make_project, make_user

START = datetime(2026, 11, 2, 9, 0)


def _need(project, kind):
    return next(n for n in project.needs if n.kind == kind)


@pytest.fixture
def town(app, clock):
    """Three regions, three sectors and a project without one, every status the review makes, money
    in som, dollars and euros (whose rate is then removed), places taken, spending reported, offline
    pledges waiting, and projects silent for longer than STALE_AFTER."""
    clock.set(START)
    admin = make_user(role=Role.ADMIN)
    pledges.set_rate(admin, "USD", Decimal("87.45"))
    pledges.set_rate(admin, "EUR", Decimal("95.10"))
    moderator = make_user(role=Role.MODERATOR)
    naryn = make_official(make_lsg("KG-N-ATB-01", "At-Bashy"))
    chuy = make_official(make_lsg("KG-C-SOK-01", "Sokuluk"))
    osh = make_official(make_lsg("KG-O-NOO-01", "Nookat"))
    health = db.session.scalar(db.select(Sector).filter_by(code="health"))
    member, other = make_user(), make_user()

    bridge = make_project(naryn, title="Naryn bridge", publish=True)
    make_project(naryn, title="Naryn draft")
    make_project(chuy, title="Chuy submitted", submit=True)
    clinic = make_project(chuy, title="Chuy clinic", publish=True)
    clinic.sector = health
    school = make_project(osh, title="Osh school", publish=True)
    school.sector = None
    rejected = make_project(osh, title="Osh rejected", submit=True)
    projects.reject_project(moderator, rejected, reason="Not a community project")
    db.session.commit()

    usd = _need(clinic, NeedKind.FUNDS)
    usd.currency = "USD"
    _need(school, NeedKind.FUNDS).currency = "EUR"  # its rate goes at the end: its money is left out
    db.session.commit()
    done = pledges.pledge_money(member, _need(bridge, NeedKind.FUNDS), amount=50_000_00, currency="KGS",
                                method="bank_transfer", reference="KICB")
    pledges.confirm_pledge(naryn, done, reference="statement 1")
    pledges.pledge_money(other, _need(bridge, NeedKind.FUNDS), amount=7_000_00, currency="KGS", method="cash")
    given = pledges.pledge_money(member, usd, amount=300_00, currency="USD", method="mobile_wallet")
    pledges.confirm_pledge(chuy, given, reference="wallet")
    clock.advance(days=3)
    pledges.pledge_money(other, usd, amount=100_00, currency="USD", method="bank_transfer")
    withdrawn = pledges.pledge_money(member, _need(school, NeedKind.FUNDS), amount=1_000_00, currency="KGS",
                                     method="cash")
    pledges.withdraw_pledge(member, withdrawn)
    pledges.pledge_money(other, _need(school, NeedKind.FUNDS), amount=2_500_00, currency="KGS", method="cash")
    # A card payment under way (as the card flow leaves it while the donor pays): not pledged yet.
    db.session.add(Pledge(need=_need(bridge, NeedKind.FUNDS), project=bridge, member=other, kind=PledgeKind.FUNDS,
                          method=PledgeMethod.CARD, amount=3_000_00, currency="KGS", converted_amount=3_000_00,
                          rate_micro=RATE_SCALE, held_until=START + timedelta(days=4)))
    offer = pledges.offer_skill(member, _need(bridge, NeedKind.SKILL), starts_on=date(2027, 5, 11),
                                ends_on=date(2027, 5, 12))
    pledges.accept_offer(naryn, offer)
    pledges.offer_skill(other, _need(bridge, NeedKind.SKILL), starts_on=date(2027, 5, 11), ends_on=date(2027, 5, 12))
    offer = pledges.offer_skill(member, _need(clinic, NeedKind.SKILL), starts_on=date(2027, 5, 11),
                                ends_on=date(2027, 5, 12))
    pledges.accept_offer(chuy, offer)
    db.session.commit()
    clock.advance(days=10)
    projects.post_update(naryn, bridge, body="Foundations poured.",
                         spending=[(bridge.milestones[0].id, 20_000_00, "Concrete", None)])
    db.session.commit()
    clock.advance(days=STALE_AFTER.days - 5)  # the clinic and the school (no update) are now silent too long
    db.session.delete(db.session.scalar(db.select(ExchangeRate).filter_by(currency="EUR")))
    db.session.commit()
    return {"moderator": moderator, "official": naryn, "member": member, "bridge": bridge, "now": clock.now}


# ---------------------------------------------------------------- a direct computation over the rows


def _region_and_sector(project):
    municipality = db.session.get(Municipality, project.municipality_id)
    return db.session.get(District, municipality.district_id).region_id, project.sector_id or dashboard.NO_SECTOR


def _som(amount, currency):
    return convert(amount, currency, "KGS")[0]


def direct(by, group, column, now):
    """The figure computed straight from the tables, with none of the service's code."""
    def mine(project):
        region, sector = _region_and_sector(project)
        return group is None or (region if by == "region" else sector) == group

    all_projects = [p for p in db.session.scalars(db.select(Project)) if mine(p)]
    ids = {p.id for p in all_projects}
    rates = {r.currency for r in db.session.scalars(db.select(ExchangeRate))} | {"KGS"}
    funds = [p for p in db.session.scalars(db.select(Pledge).where(Pledge.kind == PledgeKind.FUNDS))
             if p.project_id in ids]
    if column in {s.value for s in ProjectStatus}:
        return sum(1 for p in all_projects if p.status.value == column)
    if column == "pledged":
        return sum(_som(p.converted_amount, p.need.currency) for p in funds if p.need.currency in rates
                   and (p.status in COUNTED_STATUSES
                        or p.status == PledgeStatus.PENDING and p.method in OFFLINE_METHODS))
    if column == "confirmed":
        return sum(_som(p.converted_amount, p.need.currency) for p in funds if p.need.currency in rates
                   and p.status in COUNTED_STATUSES)
    if column == "spent":
        return sum(_som(line.amount, line.update.project.currency) for line in db.session.scalars(db.select(SpendingLine))
                   if line.update.project_id in ids)
    waiting = [p for p in funds if p.status == PledgeStatus.PENDING and p.method in OFFLINE_METHODS]
    if column == "offline_waiting":
        return len(waiting)
    if column == "offline_oldest":
        return max(((now - p.created_at).days for p in waiting), default=None)
    skill = [p for p in db.session.scalars(db.select(Pledge).where(Pledge.kind == PledgeKind.SKILL,
                                                                  Pledge.status == PledgeStatus.ACCEPTED))
             if p.project_id in ids and p.project.is_public]
    if column == "filled":
        return len(skill)
    if column == "open":
        return sum(max(n.slots - sum(1 for s in skill if s.need_id == n.id), 0)
                   for p in all_projects if p.status in pledges.ACCEPTING_STATUSES
                   for n in p.needs if n.kind == NeedKind.SKILL and n.closed_at is None)
    if column == "overdue":
        return sum(1 for p in all_projects if p.takes_updates and
                   now - (p.last_update_at or p.published_at) > STALE_AFTER)
    queue = [p for p in all_projects if p.awaiting_review]
    if column == "queue":
        return len(queue)
    if column == "queue_oldest":
        return max(((now - p.submitted_at).days for p in queue), default=None)
    raise AssertionError(column)


def _groups(by):
    model = Region if by == "region" else Sector
    return [row.id for row in db.session.scalars(db.select(model))] + ([dashboard.NO_SECTOR] if by == "sector" else [])


@pytest.mark.parametrize("by", dashboard.GROUPINGS)
def test_every_figure_equals_the_sum_of_its_rows(town, by):
    board = dashboard.moderation_dashboard(town["moderator"], by=by)
    assert board.left_out == {"EUR": 1}
    seen = set()
    for table, groups, total in board.tables:
        assert sorted(g.id for g in groups) == sorted(_groups(by))
        for group in [*groups, total]:
            for column in table.columns:
                expected = direct(by, group.id, column.key, town["now"])
                assert group.cells[column.key] == expected, (table.key, group.name, column.key)
                if expected:
                    seen.add(column.key)
                if not column.age_of:
                    listed = dashboard.figure_rows(town["moderator"], by=by, column=column.key, group=group.id)[1]
                    assert sum(f.value for f in listed) == expected, (table.key, group.name, column.key)
    # The town makes every figure something other than zero somewhere, so none is checked only as 0.
    assert seen == {c.key for t in dashboard.TABLES for c in t.columns} - {"funded", "in_progress", "completed",
                                                                           "cancelled", "changes_requested"}


def test_totals_of_the_world(town):
    """The figures a reader would count by hand in the town above."""
    board = dashboard.moderation_dashboard(town["moderator"], by="region")
    totals = {table.key: total.cells for table, _groups, total in board.tables}
    assert totals["projects"]["published"] == 3 and totals["projects"]["draft"] == 1
    assert totals["projects"]["submitted"] == 1 and totals["projects"]["rejected"] == 1
    usd = _som(300_00, "USD")
    assert totals["money"]["confirmed"] == 50_000_00 + usd
    assert totals["money"]["pledged"] == 50_000_00 + 7_000_00 + usd + _som(100_00, "USD")  # EUR left out
    assert totals["money"]["spent"] == 20_000_00
    assert totals["places"] == {"filled": 2, "open": 1 + 1 + 2}  # two places on each
    assert totals["waiting"]["offline_waiting"] == 3  # cash 7 000, a dollar transfer, cash on the euro need
    assert totals["waiting"]["offline_oldest"] == 10 + STALE_AFTER.days - 5 + 3
    assert totals["waiting"]["overdue"] == 2 and totals["waiting"]["queue"] == 1


# ---------------------------------------------------------------- the pages


def test_the_dashboard_links_each_figure_to_its_list(town, client, login_as):
    login_as(town["moderator"])
    page = client.get("/moderation/dashboard").get_data(as_text=True)
    assert "Naryn" in page and "EUR" in page  # a region, and what is left out
    links = set(re.findall(r'href="(/moderation/dashboard/list\?[^"]+)"', page))
    assert links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200
    listed = client.get("/moderation/dashboard/list?by=region&column=offline_waiting").get_data(as_text=True)
    assert listed.count("Pledge #") == 3
    assert 'href="/moderation/projects"' in page  # the review queue is the list behind its figures
    by_sector = client.get("/moderation/dashboard?by=sector").get_data(as_text=True)
    assert "No sector" in by_sector and "/moderation/projects?sector=" in by_sector
    assert client.get("/moderation/dashboard?by=colour").status_code == 404
    assert client.get("/moderation/dashboard/list?column=nothing").status_code == 404


def test_each_table_downloads_as_csv(town, client, login_as):
    login_as(town["moderator"])
    board = dashboard.moderation_dashboard(town["moderator"], by="sector")
    for table, groups, total in board.tables:
        response = client.get(f"/moderation/dashboard/{table.key}.csv?by=sector")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        names = [db.session.get(Sector, g.id).name_en for g in groups if g.id] + ["No sector", "All"]
        assert [r["sector"] for r in rows] == names  # in the moderator's language
        for row, group in zip(rows, [*groups, total]):
            for column in table.columns:
                value = group.cells[column.key]
                if value is None:
                    assert row[column.key] == ""
                elif column.money:
                    assert Decimal(row[column.key]) * 100 == value
                else:
                    assert int(row[column.key]) == value
    assert client.get("/moderation/dashboard/colours.csv").status_code == 404


def test_only_moderators_see_the_dashboard(town, client, login_as):
    paths = ("/moderation/dashboard", "/moderation/dashboard/money.csv", "/moderation/dashboard/list?column=pledged")
    for path in paths:
        assert client.get(path).status_code == 302  # to the login page
    for user in (town["member"], town["official"]):
        login_as(user)
        for path in paths:
            assert client.get(path).status_code == 403, path
    login_as(make_user(role=Role.ADMIN))
    assert all(client.get(path).status_code == 200 for path in paths)


def test_the_moderation_navigation_links_the_dashboard(town, client, login_as):
    login_as(town["moderator"])
    assert 'href="/moderation/dashboard"' in client.get("/moderation/projects").get_data(as_text=True)
