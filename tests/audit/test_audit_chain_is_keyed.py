"""The audit chain is keyed with a secret the database does not hold: someone who rewrites a row
and re-hashes the rest of the chain (plain SHA-256, or any key but the real one) is still caught,
and the key survives a master key rotation."""

from __future__ import annotations

import hmac
from importlib import import_module
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.audit.models import AuditChain, AuditEvent
from attune.audit.services import digest_key, event_body, event_digest, legacy_event_digest
from attune.demo.seed import seed_demo
from attune.vault import crypto
from attune.vault.keys import master_key, rotate_master_key
from attune.vault.models import AuditKey

pytestmark = pytest.mark.usefixtures("fast_passwords")

EVENTS = connection.ops.quote_name(AuditEvent._meta.db_table)
CHAINS = connection.ops.quote_name(AuditChain._meta.db_table)


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def rehash_chain(chain: str, digest: object) -> None:
    """Rewrite every digest of a chain from the first event on, as a forger with only the
    database would, and set the head to match."""
    prev = "0" * 64
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(chain=chain).order_by("seq"):
            event.prev_hash = prev
            event.hash = digest(event)  # type: ignore[operator]
            cursor.execute(
                f"UPDATE {EVENTS} SET prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                [event.prev_hash, event.hash, event.pk],
            )
            prev = event.hash
        cursor.execute(
            f"UPDATE {CHAINS} SET last_hash = %s WHERE key = %s",  # noqa: S608
            [prev, chain],
        )


@pytest.fixture
def chain(db: None) -> str:
    service, _people, _created = seed_demo()
    return f"service:{service.pk}"


def alter_an_event(chain: str) -> AuditEvent:
    victim = AuditEvent.objects.filter(chain=chain).order_by("seq")[3]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {EVENTS} SET actor_label = %s WHERE id = %s",  # noqa: S608
            ["someone-else", victim.pk],
        )
    return victim


def test_an_altered_event_rehashed_with_plain_sha256_is_caught(chain: str) -> None:
    victim = alter_an_event(chain)
    rehash_chain(chain, legacy_event_digest)

    with pytest.raises(CommandError) as refused:
        verify()

    assert "event #1 " in str(refused.value)
    assert "altered" in str(refused.value)
    assert victim.seq > 1


def test_an_altered_event_rehashed_with_another_key_is_caught(chain: str) -> None:
    alter_an_event(chain)
    wrong = digest_key(crypto.new_key())
    rehash_chain(chain, lambda event: hmac.new(wrong, event_body(event), "sha256").hexdigest())

    with pytest.raises(CommandError, match="altered"):
        verify()


def test_the_chain_rehashed_with_the_real_key_passes(chain: str) -> None:
    # The control: the forgery fails only for want of the key.
    rehash_chain(chain, event_digest)

    assert "intact" in verify()


def test_the_database_holds_the_key_only_wrapped(chain: str) -> None:
    record = AuditKey.objects.get()
    wrapped = bytes(record.wrapped_key)  # type: ignore[arg-type]
    first = AuditEvent.objects.filter(chain=chain).order_by("seq").first()
    assert first is not None

    assert hmac.new(digest_key(wrapped[:32]), event_body(first), "sha256").hexdigest() != (
        first.hash
    )
    assert event_digest(first) == first.hash


def test_events_still_verify_after_the_master_key_is_rotated(
    chain: str, settings: SettingsWrapper
) -> None:
    new = crypto.new_key()
    rotate_master_key(new)
    # As `attune keys rotate` leaves it: the new key is the configured one from now on.
    settings.ATTUNE_MASTER_KEY = new.hex()
    master_key.cache_clear()

    assert "intact" in verify()


def test_the_upgrade_resigns_plain_sha256_events_with_the_key(chain: str) -> None:
    # Events as the previous release wrote them: plain SHA-256, no audit key yet.
    rehash_chain(chain, legacy_event_digest)
    AuditKey.objects.all().delete()
    migration = "0004_resign_audit_events"
    resign = import_module(f"attune.vault.migrations.{migration}").resign
    historical = MigrationLoader(connection).project_state(("vault", migration)).apps
    resign(historical, None)

    assert "intact" in verify()
    first = AuditEvent.objects.filter(chain=chain).order_by("seq").first()
    assert first is not None
    assert first.hash != legacy_event_digest(first)
