"""Seeding a service's catalogue serialises seeders without blocking every other writer: on
PostgreSQL it locks the service row FOR NO KEY UPDATE, which does not conflict with the foreign-key
checks of other transactions' audit events (a plain FOR UPDATE deadlocked under load)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attune.accounts.models import Service
from attune.moments.catalogue import catalogue_ensure


def test_seeding_locks_the_service_without_blocking_foreign_key_checks(service: Service) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers itself")
    with CaptureQueriesContext(connection) as captured:
        assert catalogue_ensure(service=service) is True

    locks = [q["sql"] for q in captured.captured_queries if '"accounts_service"' in q["sql"]]
    locks = [sql for sql in locks if "FOR " in sql]
    assert locks and all(sql.endswith("FOR NO KEY UPDATE") for sql in locks), locks
