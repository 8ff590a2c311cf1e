"""A moment may be marked for training only when every adult agreed to training use."""

from __future__ import annotations

import pytest

from attune.consent.models import Scope
from attune.core.errors import ServiceError
from attune.films.models import Film
from attune.moments import services
from attune.moments.models import MomentKind
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
