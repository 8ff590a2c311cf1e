"""What retention does when consent or a case changes (see ``attune.core.hooks``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import ConsentWithdrawal, Scope
from attune.core import hooks
from attune.retention import services


@receiver(hooks.scope_withdrawn, dispatch_uid="retention-scope-withdrawn")
def lock_media_when_filming_is_withdrawn(
    sender: object,
    *,
    actor: User,
    case: Case,
    withdrawal: ConsentWithdrawal,
    scopes: list[str],
    **kwargs: Any,
) -> None:
    if Scope.FILMING in scopes:
        services.media_lock_for_withdrawal(actor=actor, case=case, withdrawal=withdrawal)
    if Scope.SUPERVISION in scopes:
        services.review_films_delete(actor=actor, case=case, withdrawal=withdrawal)


@receiver(hooks.case_state_changed, dispatch_uid="retention-case-state-changed")
def plan_deletion_when_the_case_moves(
    sender: object, *, actor: User, case: Case, from_state: str, **kwargs: Any
) -> None:
    services.retention_after_transition(actor=actor, case=case, from_state=from_state)
