"""Schemathesis fuzzes the open-data API from its own OpenAPI document (/api/v1/openapi.json),
in process against the WSGI app, on both databases: no answer is a server error, and every answer
(status, content type, headers, body) is one the document describes."""
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from app.models import NeedKind
from app.services import pledges, projects
from tests.factories import make_official, make_project, make_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def api_world():
    """Something in every collection: a project in progress with a confirmed pledge and spending
    reported, an open one, their LSG, and the decisions that published them."""
    official = make_official()
    bridge = make_project(official, publish=True)
    money = next(n for n in bridge.needs if n.kind == NeedKind.FUNDS)
    pledge = pledges.pledge_money(make_user(), money, amount=money.target_amount, currency="KGS",
                                  method="bank_transfer")
    pledges.confirm_pledge(official, pledge, reference="seen")
    projects.start_work(official, bridge)
    projects.post_update(official, bridge, body="Foundations poured.",
                         spending=[(bridge.milestones[0].id, 1_000_00, "Cement", None)])
    make_project(official, title="Second project", publish=True)
    db.session.commit()


def test_the_api_keeps_its_own_document(app, monkeypatch):
    # (schemathesis.pytest.from_fixture needs a pytest internal that pytest 9 removed: the
    # operations are walked here instead, each one a Hypothesis run of its own.)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1000000 per minute")  # the fuzzer is one address
    api_world()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, operations = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.add(operation.path)

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_the_document(case):
            # The WSGI transport does not undo Brotli/gzip as an HTTP client would: ask for none.
            case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

        try:
            keeps_the_document()
        except Exception as error:  # every operation's failure is reported, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    # Schemathesis leaves out the document it was loaded from (fetched above, and checked in test_api).
    assert operations == set(schema.raw_schema["paths"]) - {"/api/v1/openapi.json"} and len(operations) >= 20
    assert not failures, "\n\n".join(failures)
