"""Every operation of the OpenAPI schema, fuzzed by schemathesis, as three personas.

As a county official (sees everything), a resident (sees almost nothing) and a stranger
(no login), on whatever database the run uses (SQLite, or PostgreSQL with ``DATABASE_URL``):
no answer is a 5xx, every status is one the schema documents, every body matches its
documented schema. Requests go straight into the WSGI application on the test's own database
connection, so each example sees (and may change) the test's data; nothing leaks out of the
test's transaction.

Kept short for CI (2 cores): a few derandomised examples per operation, so a run repeats
exactly; a failure names the operation and the request to replay it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.accounts.models import Role

from .factories import make_user

pytestmark = [pytest.mark.django_db]

EXAMPLES = 10  # per operation and persona: 82 operations × 3 personas in about a minute and a half
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema(user):
    """The API's own OpenAPI document, fetched as a signed-in user would."""
    client = Client()
    client.force_login(user)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = WSGIHandler()
    return schema


def _credentials(client: Client | None) -> dict:
    """Session and CSRF cookies of a signed-in client, and the matching CSRF header."""
    if client is None:
        return {"headers": {}, "cookies": {}}
    token = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {
        "headers": {"X-CSRFToken": token},
        "cookies": {"sessionid": session, "csrftoken": token},
    }


class _Undo(Exception):
    """Raised to roll one example's writes back."""


@contextmanager
def _on_the_test_connection():
    """Serve requests on the test's connection, as Django's test client does: the handler's
    request signals would otherwise close it (PostgreSQL, ``CONN_MAX_AGE``) mid-test.
    (The test client reconnects the signals after each of its own requests, so this wraps
    the fuzzing only.)"""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def personas(grid_world, cases_seeded, county_official):
    stranger_client = None
    official = Client()
    official.force_login(county_official)
    resident = Client()
    resident.force_login(grid_world["resident_a"])
    return {"official": official, "resident": resident, "anonymous": stranger_client}


def _describe(failure, case) -> str:
    return f"{failure.title}\n{failure.message[:600]}\n  {case.as_curl_command()[:400]}"


def _run_operation(operation, credentials: dict) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        try:
            # Each example starts from the same data: its writes are rolled back, and a
            # database error cannot poison the examples after it (PostgreSQL).
            with transaction.atomic():
                case.call_and_validate(checks=CHECKS, **credentials)
                raise _Undo
        except _Undo:
            pass
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.append(f"{operation.label}: {_describe(failure, case)}")
        except Failure as failure:
            failures.append(f"{operation.label}: {_describe(failure, case)}")
        except Exception as exc:
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")

    run()
    return failures


@pytest.mark.parametrize("persona", ["official", "resident", "anonymous"])
def test_every_operation_answers_as_documented(persona, personas, county_official):
    schema = _schema(county_official)
    credentials = _credentials(personas[persona])
    failures: list[str] = []
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        with _on_the_test_connection():
            failures.extend(_run_operation(operation, credentials))
    assert count >= 80
    assert not failures, f"{len(failures)} failures:\n" + "\n\n".join(failures)


def test_the_personas_are_who_they_say(personas, grid_world):
    """The fuzz run is only worth something if the signed-in personas are signed in."""
    assert personas["official"].get("/api/v1/ledger/compounds").status_code == 200
    resident = personas["resident"].get("/api/v1/ledger/compounds")
    assert resident.status_code in (200, 403)
    assert grid_world["resident_a"].profile.role == Role.RESIDENT
    assert make_user  # the factory the personas come from
