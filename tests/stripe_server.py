"""localstripe for the tests: a fake Stripe API (PaymentIntents, charges, refunds) with a Stripe.js
stand-in and webhooks signed with Stripe's real scheme, started from scratch on 127.0.0.1.

It fails loudly when it cannot start: card payment tests never skip.
"""
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

SECRET_KEY = "sk_test_birge_localstripe"
PUBLISHABLE_KEY = "pk_test_birge_localstripe"
WEBHOOK_SECRET = "whsec_birge_test_secret"
WEBHOOK_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]

# localstripe keeps its state in /tmp/localstripe.pickle (a fixed path, whatever TMPDIR says) and
# reloads it unless started --from-scratch. Run its aiohttp app ourselves, never load that file,
# and never write it either, so parallel runs cannot see each other's objects.
LAUNCHER = """
import sys
from aiohttp import web
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


class LocalstripeUnavailable(RuntimeError):
    pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Localstripe:
    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.js_url = f"{self.url}/js.stripe.com/v3/"
        self.tmp = tempfile.TemporaryDirectory(prefix="birge-localstripe-")
        self.log_path = os.path.join(self.tmp.name, "localstripe.log")
        self.process = None

    def start(self, timeout=20):
        env = {**os.environ, "TMPDIR": self.tmp.name}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(self.port)], stdout=log,
                                            stderr=subprocess.STDOUT, env=env, cwd=self.tmp.name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalstripeUnavailable(f"localstripe exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.js_url, timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise LocalstripeUnavailable(f"localstripe did not answer on {self.url} within {timeout} s: {self.log()}")

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.tmp.cleanup()

    def request(self, method, path, body=None):
        """A raw call to localstripe's API (or its /_config), answering the decoded JSON."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {SECRET_KEY}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
        return json.loads(text) if text.strip() else None

    def register_webhook(self, url, secret=WEBHOOK_SECRET, events=WEBHOOK_EVENTS, webhook_id="birge"):
        """Deliver these events, signed with ``secret``, to ``url`` (replaces an earlier registration)."""
        self.request("POST", f"/_config/webhooks/{webhook_id}", {"url": url, "secret": secret, "events": events})

    def app_config(self):
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.url,
            "STRIPE_JS_URL": self.js_url,
        }


def start_localstripe():
    return Localstripe().start()


@pytest.fixture(scope="session")
def localstripe():
    """One localstripe for the test session (import this fixture into a test module)."""
    server = start_localstripe()
    yield server
    server.stop()


def sign(payload: bytes, secret=WEBHOOK_SECRET, timestamp=None):
    """A Stripe-Signature header for ``payload``, computed as Stripe (and localstripe) do."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), b"%d.%s" % (timestamp, payload), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def event_payload(event_id, event_type, obj):
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "created": int(time.time()),
                       "api_version": "2017-08-15", "data": {"object": obj}}).encode()
