from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
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
