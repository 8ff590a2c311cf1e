from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest
from django.utils import timezone

from attune.accounts.models import ApiToken, Invitation, SupervisionLink, User


def supervisee_ids(user: User) -> list[int]:
    if not user.is_supervisor:
        return []
    return list(
        SupervisionLink.objects.filter(
            supervisor=user, ended_on__isnull=True, service_id=user.service_id or 0
        ).values_list("supervisee_id", flat=True)
    )


def service_users(user: User) -> QuerySet[User]:
    if user.service_id is None:
        return User.objects.none()
    return User.objects.filter(service_id=user.service_id or 0)


def guiders_for_user(user: User) -> QuerySet[User]:
    return service_users(user).filter(is_guider=True, is_active=True)


def service_user_for_admin(user: User, user_id: int) -> User:
    if not user.is_service_admin:
        raise Http404
    found = service_users(user).filter(pk=user_id).first()
    if found is None:
        raise Http404
    return found


def supervision_links_for_admin(user: User) -> QuerySet[SupervisionLink]:
    if not user.is_service_admin:
        return SupervisionLink.objects.none()
    return SupervisionLink.objects.filter(service_id=user.service_id or 0).select_related(
        "supervisor", "supervisee"
    )


def supervision_link_for_admin(user: User, link_id: int) -> SupervisionLink:
    link = supervision_links_for_admin(user).filter(pk=link_id).first()
    if link is None:
        raise Http404
    return link


def tokens_for_user(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_for_user(user: User, token_id: int) -> ApiToken:
    token = tokens_for_user(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token


def open_invitations_for_admin(user: User) -> QuerySet[Invitation]:
    if not user.is_service_admin:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        service_id=user.service_id or 0, accepted_at__isnull=True, expires_at__gt=timezone.now()
    )


def lockout_parameters(request: object, credentials: dict[str, object] | None) -> list[object]:
    """What django-axes counts failed sign-ins against (``AXES_LOCKOUT_PARAMETERS``).

    Normally the account and the address together, so one person's typos never lock out a
    colleague behind the same school network. Once an account has had
    ``ATTUNE_ACCOUNT_LOCKOUT_ATTEMPTS`` failures within the cool-off, from any mix of addresses,
    the account alone is counted, so guessing from many addresses locks it too."""
    from axes.helpers import get_client_username
    from axes.models import AccessAttempt

    per_address: list[object] = [["username", "ip_address"]]
    if not isinstance(request, HttpRequest):
        return per_address
    username = get_client_username(request, credentials)
    if not username:
        return per_address
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return ["username"] if (total or 0) >= settings.ATTUNE_ACCOUNT_LOCKOUT_ATTEMPTS else per_address
