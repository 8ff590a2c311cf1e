"""State changes for services, people, invitations, supervision links and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import (
    ApiToken,
    Invitation,
    Service,
    SupervisionLink,
    TokenScope,
    User,
    hash_secret,
)
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.core.errors import PermissionDenied, ServiceError

INVITATION_DAYS = 7


def _require_admin(actor: User, service: Service) -> None:
    if not (actor.is_service_admin and actor.service_id == service.pk):
        raise PermissionDenied("Only a service admin can do this.")


def invitation_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    is_guider: bool = False,
    is_trainee: bool = False,
    is_supervisor: bool = False,
    is_service_admin: bool = False,
    base_url: str = "http://127.0.0.1:8000",
) -> tuple[Invitation, str]:
    """Invite someone into the actor's service. Returns the invitation and its secret link."""
    service = actor.service
    if service is None:
        raise PermissionDenied("You do not belong to a service.")
    _require_admin(actor, service)
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.service_id == service.pk:
        # Their own people are on the admin's People page already: saying so reveals nothing.
        raise ServiceError("Someone in your service already has this address.", field="email")
    if not (is_guider or is_supervisor or is_service_admin):
        raise ServiceError("Choose at least one role.", field="is_guider")
    # An address in use in another service gets the same answer, invitation row and audit event
    # as a new one, so an admin cannot find out who works elsewhere; only the mail differs, and
    # it goes to the address's owner, who can ask for another address to be used.
    taken_elsewhere = existing is not None
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            service=service,
            email=email,
            full_name=full_name.strip(),
            is_guider=is_guider,
            is_trainee=is_trainee and is_guider,
            is_supervisor=is_supervisor,
            is_service_admin=is_service_admin,
            token_hash=hash_secret(secret),
            invited_by=actor,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit_record(
            actor=actor,
            action=AuditAction.INVITATION_CREATED,
            obj=invitation,
            details={"email": email},
        )
        link = base_url.rstrip("/") + reverse("accounts:invitation_accept", args=[secret])
        if taken_elsewhere:
            message = (
                f"Hello {full_name},\n\n{actor.full_name} tried to invite you to join "
                f"{service.name} on Attune, but this address already has an Attune account in "
                "another service, and an address belongs to one service only. If you should "
                f"join {service.name}, ask them to invite you with another address.\n"
            )
        else:
            message = (
                f"Hello {full_name},\n\n{actor.full_name} has invited you to join "
                f"{service.name} on Attune.\n\nChoose your password here (the link works "
                f"for {INVITATION_DAYS} days):\n{link}\n"
            )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"You have been invited to {service.name} on Attune",
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[email],
            )
        )
    return invitation, link


def invitation_for_secret(secret: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=hash_secret(secret)).first()
    return invitation if invitation is not None and invitation.is_open else None


def invitation_accept(*, secret: str, password: str) -> User:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=hash_secret(secret)).first()
        )
        if invitation is None or not invitation.is_open:
            raise ServiceError("This invitation has expired or has already been used.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ServiceError(
                "This address already has an Attune account. Ask to be invited with another."
            )
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=invitation.full_name,
            service=invitation.service,
            is_guider=invitation.is_guider,
            is_trainee=invitation.is_trainee,
            is_supervisor=invitation.is_supervisor,
            is_service_admin=invitation.is_service_admin,
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(actor=user, action=AuditAction.INVITATION_ACCEPTED, obj=invitation)
    return user


def supervision_link_create(*, actor: User, supervisor: User, supervisee: User) -> SupervisionLink:
    service = actor.service
    if service is None:
        raise PermissionDenied("You do not belong to a service.")
    _require_admin(actor, service)
    if supervisor.service_id != service.pk or supervisee.service_id != service.pk:
        raise ServiceError("Both people must belong to your service.")
    if not supervisor.is_supervisor:
        raise ServiceError(f"{supervisor} is not a supervisor.", field="supervisor")
    if supervisor.pk == supervisee.pk:
        raise ServiceError("Nobody can supervise themselves.", field="supervisee")
    with transaction.atomic():
        link, created = SupervisionLink.objects.get_or_create(
            service=service, supervisor=supervisor, supervisee=supervisee, ended_on=None
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.SUPERVISION_LINK_CREATED,
                obj=link,
                details={"supervisor": supervisor.email, "supervisee": supervisee.email},
            )
    return link


def supervision_link_end(*, actor: User, link: SupervisionLink) -> None:
    _require_admin(actor, link.service)
    with transaction.atomic():
        link.ended_on = timezone.localdate()
        link.save(update_fields=["ended_on"])
        audit_record(actor=actor, action=AuditAction.SUPERVISION_LINK_ENDED, obj=link)


TOKEN_DAYS_CHOICES = (7, 30, 90, 365)


def mfa_required_for(user: User) -> bool:
    return bool(settings.ATTUNE_REQUIRE_MFA or getattr(user.service, "require_mfa", False))


def has_second_factor(user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def api_token_create(
    *,
    actor: User,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`, read-only unless asked, expiring after `days` (the
    ``ATTUNE_API_TOKEN_DAYS`` default, 90). The secret is returned once and only its hash is
    kept. Where two-factor sign-in is required, only someone who has set it up gets a token: a
    token must not be a way round the second factor."""
    if actor.pk != user.pk and not (actor.is_superuser or actor.is_service_admin):
        raise PermissionDenied("You can only create tokens for yourself.")
    if actor.is_service_admin and actor.pk != user.pk and actor.service_id != user.service_id:
        raise PermissionDenied("You can only create tokens for yourself.")
    if mfa_required_for(user) and not has_second_factor(user):
        raise PermissionDenied("Set up two-factor sign-in before you create an API token.")
    scope = TokenScope(scope)
    days = settings.ATTUNE_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= max(TOKEN_DAYS_CHOICES):
        raise ServiceError(
            f"A token lasts between 1 and {max(TOKEN_DAYS_CHOICES)} days.", field="days"
        )
    secret = settings.ATTUNE_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or "API token",
            prefix=secret[:10],
            token_hash=hash_secret(secret),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit_record(
            actor=actor,
            action=AuditAction.API_TOKEN_CREATED,
            service=user.service,
            obj=token,
            details={"scope": scope.value, "days": days},
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, obj=token)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret (not revoked, not expired, its owner active), or None."""
    if not secret.startswith(settings.ATTUNE_API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__service")
        .filter(
            token_hash=hash_secret(secret),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute: a busy script should not turn every read into a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
