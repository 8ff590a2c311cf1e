"""What micro-analysis does when consent changes (see ``attune.core.hooks``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import Scope
from attune.core import hooks
from attune.moments.services import moments_training_withdrawn


@receiver(hooks.scope_withdrawn, dispatch_uid="moments-scope-withdrawn")
def unmark_training_moments(
    sender: object, *, actor: User, case: Case, scopes: list[str], **kwargs: Any
) -> None:
    if Scope.TRAINING in scopes:
        moments_training_withdrawn(actor=actor, case=case)
