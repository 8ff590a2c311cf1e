"""The live OpenAPI schema, exercised by schemathesis with a real read-write token: no request it
makes answers a server error, and every status the API answers is one the schema declares.
Bounded (ATTUNE_SCHEMATHESIS_EXAMPLES examples per operation, 6 by default: about a minute)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import status_code_conformance

from attune.accounts.models import User
from attune.accounts.services import api_token_create
from attune.api import ERROR_STATUSES
from attune.cases.models import Case

EXAMPLES = int(os.environ.get("ATTUNE_SCHEMATHESIS_EXAMPLES", "6"))


@pytest.fixture
def in_process() -> Iterator[None]:
    """Serve requests inside the test's transaction, as Django's test client does: a finished
    request must not close the connection the test is using."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_declares_the_error_statuses(db: None) -> None:
    from attune.api import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            missing = set(ERROR_STATUSES) - {int(s) for s in operation["responses"]}
            assert not missing, f"{method.upper()} {path} does not declare {sorted(missing)}"


def test_schemathesis_finds_no_server_error_and_no_undeclared_status(
    case: Case, owner: User, in_process: None
) -> None:
    _token, secret = api_token_create(actor=owner, user=owner, name="fuzz", scope="write")
    headers = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"the schema has an invalid operation: {result.err()}")
            continue
        operation = result.ok()
        operations += 1

        @given(operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(generated: schemathesis.Case) -> None:
            response = generated.call(headers=headers)
            try:
                generated.validate_response(
                    response, checks=[not_a_server_error, status_code_conformance]
                )
            except Exception as exc:
                failures.append(f"{generated.operation.label}: {response.status_code}: {exc}"[:600])
                raise

        try:
            exercise()
        except Exception:  # noqa: S112 (recorded above; go on to the next operation)
            continue
    assert operations > 20
    assert not failures, "\n\n".join(failures)
