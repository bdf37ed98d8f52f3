"""The first minutes: `make run` serves where it is asked, and the README's demo accounts are the demo's."""
import os
import re
import subprocess
from pathlib import Path

from app.services.demo import DEMO_LSGS, DEMO_PEOPLE

ROOT = Path(__file__).resolve().parent.parent


def _demo_accounts_table():
    """{email: the rest of its row} from the README's "Demo accounts" table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Demo accounts", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"\| `([^`]+@birge\.example)` \|(.*)", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def test_readme_names_every_demo_account_with_its_role():
    rows = _demo_accounts_table()
    assert list(rows) == [email for email, *_ in DEMO_PEOPLE]
    for email, name, locale, kind in DEMO_PEOPLE:
        who = rows[email].split("|")[0]
        assert f"({name}, {locale})" in who
        if isinstance(kind, tuple):
            what, lsg_index, _position = kind
            assert f"{'official of' if what == 'official' else 'applicant to'} {DEMO_LSGS[lsg_index][3]}" in who
        else:
            assert who.strip().startswith(kind)
    surgeon = rows["aibek@birge.example"]
    assert "verified surgeon from At-Bashy living in Moscow" in surgeon


def _run_recipe(*variables):
    environment = {key: value for key, value in os.environ.items() if key not in ("HOST", "PORT")}
    dry_run = subprocess.run(["make", "-n", "run", *variables], cwd=ROOT, env=environment, capture_output=True,
                             text=True, check=True)
    return dry_run.stdout


def test_make_run_serves_on_5000_unless_told_otherwise():
    assert "flask run --host 127.0.0.1 --port 5000" in _run_recipe()
    recipe = _run_recipe("PORT=5077", "HOST=0.0.0.0")
    assert "flask run --host 0.0.0.0 --port 5077" in recipe
    assert 'PUBLIC_URL="${PUBLIC_URL:-http://0.0.0.0:5077}"' in recipe  # mail links follow the port
