"""The moment finder starts on every film that becomes ready (see ``attune.core.hooks``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from attune.analysis.services import analysis_enqueue
from attune.core import hooks
from attune.core.jobs import hand_over_on_commit
from attune.films.models import Film


@receiver(hooks.film_ready, dispatch_uid="analysis-film-ready")
def analyse_a_ready_film(sender: object, *, film: Film, **kwargs: Any) -> None:
    hand_over_on_commit(analysis_enqueue, film.pk)
