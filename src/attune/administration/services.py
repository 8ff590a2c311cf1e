"""Running the service: roles, leavers and their cases, and the service's settings. Each change
is atomic and audited; nobody can remove the last service admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Service, SupervisionLink, User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState
from attune.core.errors import PermissionDenied, ServiceError

ROLE_FIELDS = ("is_guider", "is_trainee", "is_supervisor", "is_service_admin")
SETTING_FIELDS = ("retention_days", "records_years", "allow_downloads", "require_mfa")
CLOSED_STATES = (CaseState.CLOSED, CaseState.WITHDRAWN)


def _require_admin(actor: User, person: User | None = None, service: Service | None = None) -> None:
    service_id = person.service_id if person is not None else (service.pk if service else None)
    if not (actor.is_service_admin and actor.is_active and actor.service_id == service_id):
        raise PermissionDenied("Only a service admin of this service can do this.")


def _other_admins(person: User) -> bool:
    return (
        User.objects.filter(
            service_id=person.service_id or 0, is_service_admin=True, is_active=True
        )
        .exclude(pk=person.pk)
        .exists()
    )


def open_cases_of(person: User) -> list[Case]:
    return list(
        Case.objects.filter(guider=person, service_id=person.service_id or 0)
        .exclude(state__in=CLOSED_STATES)
        .order_by("reference")
    )


def user_roles_change(*, actor: User, person: User, **roles: bool) -> User:
    _require_admin(actor, person)
    new = {name: bool(roles.get(name, getattr(person, name))) for name in ROLE_FIELDS}
    new["is_trainee"] = new["is_trainee"] and new["is_guider"]
    if not (new["is_guider"] or new["is_supervisor"] or new["is_service_admin"]):
        raise ServiceError("Keep at least one role.", field="is_guider")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_service_admin and not new["is_service_admin"] and not _other_admins(person):
            raise ServiceError(
                "This is the service's last service admin: make someone else a service admin "
                "first.",
                field="is_service_admin",
            )
        if not new["is_guider"] and open_cases_of(person):
            raise ServiceError(
                "Hand their open cases to another guider before they stop guiding.",
                field="is_guider",
            )
        changed = {n: [getattr(person, n), v] for n, v in new.items() if getattr(person, n) != v}
        if not changed:
            return person
        for name, value in new.items():
            setattr(person, name, value)
        person.save(update_fields=list(ROLE_FIELDS))
        if "is_supervisor" in changed and not new["is_supervisor"]:
            SupervisionLink.objects.filter(supervisor=person, ended_on__isnull=True).update(
                ended_on=timezone.localdate()
            )
        audit_record(
            actor=actor, action=AuditAction.USER_ROLES_CHANGED, obj=person, details=changed
        )
    return person


def case_handover(*, actor: User, case: Case, to_guider: User) -> Case:
    """Give a case to another guider of the service (a leaver's, or anyone's)."""
    _require_admin(actor, service=case.service)
    if to_guider.service_id != case.service_id or not to_guider.is_guider:
        raise ServiceError("Choose a guider in your service.", field="to_guider")
    if not to_guider.is_active:
        raise ServiceError(f"{to_guider} has left the service.", field="to_guider")
    if to_guider.pk == case.guider_id:
        raise ServiceError(f"{to_guider} already guides this case.", field="to_guider")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        before = case.guider
        case.guider = to_guider
        case.save(update_fields=["guider", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CASE_HANDED_OVER,
            case=case,
            obj=case,
            details={"from": before.email, "to": to_guider.email},
        )
    return case


def user_deactivate(*, actor: User, person: User) -> User:
    """A leaver stops signing in. Their open cases go to other guiders first; their
    supervision links end; their records stay, under their name."""
    _require_admin(actor, person)
    if person.pk == actor.pk:
        raise ServiceError("You cannot deactivate yourself: ask another service admin.")
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        if person.is_service_admin and not _other_admins(person):
            raise ServiceError("This is the service's last service admin.")
        left = open_cases_of(person)
        if left:
            raise ServiceError(
                f"Hand {len(left)} open case{'s' if len(left) != 1 else ''} to another guider "
                "first."
            )
        person.is_active = False
        person.save(update_fields=["is_active"])
        ended = SupervisionLink.objects.filter(
            ended_on__isnull=True, service_id=person.service_id or 0
        ).filter(supervisor=person) | SupervisionLink.objects.filter(
            ended_on__isnull=True, supervisee=person
        )
        ended.update(ended_on=timezone.localdate())
        person.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(actor=actor, action=AuditAction.USER_DEACTIVATED, obj=person)
    return person


def user_reactivate(*, actor: User, person: User) -> User:
    _require_admin(actor, person)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return person
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.USER_REACTIVATED, obj=person)
    return person


def service_settings_update(*, actor: User, service: Service, **values: Any) -> Service:
    _require_admin(actor, service=service)
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        changed = {
            name: [getattr(service, name), values[name]]
            for name in SETTING_FIELDS
            if name in values and getattr(service, name) != values[name]
        }
        if changed:
            for name, (_before, after) in changed.items():
                setattr(service, name, after)
            service.save(update_fields=list(changed))
            audit_record(
                actor=actor,
                action=AuditAction.SETTINGS_CHANGED,
                service=service,
                obj=service,
                details=changed,
            )
    return service
