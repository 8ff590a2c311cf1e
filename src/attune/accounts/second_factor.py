"""Guessing the second factor is counted like guessing a password.

Every wrong code at the second step of signing in (or when re-authenticating with it) is a
failed sign-in for that account in django-axes, the same count a wrong password adds to. After
``ATTUNE_LOCKOUT_ATTEMPTS`` of them from one address (or the account-wide limit from many), the
account is locked for the cool-off: the code form refuses even the right code, the lock is
audited, and the person is told what happened and what to do. allauth's own per-account limit on
codes stays on as well (``ACCOUNT_RATE_LIMITS``).
"""

from __future__ import annotations

from typing import Any

from allauth.core import context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record

LOCKED = (
    "Too many wrong codes: this account is locked for half an hour, so nobody can go on "
    "guessing. If that was you, wait and try again, or ask your service admin to unlock it."
)


def _credentials(user: User) -> dict[str, str]:
    return {"email": user.email}  # the field axes counts sign-ins by (AXES_USERNAME_FORM_FIELD)


def second_factor_locked(request: HttpRequest | None, user: User) -> bool:
    return request is not None and AxesProxyHandler.is_locked(request, _credentials(user))


@receiver(mfa_signals.authentication_failed, dispatch_uid="attune-second-factor-failed")
def _count_a_wrong_code(
    sender: object, *, request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    if request is None:
        return
    was_locked = second_factor_locked(request, user)
    user_login_failed.send(sender=Authenticator, credentials=_credentials(user), request=request)
    if not was_locked and second_factor_locked(request, user):
        audit_record(
            actor=None,
            action=AuditAction.ACCOUNT_SECOND_FACTOR_LOCKED,
            service=user.service,
            obj=user,
            details={"account": user.email},
        )


class LimitedAuthenticateForm(AuthenticateForm):
    """The second step of signing in, refused outright while the account is locked."""

    def clean_code(self) -> str:
        if second_factor_locked(context.request, self.user):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            return super().clean_code()
        except forms.ValidationError:
            if second_factor_locked(context.request, self.user):
                raise forms.ValidationError(LOCKED, code="locked") from None
            raise
