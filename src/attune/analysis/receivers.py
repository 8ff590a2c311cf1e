"""The moment finder starts on every film that becomes ready (see ``attune.core.hooks``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from attune.analysis.services import analysis_enqueue
from attune.core import hooks
from attune.films.models import Film


@receiver(hooks.film_ready, dispatch_uid="analysis-film-ready")
def analyse_a_ready_film(sender: object, *, film: Film, **kwargs: Any) -> None:
    transaction.on_commit(partial(analysis_enqueue, film.pk))
