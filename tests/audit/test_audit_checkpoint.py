"""A signed checkpoint of every chain head, kept outside the database, lets `attune audit verify`
find what a database writer could otherwise drop unseen: the last events of a chain, or a whole
chain. A checkpoint that was not signed with the audit key is refused."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attune.audit.checkpoint import CheckpointError, checkpoint_path, checkpoint_write
from attune.audit.maintenance import write_audit_checkpoint
from attune.audit.models import AuditChain, AuditEvent
from attune.audit.services import audit_verify
from attune.core.worker import PERIODIC, STARTUP_HOOKS
from attune.demo.seed import seed_demo

pytestmark = pytest.mark.usefixtures("fast_passwords")

EVENTS = connection.ops.quote_name(AuditEvent._meta.db_table)
CHAINS = connection.ops.quote_name(AuditChain._meta.db_table)


def sql(statement: str, params: list[str | int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify(*args: str) -> str:
    out = StringIO()
    call_command("audit", "verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def chain(db: None) -> str:
    service, _people, _created = seed_demo()
    return f"service:{service.pk}"


def drop_tail(chain: str, count: int) -> int:
    """Delete the last `count` events and set the head to the new last one, leaving a chain
    that is consistent in itself. Returns where it now ends."""
    events = list(AuditEvent.objects.filter(chain=chain).order_by("-seq")[: count + 1])
    for event in events[:count]:
        sql(f"DELETE FROM {EVENTS} WHERE id = %s", [event.pk])  # noqa: S608
    last = events[count]
    sql(
        f"UPDATE {CHAINS} SET last_seq = %s, last_hash = %s WHERE key = %s",  # noqa: S608
        [last.seq, last.hash, chain],
    )
    return last.seq


def test_checkpoint_command_writes_and_prints_a_signed_checkpoint(chain: str) -> None:
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out, stderr=StringIO())

    printed = json.loads(out.getvalue())
    head = AuditChain.objects.get(key=chain)
    assert printed["chains"][chain] == {"seq": head.last_seq, "hash": head.last_hash}
    assert len(printed["signature"]) == 64
    assert json.loads(checkpoint_path().read_text()) == printed
    assert checkpoint_path().stat().st_mode & 0o777 == 0o600
    assert "nothing lost since the checkpoint" in verify()


def test_a_dropped_tail_passes_without_a_checkpoint_but_is_caught_after_one(chain: str) -> None:
    checkpoint_write()
    seen = AuditChain.objects.get(key=chain).last_seq
    ends = drop_tail(chain, 3)
    # The chain is consistent in itself: only the checkpoint can tell.
    assert audit_verify()[1] == []

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"the checkpoint saw the chain at #{seen}, it now ends at #{ends}" in str(refused.value)


def test_a_dropped_chain_is_caught(chain: str) -> None:
    checkpoint_write()
    sql(f"DELETE FROM {EVENTS} WHERE chain = %s", [chain])  # noqa: S608
    sql(f"DELETE FROM {CHAINS} WHERE key = %s", [chain])  # noqa: S608
    assert audit_verify()[1] == []

    with pytest.raises(CommandError) as refused:
        verify()

    assert f"{chain}: " in str(refused.value)
    assert "the whole chain" in str(refused.value)


def test_a_forged_checkpoint_is_refused(chain: str) -> None:
    checkpoint_write()
    forged = json.loads(checkpoint_path().read_text())
    # The forger lowers the head to hide a dropped tail and keeps the old signature.
    forged["chains"][chain]["seq"] -= 3
    checkpoint_path().write_text(json.dumps(forged))

    with pytest.raises(CommandError, match="signature is wrong"):
        verify()
    with pytest.raises(CheckpointError, match="signature is wrong"):
        checkpoint_write()


def test_a_checkpoint_file_that_is_not_one_is_refused(chain: str, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text('{"chains": "nothing"}')

    with pytest.raises(CommandError, match="not a checkpoint"):
        verify("--checkpoint", str(kept))


def test_the_next_checkpoint_does_not_bless_a_dropped_tail(chain: str) -> None:
    first = checkpoint_write()
    drop_tail(chain, 2)

    with pytest.raises(CheckpointError, match="lost events since the last checkpoint"):
        checkpoint_write()

    assert json.loads(checkpoint_path().read_text()) == first


def test_an_operators_kept_copy_catches_a_drop_after_the_file_is_replaced(
    chain: str, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(checkpoint_write()))
    drop_tail(chain, 2)
    checkpoint_path().unlink()
    checkpoint_write()  # a fresh checkpoint of the shortened chain

    assert "nothing lost" in verify()
    with pytest.raises(CommandError, match="it now ends at"):
        verify("--checkpoint", str(kept))


def test_the_worker_writes_a_checkpoint_when_it_starts_and_every_five_minutes(
    chain: str,
) -> None:
    assert write_audit_checkpoint in STARTUP_HOOKS
    assert (300, write_audit_checkpoint) in PERIODIC
    assert not checkpoint_path().exists()

    # The hook itself (the worker's loop would also close the test's database connection).
    write_audit_checkpoint()

    written = json.loads(checkpoint_path().read_text())
    assert written["chains"][chain]["seq"] == AuditChain.objects.get(key=chain).last_seq
