"""Schemathesis, as a library, against the example apps' own OpenAPI documents.

Stateless: every operation of the showcase (with the API key, so the write handlers
run too) and of the OAuth2 + JWT example (with a token for every scope, got from its
own login route), from schema-conforming and from schema-violating data. Stateful:
the showcase's document links ``POST /books`` to the operations on the created book
(``id`` -> ``book_id``), so schemathesis walks create -> read/replace/review/cover/
delete sequences. The OAuth2 example's document has no links: its resources have no
ids, and its token goes in a header that links cannot fill (it is supplied to every
call instead).

Checks: no server error, documented status codes, content types, response headers
and bodies conform to the document, and (for the negative cases) that bad data is
refused. Every call is counted; the counts are printed in the terminal summary.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)
from starlette.testclient import TestClient

from ..conftest import load_module
from .catalogue import JWT_SECRET
from .report import record_count

pytestmark = pytest.mark.slow

#: Examples per operation (CI budget: the whole module runs in well under a minute).
MAX_EXAMPLES = 30
#: Scenarios of the state machine, each up to STEPS calls.
STATEFUL_EXAMPLES = 40
STEPS = 8

# Not negative_data_rejection: pydantic's lax mode (as in FastAPI) accepts some values a
# JSON Schema validator would not, such as false for an integer (it becomes 0).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    positive_data_acceptance,
    ignored_auth,
]
# In sequences: a created book can be read; a removed one is gone.
STATEFUL_CHECKS = [*CHECKS, ensure_resource_availability, use_after_free]
CALLS: Counter[str] = Counter()

showcase = load_module("examples/showcase/app.py")
showcase_schema = schemathesis.openapi.from_asgi("/openapi.json", showcase.app)
KEY = {"X-API-Key": "dev-key"}

jwt_example = load_module("examples/oauth2_jwt/app.py")
jwt_app = jwt_example.create_app(secret_key=JWT_SECRET)
jwt_schema = schemathesis.openapi.from_asgi("/openapi.json", jwt_app)


@pytest.fixture(scope="module")
def token() -> dict[str, str]:
    """A token with every scope, from the example's own login route."""
    with TestClient(jwt_app) as client:
        response = client.post("/token", data={"username": "ada", "password": "lovelace"})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


STATELESS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@showcase_schema.parametrize()
@STATELESS
def test_showcase_keeps_the_promises_of_its_document(case: schemathesis.Case) -> None:
    CALLS["showcase, stateless"] += 1
    case.call_and_validate(headers=KEY, checks=CHECKS)


@jwt_schema.parametrize()
@STATELESS
def test_oauth2_example_keeps_the_promises_of_its_document(
    case: schemathesis.Case, token: dict[str, str]
) -> None:
    CALLS["oauth2_jwt, stateless"] += 1
    case.call_and_validate(headers=token, checks=CHECKS)


def test_the_showcase_document_links_the_created_book():
    links = showcase_schema.raw_schema["paths"]["/books"]["post"]["responses"]["201"]["links"]
    assert {"read", "replace", "remove", "reviews", "review", "cover"} <= set(links)


class ShowcaseStateful(showcase_schema.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": KEY}

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        CALLS["showcase, stateful"] += 1
        case.validate_response(
            response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs, recorder=self.recorder
        )


def test_showcase_stateful_sequences_follow_the_links():
    ShowcaseStateful.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert CALLS["showcase, stateful"] > STATEFUL_EXAMPLES


def test_the_cases_were_counted():
    # Runs last in this module: every count is in the terminal summary.
    for label in ("showcase, stateless", "oauth2_jwt, stateless", "showcase, stateful"):
        assert CALLS[label] > 0, label
        record_count(f"schemathesis calls ({label})", CALLS[label])
