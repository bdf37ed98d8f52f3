"""Command-line entry points. Each command commits once at the end, or not at all."""
import os
import signal
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from app import outbox, worker
from app.errors import DomainError
from app.extensions import db
from app.search import SearchUnavailable, backend
from app.services.accounts import check_password_rule, find_user_by_email
from app.services.demo import database_is_empty, load_demo_data
from app.services.pledges import expire_pending
from app.services.reference import seed_reference_data
from app.services.users import create_admin, set_role


def _fail(error):
    db.session.rollback()
    raise click.ClickException(str(error.message if isinstance(error, DomainError) else error))


def register(app):
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(pledges_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(worker_command)


@click.command("seed")
def seed_command():
    """Load regions, districts, municipalities, sectors and skills (safe to re-run)."""
    added = seed_reference_data()
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{count} {name} added" for name, count in added.items()))


DEMO_ACCOUNTS_FILE = "demo-accounts.txt"  # under the instance folder, beside the SQLite database


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo_command(if_empty):
    """Load demo LSGs, officials, a moderator, an admin and members; print their passwords and keep
    them in instance/demo-accounts.txt (mode 0600)."""
    path = os.path.join(current_app.instance_path, DEMO_ACCOUNTS_FILE)
    if not database_is_empty():
        if if_empty:
            click.echo("Demo data: the database already has users; nothing loaded.")
            if os.path.exists(path):
                click.echo(f"The demo accounts and their passwords are in {path}.")
            return
        raise click.ClickException("The database already has users; demo data loads only into an empty one.")
    seed_reference_data()
    credentials = load_demo_data()
    db.session.commit()
    lines = [f"  {email:<28} {password:<14} {role}" for email, role, password in credentials]
    click.echo("Demo accounts:")
    click.echo("\n".join(lines))
    _write_private(path, "Demo accounts of this database (email, password, role):\n" + "\n".join(lines) + "\n")
    click.echo(f"These passwords are also in {path} (readable only by you).")


def _write_private(path, text):
    """Write text to a file only its owner may read, from its first byte (never world-readable)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)  # a file left by an earlier database, perhaps with a wider mode
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


users_cli = AppGroup("users", help="Accounts and roles.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(envvar="BIRGE_ADMIN_PASSWORD")
def create_admin_command(email, name, password):
    """Create an admin account (or promote an existing one)."""
    try:
        with force_locale("en"):  # the operator's commands speak English
            check_password_rule(password)  # also when an existing account is only promoted
        user = create_admin(email=email, password=password, name=name)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} is an admin.")


@users_cli.command("grant")
@click.argument("role", type=click.Choice(["member", "moderator", "admin"]))
@click.argument("email")
def grant_command(role, email):
    """Give a user a site role (moderator, admin, or back to member)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    set_role(None, user, role, reason=f"flask users grant {role}")
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


translate_cli = AppGroup("translate", help="Translation catalogs (ky, ru, en).")

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TRANSLATIONS = os.path.join(_ROOT, "app", "translations")
_POT = os.path.join(_ROOT, "messages.pot")


def _pybabel(*args):
    # pybabel lives beside the interpreter in the virtualenv, which need not be on PATH.
    pybabel = os.path.join(os.path.dirname(sys.executable), "pybabel")
    subprocess.run([pybabel, *args], check=True, cwd=_ROOT)


@translate_cli.command("update")
def translate_update():
    """Extract strings and merge them into every catalog."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_pgettext:1c,2", "--no-location", "--sort-output", "-o", _POT, ".")
    _pybabel("update", "-i", _POT, "-d", _TRANSLATIONS, "--no-fuzzy-matching")
    os.remove(_POT)


@translate_cli.command("compile")
def translate_compile():
    """Compile catalogs to .mo files."""
    _pybabel("compile", "-d", _TRANSLATIONS)


pledges_cli = AppGroup("pledges", help="Pledges of money and goods.")


@pledges_cli.command("expire")
@click.option("--days", type=int, default=None, help="Override PLEDGE_PENDING_DAYS.")
def expire_command(days):
    """Expire offline pledges that stayed unconfirmed for too long (audited)."""


    days = days if days is not None else current_app.config["PLEDGE_PENDING_DAYS"]
    expired = expire_pending(days)
    db.session.commit()
    click.echo(f"{len(expired)} pending pledge(s) older than {days} days expired.")


search_cli = AppGroup("search", help="The search index (derived from the database).")


@search_cli.command("reindex")
def reindex_command():
    """Rebuild the index from the database (Elasticsearch: a new index, then an alias swap)."""


    started = time.perf_counter()
    click.echo(f"Reindexing with the {backend().name} backend…")
    counts = backend().reindex()
    db.session.commit()
    click.echo(f"Indexed {counts['project']} project(s) and {counts['profile']} profile(s) "
               f"in {time.perf_counter() - started:.1f} s.")


@search_cli.command("check")
def check_command():
    """Compare the database with the index (counts and ids); exit 1 on drift."""
    try:
        report = backend().check()
    except SearchUnavailable as error:
        raise click.ClickException(f"The search engine cannot be reached: {error}") from None
    for drift in report:
        click.echo(f"{drift.entity}s: {drift.in_database} in the database, {drift.in_index} in the index; "
                   f"missing from the index: {drift.missing[:20] or 'none'}; "
                   f"not in the database: {drift.extra[:20] or 'none'}")
    if all(drift.ok for drift in report):
        click.echo("No drift.")
    else:
        raise click.ClickException("The index has drifted from the database: run `flask search reindex`.")


@click.group("worker", invoke_without_command=True)
@click.option("--once", is_flag=True, help="Run what is due, then exit.")
@click.option("--interval", type=float, default=1.0, help="Seconds to wait when there is nothing to do.")
@click.pass_context
def worker_command(context, once, interval):
    """Drain the outbox: send index changes to the search engine, mail search alerts.

    Runs until stopped (SIGTERM or Ctrl-C end it after the job at hand); a job's error never stops
    it. `flask worker status` shows what waits and what is dead."""
    if context.invoked_subcommand is not None:
        return
    stopping = []
    before = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        worker.run(interval=interval, once=once, should_stop=lambda: bool(stopping),
                   report=lambda done, failed: click.echo(f"outbox: {done} job(s) done, {failed} to retry later"))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, before)


def _age(delta):
    minutes = int(delta.total_seconds()) // 60
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{int(delta.total_seconds())} s"


@worker_command.command("status")
def worker_status_command():
    """Jobs due, retrying later and dead; how long the oldest due job has waited; the dead ones."""
    now = outbox.status()
    click.echo(f"due: {now.due}, retrying: {now.retrying}, dead: {now.dead}")
    click.echo(f"oldest due job: {_age(now.oldest_due) if now.oldest_due is not None else 'none'}")
    for job in now.dead_jobs:
        click.echo(f"  dead #{job.id} {job.kind} {job.entity} {job.entity_id}, {job.attempts} attempts, "
                   f"since {job.dead_at:%Y-%m-%d %H:%M} UTC: {(job.last_error or '')[:200]}")
    if now.dead > len(now.dead_jobs):
        click.echo(f"  … and {now.dead - len(now.dead_jobs)} more")


@worker_command.command("revive")
@click.argument("job_ids", nargs=-1, type=int)
def worker_revive_command(job_ids):
    """Retry dead jobs (these ids, or all of them) from a fresh count of attempts."""
    count = outbox.revive(job_ids)
    db.session.commit()
    click.echo(f"{count} dead job(s) will be retried.")
