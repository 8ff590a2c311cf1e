"""A moment may be marked for training only when every adult on the case agreed to training use
(the gate the moments editor asks)."""

from __future__ import annotations

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import Scope, WithdrawalChannel
from attune.consent.selectors import consent_allows_stills, consent_allows_training
from attune.consent.services import consent_withdraw
from tests.consent.helpers import sign
from tests.factories import add_adult


def test_training_needs_every_adult(agreed: Case, owner: User) -> None:
    assert not consent_allows_training(agreed)  # nobody has signed
    jo = agreed.adults.get()
    pat = add_adult(agreed, name="Pat Carter", relationship="father")
    jo_record = sign(agreed, jo, [Scope.FILMING, Scope.TRAINING, Scope.STILLS])
    sign(agreed, pat, [Scope.FILMING])
    assert not consent_allows_training(agreed)

    sign(agreed, pat, [Scope.FILMING, Scope.TRAINING, Scope.STILLS])
    assert consent_allows_training(agreed)
    assert consent_allows_stills(agreed)

    consent_withdraw(
        actor=owner,
        record=jo_record,
        scopes=[Scope.TRAINING],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.MESSAGE,
    )
    assert not consent_allows_training(agreed)
    assert consent_allows_stills(agreed)
