"""Writing and verifying the audit trail. Every state-changing service calls `audit_record`."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from attune.audit.actions import AuditAction
from attune.audit.keying import audit_key, derived_key
from attune.audit.models import AuditChain, AuditEvent
from attune.core.middleware import current_ip

if TYPE_CHECKING:
    from attune.accounts.models import Service, User
    from attune.cases.models import Case

PLATFORM_CHAIN = "platform"


#: When set, the time the events recorded now are stamped with (see `audit_recorded_at`).
_stamp: ContextVar[datetime | None] = ContextVar("audit_stamp", default=None)


@contextmanager
def audit_recorded_at(when: datetime) -> Iterator[None]:
    """Stamp the events recorded inside with `when` instead of now. For the demo, whose story
    (a meeting ten days ago, a film last month) should read on its own dates. The stamp is part
    of what each event's hash covers, so the chain verifies as it does for any other event."""
    token = _stamp.set(when)
    try:
        yield
    finally:
        _stamp.reset(token)


def _chain_key(service_id: int | None) -> str:
    return f"service:{service_id}" if service_id else PLATFORM_CHAIN


def event_body(event: AuditEvent) -> bytes:
    """The canonical bytes of one event: its own fields and the previous event's hash."""
    body = {
        "chain": event.chain,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "service": event.service_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "case": event.case_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "ip": event.ip,
        "details": event.details,
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def legacy_event_digest(event: AuditEvent) -> str:
    """The plain SHA-256 digest events had before the chain was keyed (used once, to re-sign)."""
    return hashlib.sha256(event_body(event)).hexdigest()


def digest_key(key: bytes | None = None) -> bytes:
    """The key event digests are made with, from the audit secret."""
    return derived_key(key if key is not None else audit_key(), "event")


def event_digest(event: AuditEvent, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the event under the audit key (``key``: an already derived digest key).
    Without the key nobody can make a digest that verifies, so a rewritten row cannot be hidden
    by re-hashing the chain."""
    return hmac.new(
        key if key is not None else digest_key(), event_body(event), "sha256"
    ).hexdigest()


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    service: Service | None = None,
    case: Case | None = None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to its service's chain. Call it inside the service's transaction.
    ``action`` must be one of ``AuditAction`` (a name outside it is a programming error)."""
    action = AuditAction(action)
    if service is None:
        service = case.service if case is not None else getattr(actor, "service", None)
    service_id = service.pk if service is not None else None
    key = _chain_key(service_id)
    # JSON round trip so the hash is computed over exactly what the database will give back.
    clean_details = json.loads(json.dumps(details or {}, default=str))
    with transaction.atomic():
        AuditChain.objects.get_or_create(key=key)
        head = AuditChain.objects.select_for_update().get(key=key)
        event = AuditEvent(
            chain=key,
            seq=head.last_seq + 1,
            at=_stamp.get() or timezone.now(),
            service_id=service_id,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=(actor.email if actor is not None and actor.is_authenticated else "system"),
            case=case,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            ip=current_ip(),
            details=clean_details,
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save()
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    chain: str
    seq: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"{self.chain}: {where}: {self.problem}"


def _verify_chain(head: AuditChain, key: bytes) -> Iterator[ChainProblem]:
    prev_hash = "0" * 64
    expected_seq = 1
    for event in AuditEvent.objects.filter(chain=head.key).order_by("seq").iterator():
        if event.seq != expected_seq:
            yield ChainProblem(
                head.key, expected_seq, None, f"missing (next event found is #{event.seq})"
            )
            return
        if event.prev_hash != prev_hash:
            yield ChainProblem(head.key, event.seq, event.pk, "does not link to the event before")
            return
        if not hmac.compare_digest(event_digest(event, key=key), event.hash):
            yield ChainProblem(head.key, event.seq, event.pk, "was altered after it was written")
            return
        prev_hash = event.hash
        expected_seq += 1
    if expected_seq - 1 != head.last_seq or prev_hash != head.last_hash:
        yield ChainProblem(
            head.key,
            expected_seq,
            None,
            f"missing: the chain should end at #{head.last_seq}, but ends at #{expected_seq - 1}",
        )


def audit_verify() -> tuple[int, list[ChainProblem]]:
    """Check every chain. Returns (events checked, first problem of each broken chain)."""
    problems: list[ChainProblem] = []
    key = digest_key()
    for head in AuditChain.objects.order_by("key"):
        problems.extend(_verify_chain(head, key))
    # An event whose chain head was removed is unaccounted for too.
    known = set(AuditChain.objects.values_list("key", flat=True))
    for chain in AuditEvent.objects.exclude(chain__in=known).values_list("chain", flat=True):
        problems.append(ChainProblem(chain, 0, None, "belongs to a chain with no recorded head"))
        break
    return AuditEvent.objects.count(), problems


def job_audit(
    case_of: Callable[[Any], Case], obj_of: Callable[[Any], models.Model] | None = None
) -> Callable[[Any, str, dict[str, Any]], None]:
    """The audit hook of a kind of background job (``attune.core.jobs.JobKind.audit``): the
    system records what happened to the job's row, on the row's case."""

    def record(row: Any, action: str, details: dict[str, Any]) -> None:
        audit_record(
            actor=None,
            action=action,
            case=case_of(row),
            obj=obj_of(row) if obj_of is not None else row,
            details=details,
        )

    return record
