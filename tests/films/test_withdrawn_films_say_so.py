"""After filming consent is withdrawn, a film says it is locked, then deleted: never "Ready" with
its length, and the editor link never promises to open once the film is ready."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attune.cases import services as case_services
from attune.cases.models import Case
from attune.consent import services as consent_services
from attune.consent.models import MediaDeletion
from attune.films.models import Film
from attune.retention.services import media_deletion_run
from tests.conftest import ClientFor
from tests.consent.conftest import agreed
from tests.consent.helpers import poster_only_film, sign_everyone

__all__ = ["agreed"]


@pytest.fixture
def film(agreed: Case) -> Film:
    sign_everyone(agreed)
    film = poster_only_film(agreed)
    film.duration, film.width, film.height, film.fps = 30.0, 160, 120, 25.0
    film.save()
    return film


def withdraw_filming(case: Case) -> None:
    consent_services.consent_withdraw(
        actor=case.guider,
        record=case.consents.get(),
        scopes=["filming"],
        asked_by="Jo Carter",
        channel="phone",
    )


def test_a_ready_film_says_ready_with_its_length(film: Film, client_for: ClientFor) -> None:
    page = client_for(film.case.guider).get(f"/films/{film.pk}/").content.decode()

    assert "<strong>Ready</strong> · 30.0 s" in page


def test_a_locked_then_deleted_film_says_so_and_nothing_else(
    film: Film, client_for: ClientFor
) -> None:
    case = film.case
    client = client_for(case.guider)
    withdraw_filming(case)

    locked = client.get(f"/films/{film.pk}/").content.decode()
    assert 'data-film-state="locked"' in locked
    assert "Ready" not in locked and "30.0 s" not in locked
    cycle = client.get(f"/cases/{case.reference}/cycles/1/").content.decode()
    assert "Locked: being deleted" in cycle and "30 s" not in cycle

    media_deletion_run(deletion_id=MediaDeletion.objects.get(case=case).pk)

    deleted = client.get(f"/films/{film.pk}/").content.decode()
    assert 'data-film-state="deleted"' in deleted and "This film has been deleted" in deleted
    assert "Ready" not in deleted and "30.0 s" not in deleted and "Open the editor" not in deleted
    cycle = client.get(f"/cases/{case.reference}/cycles/1/").content.decode()
    assert '<span class="state">Deleted</span>' in cycle and "30 s" not in cycle
    status = client.get(f"/films/{film.pk}/status/").content.decode()
    assert 'data-film-status="deleted"' in status and "Ready" not in status


def test_the_editor_link_says_the_film_is_deleted(film: Film, client_for: ClientFor) -> None:
    case = film.case
    client = client_for(case.guider)
    withdraw_filming(case)
    media_deletion_run(deletion_id=MediaDeletion.objects.get(case=case).pk)

    response = client.get(f"/moments/films/{film.pk}/", follow=True)

    page = response.content.decode()
    assert "cannot be opened in the editor" in page
    assert "opens once the film is ready" not in page


def test_the_next_step_is_never_a_film_once_filming_is_withdrawn(
    film: Film, client_for: ClientFor
) -> None:
    case = film.case
    case_services.cycle_update(
        actor=case.guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() - timedelta(days=3),
        planned_review_date=None,
    )
    client = client_for(case.guider)
    before = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Start the cycles" in before and "overdue since" in before

    withdraw_filming(case)

    for path in (f"/cases/{case.reference}/", "/cases/"):
        page = client.get(path).content.decode()
        assert "Filming consent was withdrawn" in page, path
        assert "overdue since" not in page and "Overdue ·" not in page, path
        assert "Record film" not in page, path
