"""A file that could not be processed: its page names the file, offers a retry only where a retry
can help (never for a PDF, whose upload is refused for what it is), and the guider can remove it,
with everything stored of it, audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case, Cycle
from attune.core.errors import PermissionDenied, ServiceError
from attune.films import processing, services
from attune.films.models import Film, FilmStatus
from attune.vault.models import VaultObject
from tests.conftest import ClientFor


def import_file(case: Case, cycle: Cycle, path: Path) -> Film:
    film = services.film_import(actor=case.guider, case=case, cycle=cycle, path=path)
    processing.film_process(str(film.pk))
    film.refresh_from_db()
    return film


@pytest.fixture
def pdf_film(cycle: Cycle, tmp_path: Path) -> Film:
    path = tmp_path / "Referral letter.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 4000 + b"\n%%EOF\n")
    film = import_file(cycle.case, cycle, path)
    assert film.status == FilmStatus.FAILED
    return film


@pytest.fixture
def interrupted_film(cycle: Cycle, tmp_path: Path) -> Film:
    """A film whose processing stopped for a reason of the server's: its upload is kept."""
    path = tmp_path / "tea-time.mp4"
    path.write_bytes(b"\x00" * 5000)
    film = services.film_import(actor=cycle.case.guider, case=cycle.case, cycle=cycle, path=path)
    film.status, film.failure_reason = FilmStatus.FAILED, "Processing stopped unexpectedly."
    film.save()
    return film


def test_a_pdf_says_its_name_and_offers_no_retry(pdf_film: Film, client_for: ClientFor) -> None:
    page = client_for(pdf_film.case.guider).get(f"/films/{pdf_film.pk}/").content.decode()

    assert "“Referral letter.pdf”" in page
    assert "Retry processing" not in page
    assert "Remove this upload" in page
    assert not services.film_may_retry(pdf_film)
    cycle_page = client_for(pdf_film.case.guider).get(f"/cases/{pdf_film.case.reference}/cycles/1/")
    assert "“Referral letter.pdf”" in cycle_page.content.decode()


def test_a_film_whose_upload_is_kept_offers_a_retry(
    interrupted_film: Film, client_for: ClientFor
) -> None:
    page = client_for(interrupted_film.case.guider).get(f"/films/{interrupted_film.pk}/")

    assert services.film_may_retry(interrupted_film)
    assert "Retry processing" in page.content.decode()


def test_the_guider_removes_a_failed_upload_with_its_stored_parts(
    interrupted_film: Film, client_for: ClientFor
) -> None:
    case = interrupted_film.case
    assert VaultObject.objects.filter(case=case).exists()

    response = client_for(case.guider).post(f"/films/{interrupted_film.pk}/remove/", follow=True)

    assert response.redirect_chain[-1][0] == f"/cases/{case.reference}/cycles/1/"
    assert "“tea-time.mp4” is removed" in response.content.decode()
    assert not Film.objects.filter(pk=interrupted_film.pk).exists()
    assert not VaultObject.objects.filter(case=case).exists()
    event = AuditEvent.objects.get(action="film.removed")
    assert event.actor == case.guider and event.details["filename"] == "tea-time.mp4"
    assert event.details["objects"] >= 1


def test_a_ready_film_is_not_removed_this_way(interrupted_film: Film) -> None:
    interrupted_film.status = FilmStatus.READY
    interrupted_film.save()

    with pytest.raises(ServiceError):
        services.film_remove(actor=interrupted_film.case.guider, film=interrupted_film)
    assert Film.objects.filter(pk=interrupted_film.pk).exists()


@pytest.mark.parametrize("who", ["outsider", "colleague", "supervisor", "service_admin"])
def test_only_the_guider_removes_an_upload(
    pdf_film: Film, client_for: ClientFor, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)

    response = client_for(user).post(f"/films/{pdf_film.pk}/remove/")

    assert response.status_code == (404 if who in {"outsider", "colleague"} else 403)
    assert Film.objects.filter(pk=pdf_film.pk).exists()
    with pytest.raises(PermissionDenied):
        services.film_remove(actor=user, film=pdf_film)
