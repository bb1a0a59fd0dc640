"""Schemathesis, used as a library, against the reference app's own document.

For every operation, Hypothesis generates requests from the document (valid ones and
invalid ones); the app must never answer with a server error, and every response must
use a documented status code and content type and match the documented schema.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .openapi_reference_pegboard import app

schema = schemathesis.openapi.from_asgi("/openapi.json", app)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_app_keeps_the_promises_of_its_document(case: schemathesis.Case) -> None:
    # With a valid token, the handlers behind the token check run too.
    case.call_and_validate(headers={"x-token": "secret"}, checks=CHECKS)
