"""The supervisor's home, "Supervisees": grouped by trainee; media only where every adult filmed
consented to supervision use, otherwise the case's metadata only."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.films.models import Film
from attune.supervision import services
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db


def test_supervisees_show_cases_films_and_waiting_comments(
    consented_film: Film, owner: User, supervisor: User, client_for: ClientFor
) -> None:
    services.comment_add(actor=owner, film=consented_film, at_seconds=1, body="Can we look?")
    page = client_for(supervisor).get("/supervision/").content.decode()
    assert "Supervisees" in page
    assert owner.full_name in page
    assert consented_film.case.reference in page
    assert f"/moments/films/{consented_film.pk}/" in page
    assert "(0 moments)" in page
    assert "comment=" in page  # the owner's comment waits for a reply
    assert consented_film.case.child_name not in page


def test_without_supervision_consent_only_the_cases_metadata_shows(
    unconsented_film: Film, owner: User, supervisor: User, client_for: ClientFor
) -> None:
    services.comment_add(actor=owner, film=unconsented_film, at_seconds=1, body="Private.")
    client = client_for(supervisor)
    page = client.get("/supervision/").content.decode()
    assert unconsented_film.case.reference in page
    assert "films not shared for supervision" in page
    assert f"/moments/films/{unconsented_film.pk}/" not in page
    assert "comment=" not in page
    assert client.get(f"/moments/films/{unconsented_film.pk}/").status_code == 403


def test_a_supervisor_of_another_trainee_sees_nothing_of_this_one(
    consented_film: Film, owner: User, other_supervisor: User, outsider: User, client_for: ClientFor
) -> None:
    for person in (other_supervisor, outsider):
        page = client_for(person).get("/supervision/").content.decode()
        assert owner.full_name not in page
        assert consented_film.case.reference not in page


def test_supervisees_list_review_films_and_recent_reviews(
    consented_film: Film, owner: User, supervisor: User, outsider: User, client_for: ClientFor
) -> None:
    from attune.films.models import FilmPurpose
    from attune.reviews.models import Review
    from tests.factories import make_ready_film

    case = consented_film.case
    review_film = make_ready_film(case, purpose=FilmPurpose.REVIEW)
    Review.objects.create(cycle=consented_film.cycle, held_on=consented_film.created_at.date())
    services.comment_add(
        actor=supervisor, film=review_film, at_seconds=2, body="You waited: attuned guidance."
    )
    page = client_for(supervisor).get("/supervision/").content.decode()
    assert "cycle 1 review film" in page
    assert f"/moments/films/{review_film.pk}/" in page
    assert "Recent shared reviews" in page
    assert f"/cases/{case.reference}/cycles/1/" in page
    # The review film is for supervision: it opens read-only for the supervisor, with the
    # guidance reading of the principles, and never for someone outside the service.
    editor = client_for(supervisor).get(f"/moments/films/{review_film.pk}/")
    assert editor.status_code == 200
    assert "Micro-analysis of the shared review" in editor.content.decode()
    assert client_for(outsider).get(f"/moments/films/{review_film.pk}/").status_code == 404
    assert case.reference not in client_for(outsider).get("/supervision/").content.decode()
