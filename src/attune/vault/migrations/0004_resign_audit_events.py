"""Events written before the audit chains were keyed carry plain SHA-256 digests, which anyone
with database access could recompute. Check each chain as it stands (a broken chain stops the
upgrade: it must be looked into, not laundered), then re-sign every event with the audit key."""

from __future__ import annotations

import hmac
from typing import Any

from django.db import migrations

GENESIS = "0" * 64


def resign(apps: Any, schema_editor: Any) -> None:
    from attune.audit.services import digest_key, event_body, legacy_event_digest
    from attune.vault import crypto
    from attune.vault.keys import AUDIT_KEY_CONTEXT, fingerprint, master_key

    event_model = apps.get_model("audit", "AuditEvent")
    chain_model = apps.get_model("audit", "AuditChain")
    audit_key_model = apps.get_model("vault", "AuditKey")
    if not event_model.objects.exists():
        return
    mk = master_key()
    record = audit_key_model.objects.filter(name="audit").first()
    if record is None:
        record = audit_key_model.objects.create(
            name="audit",
            master_fingerprint=fingerprint(mk),
            wrapped_key=crypto.wrap_key(mk, crypto.new_key(), context=AUDIT_KEY_CONTEXT),
        )
    key = digest_key(
        crypto.unwrap_key(mk, bytes(record.wrapped_key), context=AUDIT_KEY_CONTEXT)
    )
    for head in chain_model.objects.order_by("key"):
        prev_old, prev_new, seq = GENESIS, GENESIS, 0
        for event in event_model.objects.filter(chain=head.key).order_by("seq").iterator():
            seq += 1
            if (
                event.seq != seq
                or event.prev_hash != prev_old
                or legacy_event_digest(event) != event.hash
            ):
                raise RuntimeError(
                    f"Audit chain {head.key} is broken at event #{seq}: run `attune audit verify` "
                    "with the previous release and look into it before upgrading."
                )
            prev_old = event.hash
            event.prev_hash = prev_new
            event.hash = hmac.new(key, event_body(event), "sha256").hexdigest()
            event.save(update_fields=["prev_hash", "hash"])
            prev_new = event.hash
        if head.last_seq != seq or head.last_hash != prev_old:
            raise RuntimeError(f"Audit chain {head.key} does not end where its head says.")
        head.last_hash = prev_new
        head.save(update_fields=["last_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("vault", "0003_audit_key"),
    ]

    operations = [migrations.RunPython(resign, migrations.RunPython.noop)]
