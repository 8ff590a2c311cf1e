"""`attune audit verify` finds any change to, or removal of, an audit event; the ORM refuses both."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from attune.audit.models import AuditChain, AuditEvent
from attune.audit.services import event_digest
from attune.demo.seed import DEMO_SERVICE_SLUG, seed_demo

pytestmark = pytest.mark.usefixtures("fast_passwords")

TABLE = AuditEvent._meta.db_table


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def raw_sql(sql: str, params: list[str | int]) -> None:
    """Write straight to the table, as someone with database access could (no ORM guard)."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(TABLE)), params)


@pytest.fixture
def demo_events(db: None) -> list[AuditEvent]:
    service, _people, _created = seed_demo()
    events = list(AuditEvent.objects.filter(service=service).order_by("seq"))
    assert len(events) > 10
    assert events[0].chain == f"service:{service.pk}"
    assert service.slug == DEMO_SERVICE_SLUG
    return events


def test_verify_passes_on_the_seeded_demo(demo_events: list[AuditEvent]) -> None:
    output = verify()

    assert "intact" in output
    assert f"{AuditEvent.objects.count()} events verified" in output


def test_verify_names_the_event_altered_in_the_database(demo_events: list[AuditEvent]) -> None:
    victim = demo_events[4]
    raw_sql("UPDATE {table} SET action = %s WHERE id = %s", ["case.nothing_to_see", victim.pk])

    with pytest.raises(CommandError) as refused:
        verify()

    message = str(refused.value)
    assert f"event #{victim.seq} (id {victim.pk})" in message
    assert "altered" in message


def test_verify_notices_an_altered_event_whose_hash_was_recomputed(
    demo_events: list[AuditEvent],
) -> None:
    # Rewriting the hash as well only moves the break to the next event, which no longer links.
    victim, following = demo_events[4], demo_events[5]
    victim.action = "case.nothing_to_see"
    raw_sql(
        "UPDATE {table} SET action = %s, hash = %s WHERE id = %s",
        [victim.action, event_digest(victim), victim.pk],
    )

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"event #{following.seq} (id {following.pk})" in str(refused.value)
    assert "does not link" in str(refused.value)


def test_verify_names_the_event_deleted_from_the_middle(demo_events: list[AuditEvent]) -> None:
    victim = demo_events[6]
    raw_sql("DELETE FROM {table} WHERE id = %s", [victim.pk])

    with pytest.raises(CommandError) as refused:
        verify()

    message = str(refused.value)
    assert f"event #{victim.seq}: missing" in message


def test_verify_notices_the_last_event_deleted(demo_events: list[AuditEvent]) -> None:
    victim = demo_events[-1]
    raw_sql("DELETE FROM {table} WHERE id = %s", [victim.pk])

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"should end at #{victim.seq}" in str(refused.value)


def test_the_orm_refuses_to_change_or_remove_events(demo_events: list[AuditEvent]) -> None:
    event = demo_events[0]
    before = AuditEvent.objects.count()

    event.action = "case.nothing_to_see"
    attempts: dict[str, Callable[[], object]] = {
        "save": event.save,
        "delete": event.delete,
        "queryset update": lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
        "queryset delete": lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        "delete all": lambda: AuditEvent.objects.all().delete(),
        "bulk update": lambda: AuditEvent.objects.bulk_update([event], ["action"]),
    }
    for name, attempt in attempts.items():
        # Each attempt in its own savepoint: a refusal inside Django's own atomic block
        # (bulk_update) would otherwise spoil the test's transaction.
        with pytest.raises(TypeError, match="append-only"), transaction.atomic():
            attempt()
            pytest.fail(f"{name} was allowed")

    assert AuditEvent.objects.count() == before
    assert AuditEvent.objects.get(pk=event.pk).action != "case.nothing_to_see"
    verify()


def test_the_chain_head_records_the_last_event(demo_events: list[AuditEvent]) -> None:
    head = AuditChain.objects.get(key=demo_events[0].chain)

    assert head.last_seq == demo_events[-1].seq
    assert head.last_hash == demo_events[-1].hash


# --------------------------------------------------------------------------- the real command


def _attune(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"ATTUNE_DATA_DIR": str(data_dir), "ATTUNE_ENV": "development"})
    return subprocess.run(
        [str(Path(sys.executable).with_name("attune")), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow  # migrates a fresh database in a subprocess: 10-30 s
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="drives the embedded SQLite database"
)
def test_attune_audit_verify_exit_codes(tmp_path: Path) -> None:
    for step in (("migrate", "--noinput", "-v0"), ("demo", "--quiet", "--no-film")):
        done = _attune(tmp_path, *step)
        assert done.returncode == 0, done.stderr

    intact = _attune(tmp_path, "audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert "intact" in intact.stdout

    with sqlite3.connect(tmp_path / "attune.sqlite3") as db:
        (victim_id, victim_seq) = db.execute(
            f"SELECT id, seq FROM {TABLE} ORDER BY seq LIMIT 1 OFFSET 3"  # noqa: S608
        ).fetchone()
        db.execute(f"UPDATE {TABLE} SET actor_label = 'someone-else' WHERE id = ?", [victim_id])  # noqa: S608

    broken = _attune(tmp_path, "audit", "verify")
    assert broken.returncode != 0
    assert f"event #{victim_seq} (id {victim_id})" in broken.stderr
