"""A signed webhook is believed only when it is fresh and an event (issue 9, items 5 and 11).

Signatures are real HMACs made with the webhook secret, as Stripe makes them."""
import json
import time

import pytest

from app.extensions import db
from app.models import StripeEvent
from tests.stripe_server import WEBHOOK_SECRET, event_payload, sign

TOLERANCE = 300  # Stripe's default, in seconds


@pytest.fixture
def app_overrides():
    return {"STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET}


def deliver(client, payload, signature):
    return client.post("/webhooks/stripe", data=payload, content_type="application/json",
                       headers={"Stripe-Signature": signature})


def unused_event(event_id="evt_test_unused"):
    return event_payload(event_id, "customer.created", {"id": "cus_test", "object": "customer"})


@pytest.mark.parametrize("offset", [3600, TOLERANCE + 30, -3600, -(TOLERANCE + 30)])
def test_a_timestamp_outside_the_tolerance_is_refused_in_both_directions(client, offset):
    payload = unused_event()
    response = deliver(client, payload, sign(payload, timestamp=int(time.time()) + offset))
    assert response.status_code == 400
    assert response.json == {"error": "The webhook signature is not valid."}
    assert db.session.scalars(db.select(StripeEvent)).all() == []


@pytest.mark.parametrize("offset", [0, 60, -60])
def test_a_timestamp_within_the_tolerance_is_accepted(client, offset):
    payload = unused_event(f"evt_test_fresh_{offset}")
    response = deliver(client, payload, sign(payload, timestamp=int(time.time()) + offset))
    assert response.status_code == 200 and response.json == {"received": True, "outcome": "ignored"}


@pytest.mark.parametrize("body", [b"[]", b"[1, 2]", b'"text"', b"42", b"null", b'{"id": 5}',
                                  b'{"id": "evt_x", "type": "payment_intent.succeeded", "data": []}'])
def test_a_signed_body_that_is_not_an_event_object_is_refused(client, body):
    response = deliver(client, body, sign(body))
    assert response.status_code == 400
    assert db.session.scalars(db.select(StripeEvent)).all() == []


def test_a_signature_header_with_several_timestamps_uses_none_in_the_future(client):
    payload = unused_event()
    now = int(time.time())
    future = sign(payload, timestamp=now + 3600)
    header = f"t={now + 3600},t={now}," + future.split(",", 1)[1]
    assert deliver(client, payload, header).status_code == 400
    assert json.loads(payload)["id"] == "evt_test_unused"
