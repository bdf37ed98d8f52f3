"""The app served by gunicorn with several worker processes, for races that threads in one process
cannot show (SQLite's locks are per connection; each gunicorn worker has its own).

The app is built by tests/served_wsgi.py from the JSON in ``BIRGE_TEST_APP_CONFIG``; the server is
polled until it answers and fails loudly when it does not start.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedApp:
    def __init__(self, config, *, workers=3):
        self.config = config
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="birge-gunicorn-", suffix=".log", delete=False)
        self.process = None

    def start(self, timeout=60):
        env = {**os.environ, "BIRGE_CONFIG": "testing", "BIRGE_TEST_APP_CONFIG": json.dumps(self.config)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "tests.served_wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on {self.url} within {timeout} s:\n{self.output()}")

    def output(self):
        return Path(self.log.name).read_text(errors="replace")[-6000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log.name)

    def session_for(self, user, password):
        """A browser-like session logged in as ``user`` through the real login form."""
        session = requests.Session()
        session.headers["Accept-Language"] = "en"
        response = session.post(self.url + "/auth/login", data={"email": user.email, "password": password},
                                allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.text[:2000]
        return session


def at_once(calls):
    """Run the calls in threads released together; returns their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as error:  # noqa: BLE001 - reported by the test
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
