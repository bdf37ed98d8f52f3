"""The production shape (bin/serve-production: gunicorn and `flask worker`s, configured from the
environment) against the throwaway PostgreSQL and osmem, as a deployment would run it."""
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from app.extensions import db
from app.models import OutboxJob
from tests.conftest import SearchEngine, make_app
from tests.factories import make_official, make_project
from tests.pgcluster import _free_port

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "bin" / "serve-production"
START_TIMEOUT = 120  # migrations and four Python processes on two busy cores


def _processes():
    """{pid: (parent pid, state, command line)} of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:  # gone meanwhile
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        table[int(entry.name)] = (int(ppid), state, cmdline)
    return table


class Production:
    """bin/serve-production running in the background; its output goes to a log file."""

    def __init__(self, tmp_path, **env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "serve-production.log"
        self.env = {
            "PATH": os.environ["PATH"], "BIRGE_CONFIG": "production", "SECRET_KEY": "production-test-key",
            "BIND": f"127.0.0.1:{self.port}", "PUBLIC_URL": self.url, "BIRGE_INSTANCE_DIR": str(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"), "SEARCH_BACKEND": "elasticsearch",
            "WEB_CONCURRENCY": "2", "WORKERS": "2", **env,
        }
        self.process = None
        self.seen = set()

    def start(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, str(SERVE)], cwd=ROOT, env=self.env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        return self

    def output(self):
        return self.log_path.read_text()

    def get(self, path):
        request = urllib.request.Request(self.url + path, headers={"Accept-Language": "en"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def wait_for(self, what, condition, timeout=START_TIMEOUT):
        """Poll condition() until it is true; fail with the server's output if it exits or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve-production exited ({self.process.returncode}) while waiting for {what}:\n"
                            f"{self.output()}")
            try:
                if condition():
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(0.1)
        pytest.fail(f"no {what} within {timeout} s:\n{self.output()}")

    def descendants(self):
        """The live processes under serve-production: {pid: command line}."""
        table = _processes()
        found, frontier = {}, {self.process.pid}
        while frontier:
            children = {pid for pid, (ppid, state, _) in table.items() if ppid in frontier and state != "Z"}
            found.update({pid: table[pid][2] for pid in children})
            frontier = children
        self.seen.update(found)
        return found

    def still_alive(self, pids):
        table = _processes()
        return [pid for pid in pids if pid in table and table[pid][1] != "Z"]

    def close(self):
        """Whatever the test did: nothing it started keeps running."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pid in self.still_alive(self.seen):
            os.kill(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def production(tmp_path):
    servers = []

    def serve(**env):
        server = Production(tmp_path, **env)
        servers.append(server)
        return server.start()

    yield serve
    for server in servers:
        server.close()


def _publish(database_url, title, **config):
    """A published project, made through the services in this process, committed."""
    app = make_app(database_url, **config)
    with app.app_context():
        project = make_project(make_official(), title=title, publish=True)
        project_id = project.id
        db.engine.dispose()
    return app, project_id


def test_gunicorn_and_workers_serve_pages_and_index_what_is_published(postgres, production):
    database_url = postgres.create_database("birge_production")
    prefix = f"production-{os.getpid()}"
    server = production(DATABASE_URL=database_url, ELASTICSEARCH_URL=SearchEngine.url(), SEARCH_INDEX_PREFIX=prefix)
    server.wait_for("/healthz", lambda: server.get("/healthz")[0] == 200)
    commands = sorted(server.descendants().values())
    assert sum("gunicorn" in c for c in commands) == 3, commands  # the master and WEB_CONCURRENCY=2
    assert sum(c.endswith("flask worker") for c in commands) == 2, commands

    for path in ("/", "/projects/"):
        status, _ = server.get(path)
        assert status == 200, (path, server.output())

    title = "Footbridge over the Kökömeren"
    app, project_id = _publish(database_url, title, SEARCH_INDEX_PREFIX=prefix)
    status, page = server.get(f"/projects/{project_id}")
    assert status == 200 and title in page
    def found():
        status, page = server.get("/search/?q=K%C3%B6k%C3%B6meren")  # a word of its title
        return status == 200 and "1 project found" in page and f'href="/projects/{project_id}"' in page

    server.wait_for("the worker to index the project", found, timeout=60)

    pids = list(server.descendants())
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0, server.output()
    assert server.still_alive(pids) == []
    app.extensions["search"].client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def test_it_starts_while_elasticsearch_is_unreachable_and_stops_whole_when_a_process_dies(postgres, production):
    database_url = postgres.create_database("birge_production_outage")
    closed = f"http://127.0.0.1:{_free_port()}"
    server = production(DATABASE_URL=database_url, ELASTICSEARCH_URL=closed, WEB_CONCURRENCY="1", WORKERS="1")
    server.wait_for("/healthz", lambda: server.get("/healthz")[0] == 200)
    assert "cannot be reached" in server.output()
    status, page = server.get("/search/?q=bridge")
    assert status == 503 and "Search is not available right now" in page

    # The worker is up and retrying: it tried the published project's job and kept it.
    app, _ = _publish(database_url, "Footbridge over the Kökömeren", ELASTICSEARCH_URL=closed)
    with app.app_context():
        def job_tried():
            db.session.rollback()
            return (db.session.scalar(db.select(db.func.max(OutboxJob.attempts))) or 0) >= 1
        server.wait_for("the worker to try the outbox", job_tried, timeout=60)
        db.engine.dispose()

    processes = server.descendants()
    worker = next(pid for pid, command in processes.items() if command.endswith("flask worker"))
    os.kill(worker, signal.SIGKILL)  # one process dies: the others are stopped, the command fails
    assert server.process.wait(timeout=60) != 0, server.output()
    assert "flask worker 1 exited" in server.output()
    assert server.still_alive(processes) == []


def test_production_without_a_secret_key_refuses_to_start(postgres, production):
    server = production(DATABASE_URL=postgres.url("postgres"), ELASTICSEARCH_URL=SearchEngine.url(), SECRET_KEY="")
    assert server.process.wait(timeout=60) != 0
    assert "SECRET_KEY must be set in production" in server.output()
