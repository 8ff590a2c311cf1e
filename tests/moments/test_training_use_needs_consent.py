"""A moment may be marked for training only when every adult agreed to training use."""

from __future__ import annotations

import pytest

from attune.audit.models import AuditEvent
from attune.consent.models import Scope
from attune.consent.selectors import current_record
from attune.consent.services import consent_withdraw
from attune.core.errors import ServiceError
from attune.films.models import Film
from attune.moments import services
from attune.moments.models import Moment, MomentKind
from tests.moments.conftest import give_consent

pytestmark = pytest.mark.django_db


def test_marking_for_training_is_refused_without_training_consent(film: Film) -> None:
    guider = film.case.guider
    moment = services.moment_create(actor=guider, film=film, kind=MomentKind.STILL, start_frame=5)

    with pytest.raises(ServiceError, match="training use") as refused:
        services.moment_update(actor=guider, moment=moment, for_training=True)

    assert refused.value.field == "for_training"
    moment.refresh_from_db()
    assert moment.for_training is False


def test_marking_for_training_is_allowed_once_every_adult_agrees(film: Film) -> None:
    guider = film.case.guider
    moment = services.moment_create(actor=guider, film=film, kind=MomentKind.STILL, start_frame=5)
    give_consent(film.case, (Scope.FILMING, Scope.SUPERVISION, Scope.TRAINING))

    services.moment_update(actor=guider, moment=moment, for_training=True)

    moment.refresh_from_db()
    assert moment.for_training is True
    services.moment_update(actor=guider, moment=moment, for_training=False)
    moment.refresh_from_db()
    assert moment.for_training is False


def test_withdrawing_training_consent_unmarks_the_moments(film: Film) -> None:
    guider = film.case.guider
    give_consent(film.case, (Scope.FILMING, Scope.SUPERVISION, Scope.TRAINING))
    marked = services.moment_create(actor=guider, film=film, kind=MomentKind.STILL, start_frame=5)
    services.moment_update(actor=guider, moment=marked, for_training=True)
    other = services.moment_create(actor=guider, film=film, kind=MomentKind.STILL, start_frame=9)
    record = current_record(film.case.adults.get())
    assert record is not None

    consent_withdraw(
        actor=guider,
        record=record,
        scopes=[Scope.TRAINING],
        asked_by="Jo Carter",
        channel="phone",
    )

    marked.refresh_from_db()
    other.refresh_from_db()
    assert marked.for_training is False and other.for_training is False
    event = AuditEvent.objects.get(action="moments.training_unmarked")
    assert event.details["moments"] == [str(marked.pk)]
    # Filming and supervision consent stand: the moments themselves are untouched.
    assert Moment.objects.filter(film=film).count() == 2
