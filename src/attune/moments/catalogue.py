"""The principles of attuned interaction and guidance: the seed every service starts with, and
the service admin's changes to it.

A service admin can reword, add and retire principles and behaviours afterwards; the list below is
only the seed (see DESIGN.md). The first six principles in use have the number keys 1–6 in the
editor.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from attune.accounts.models import Service, User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.core.errors import PermissionDenied, ServiceError
from attune.moments.models import Behaviour, Principle

MAX_BEHAVIOURS = 30
TEXT_LIMIT = 5000

SEED: list[tuple[str, list[str]]] = [
    (
        "Being attentive",
        [
            "looking interested, friendly posture",
            "giving time and space",
            "turning towards",
            "wondering about what they are doing, thinking or feeling",
            "enjoying watching",
        ],
    ),
    (
        "Encouraging initiatives",
        [
            "waiting",
            "listening actively",
            "showing warmth through intonation",
            "naming positively what you see, think or feel",
            "looking for initiatives",
        ],
    ),
    (
        "Receiving initiatives",
        [
            "showing you have noticed the initiative",
            "receiving with body language",
            "returning eye contact, smiling, nodding",
            "receiving with words",
            "repeating the other's words",
        ],
    ),
    (
        "Developing attuned interactions",
        [
            "receiving and then responding",
            "checking the other understands",
            "waiting attentively for your turn",
            "giving and taking short turns",
            "co-operating, helping each other",
        ],
    ),
    (
        "Guiding",
        [
            "scaffolding",
            "extending, building on the other's response",
            "judging the amount of support needed",
            "giving information when needed",
            "offering choices the other can understand",
        ],
    ),
    (
        "Deepening discussion",
        [
            "supporting goal-setting",
            "sharing viewpoints",
            "collaborative problem-solving",
            "naming differences",
            "reaching new shared understandings",
            "managing conflict",
        ],
    ),
]

#: How many principles have a number key in the editor.
KEYED_PRINCIPLES = 6


# --- the catalogue -------------------------------------------------------------------------------


def catalogue_ensure(*, service: Service) -> bool:
    """Give a service the seed catalogue the first time anyone needs it. True if it was seeded."""
    if Principle.objects.filter(service=service).exists():
        return False
    with transaction.atomic():
        # One seeding at a time. NO KEY: a plain FOR UPDATE on the service would block every
        # other writer's foreign-key check on it (audit events name their service) while this
        # waits for the audit chain, which deadlocked under load.
        Service.objects.select_for_update(no_key=True).get(pk=service.pk)
        if Principle.objects.filter(service=service).exists():
            return False
        for position, (name, behaviours) in enumerate(SEED, start=1):
            principle = Principle.objects.create(service=service, position=position, name=name)
            Behaviour.objects.bulk_create(
                Behaviour(principle=principle, position=i, name=text)
                for i, text in enumerate(behaviours, start=1)
            )
        audit_record(
            actor=None,
            action=AuditAction.CATALOGUE_SEEDED,
            service=service,
            details={"principles": len(SEED)},
        )
    return True


def _require_service_admin(actor: User, service: Service) -> None:
    if not actor.is_service_admin or actor.service_id != service.pk:
        raise PermissionDenied("Only a service admin can change the principles and behaviours.")


def _clean_name(value: str, *, field: str, limit: int) -> str:
    name = " ".join(value.split())
    if not name:
        raise ServiceError("Give it a name.", field=field)
    if len(name) > limit:
        raise ServiceError(f"Keep it under {limit} characters.", field=field)
    return name


def _sync_behaviours(principle: Principle, names: Sequence[str]) -> dict[str, int]:
    """Make the principle's behaviours the given list, in order.

    Behaviours are matched by name (ignoring case); one left out is retired rather than deleted
    so the moments already tagged with it keep their tag.
    """
    cleaned: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(raw.split())
        if name and name.lower() not in seen:
            if len(name) > 200:
                raise ServiceError("Keep each behaviour under 200 characters.", field="behaviours")
            cleaned.append(name)
            seen.add(name.lower())
    if len(cleaned) > MAX_BEHAVIOURS:
        raise ServiceError(
            f"A principle has at most {MAX_BEHAVIOURS} behaviours.", field="behaviours"
        )
    existing = {b.name.lower(): b for b in principle.behaviours.all()}
    counts = {"added": 0, "retired": 0}
    for position, name in enumerate(cleaned, start=1):
        behaviour = existing.pop(name.lower(), None)
        if behaviour is None:
            Behaviour.objects.create(principle=principle, position=position, name=name)
            counts["added"] += 1
        else:
            behaviour.position, behaviour.name, behaviour.is_active = position, name, True
            behaviour.save(update_fields=["position", "name", "is_active"])
    for behaviour in existing.values():
        if behaviour.is_active:
            counts["retired"] += 1
        behaviour.is_active = False
        behaviour.position = len(cleaned) + 1 + behaviour.position
        behaviour.save(update_fields=["is_active", "position"])
    return counts


def principle_update(
    *,
    actor: User,
    principle: Principle,
    name: str,
    description: str = "",
    is_active: bool = True,
    behaviours: Sequence[str] = (),
) -> Principle:
    _require_service_admin(actor, principle.service)
    with transaction.atomic():
        principle = Principle.objects.select_for_update().get(pk=principle.pk)
        principle.name = _clean_name(name, field="name", limit=120)
        principle.description = description.strip()[:TEXT_LIMIT]
        principle.is_active = is_active
        principle.save()
        counts = _sync_behaviours(principle, behaviours)
        audit_record(
            actor=actor,
            action=AuditAction.CATALOGUE_PRINCIPLE_UPDATED,
            service=principle.service,
            obj=principle,
            details={"name": principle.name, "in_use": is_active, **counts},
        )
    return principle


def principle_add(
    *,
    actor: User,
    service: Service,
    name: str,
    description: str = "",
    behaviours: Sequence[str] = (),
) -> Principle:
    _require_service_admin(actor, service)
    catalogue_ensure(service=service)
    with transaction.atomic():
        last = Principle.objects.filter(service=service).order_by("-position").first()
        principle = Principle.objects.create(
            service=service,
            position=(last.position if last else 0) + 1,
            name=_clean_name(name, field="name", limit=120),
            description=description.strip()[:TEXT_LIMIT],
        )
        counts = _sync_behaviours(principle, behaviours)
        audit_record(
            actor=actor,
            action=AuditAction.CATALOGUE_PRINCIPLE_ADDED,
            service=service,
            obj=principle,
            details={"name": principle.name, **counts},
        )
    return principle
