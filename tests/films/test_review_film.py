"""A film of the shared review, uploaded on the cycle for the guider's own supervision: only
with every adult's supervision consent, never part of the family's side (the cycle's films, the
edit, the letter's stills, the review's film date, completed cycles), never analysed for
adult-and-child moments, and deleted when supervision consent is withdrawn."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import User
from attune.analysis import services as analysis_services
from attune.analysis.models import FilmAnalysis
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState, Cycle
from attune.consent.models import Scope, SignatureMethod, WithdrawalChannel
from attune.consent.services import consent_record, consent_withdraw
from attune.core.errors import PermissionDenied, ServiceError
from attune.films import selectors, services
from attune.films.models import Film, FilmPurpose, FilmStatus
from attune.letters.selectors import stills_for_case
from attune.moments import services as moment_services
from attune.moments.models import Moment, MomentKind
from attune.moments.selectors import edit_for_cycle
from attune.supervision.selectors import completed_cycles
from attune.vault.models import VaultObject
from tests.conftest import ClientFor
from tests.factories import add_adult, add_question, make_ready_film, record_meeting
from tests.films.conftest import Process, chunks_of, put_chunk

pytestmark = pytest.mark.django_db


def start_review_upload(client: Client, case: Case, size: int, name: str = "review.mp4") -> dict:
    response = client.post(
        f"/api/cases/{case.reference}/cycles/1/films",
        {"filename": name, "size": size, "purpose": "review"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def upload_review_film(client: Client, case: Case, data: bytes) -> Film:
    state = start_review_upload(client, case, len(data))
    for index, chunk in enumerate(chunks_of(data, state["chunk_size"])):
        assert put_chunk(client, state["id"], index, chunk).status_code == 200
    return Film.objects.get(pk=state["id"])


def filming_only_case(owner: User) -> Case:
    """Agreed, with a second adult who consented to filming but not to supervision."""
    case = case_services.case_create(actor=owner, child_name="Ava Lee", child_age_years=5)
    first = add_adult(case, name="Mia Lee")
    second = add_adult(case, name="Tom Lee", relationship="father")
    record_meeting(case)
    add_question(case, first)
    add_question(case, second, text="How can I join in Ava's games?")
    case = case_services.case_transition(actor=owner, case=case, to_state=CaseState.AGREED)
    both: list[str] = [Scope.FILMING, Scope.SUPERVISION]
    only_filming: list[str] = [Scope.FILMING]
    for adult, scopes in ((first, both), (second, only_filming)):
        consent_record(
            actor=owner,
            case=case,
            adult=adult,
            scopes=scopes,
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )
    return case


def test_the_guider_uploads_a_review_film_through_the_same_upload(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, process: Process
) -> None:
    family = make_ready_film(filmable_case)
    film = process(upload_review_film(guider_client, filmable_case, film_bytes))
    assert film.purpose == FilmPurpose.REVIEW
    assert film.status == FilmStatus.READY
    assert film.playable_id is not None  # the same pipeline: playable, poster, sprite...
    cycle = filmable_case.cycles.get(number=1)
    assert selectors.films_for_cycle(cycle) == [family]
    assert selectors.review_films_for_cycle(cycle) == [film]
    started = AuditEvent.objects.get(action=AuditAction.FILM_UPLOAD_STARTED, object_id=film.pk)
    assert started.details["purpose"] == "review"


def test_a_review_film_needs_every_adults_supervision_consent(
    owner: User, client_for: ClientFor
) -> None:
    case = filming_only_case(owner)
    cycle = case.cycles.get(number=1)
    with pytest.raises(ServiceError, match="Tom Lee has not given it"):
        services.film_upload_start(
            actor=owner, case=case, cycle=cycle, filename="r.mp4", size=10, purpose="review"
        )
    response = client_for(owner).post(
        f"/api/cases/{case.reference}/cycles/1/films",
        {"filename": "r.mp4", "size": 10, "purpose": "review"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Tom Lee" in response.json()["error"]["message"]
    # A film of adult and child needs filming consent only, which both gave.
    assert services.film_upload_start(actor=owner, case=case, cycle=cycle, filename="f", size=10)
    page = client_for(owner).get(f"/cases/{case.reference}/cycles/1/").content.decode()
    assert "data-review-film-blockers" in page
    assert 'data-purpose="review"' not in page


def test_a_review_film_follows_the_cycles_film_of_adult_and_child(
    filmable_case: Case, owner: User, guider_client: Client
) -> None:
    cycle = filmable_case.cycles.get(number=1)
    with pytest.raises(ServiceError, match="film of adult and child first"):
        services.film_upload_start(
            actor=owner, case=filmable_case, cycle=cycle, filename="r", size=9, purpose="review"
        )
    page = guider_client.get(f"/cases/{filmable_case.reference}/cycles/1/").content.decode()
    assert 'data-purpose="review"' not in page  # one uploader on the page: the family film's
    make_ready_film(filmable_case, status=FilmStatus.QUEUED, ready_at=None)
    assert services.film_upload_start(
        actor=owner, case=filmable_case, cycle=cycle, filename="r", size=9, purpose="review"
    )


def test_only_the_cases_guider_can_upload_a_review_film(
    filmable_case: Case, colleague: User, outsider: User, client_for: ClientFor
) -> None:
    cycle = filmable_case.cycles.get(number=1)
    with pytest.raises(PermissionDenied):
        services.film_upload_start(
            actor=colleague, case=filmable_case, cycle=cycle, filename="r", size=9, purpose="review"
        )
    for person in (colleague, outsider):
        response = client_for(person).post(
            f"/api/cases/{filmable_case.reference}/cycles/1/films",
            {"filename": "r.mp4", "size": 10, "purpose": "review"},
            content_type="application/json",
        )
        assert response.status_code in {403, 404}
    assert not Film.objects.exists()


def test_the_cycle_page_offers_the_review_upload_apart_from_the_family_film(
    filmable_case: Case, guider_client: Client
) -> None:
    make_ready_film(filmable_case, original_filename="tea.mp4")
    make_ready_film(filmable_case, original_filename="review.mp4", purpose=FilmPurpose.REVIEW)
    page = guider_client.get(f"/cases/{filmable_case.reference}/cycles/1/").content.decode()
    assert "Film of the shared review" in page
    assert 'data-purpose="review"' in page
    family, review = page.split('id="review-film-h"')
    assert "“tea.mp4”" in family and "“review.mp4”" not in family
    assert "“review.mp4”" in review and "“tea.mp4”" not in review


def test_moments_of_a_review_film_never_go_into_the_familys_edit(
    filmable_case: Case, owner: User
) -> None:
    cycle: Cycle = filmable_case.cycles.get(number=1)
    family = make_ready_film(filmable_case)
    review = make_ready_film(filmable_case, purpose=FilmPurpose.REVIEW)
    # Rows as marking leaves them (these films have no media to mark on).
    ours = Moment.objects.create(
        film=family, kind=MomentKind.CLIP, start_frame=0, end_frame=25, created_by=owner
    )
    guidance = Moment.objects.create(
        film=review, kind=MomentKind.STILL, start_frame=10, end_frame=11, created_by=owner
    )
    with pytest.raises(ServiceError, match="never for the family's edit"):
        moment_services.edit_set(actor=owner, cycle=cycle, moment_ids=[ours.pk, guidance.pk])
    moment_services.edit_set(actor=owner, cycle=cycle, moment_ids=[ours.pk])
    # Even if a row were put there by hand, the edit and the letter leave it out.
    Moment.objects.filter(pk=guidance.pk).update(edit_position=1)
    assert [m.pk for m in edit_for_cycle(cycle).moments] == [ours.pk]
    assert all(s.moment.film_id != review.pk for s in stills_for_case(filmable_case))


def test_the_moment_finder_leaves_a_review_film_alone(filmable_case: Case, owner: User) -> None:
    review = make_ready_film(filmable_case, purpose=FilmPurpose.REVIEW)
    family = make_ready_film(filmable_case)
    analysis_services.analysis_enqueue(review.pk)
    analysis_services.analysis_enqueue(family.pk)
    assert list(FilmAnalysis.objects.values_list("film_id", flat=True)) == [family.pk]
    with pytest.raises(ServiceError, match="does not look through a film of the shared review"):
        analysis_services.analysis_retry(actor=owner, film=review)


def test_a_cycle_with_only_a_review_film_is_not_a_completed_cycle(
    filmable_case: Case, owner: User
) -> None:
    cycle = filmable_case.cycles.get(number=1)
    make_ready_film(filmable_case, purpose=FilmPurpose.REVIEW)
    Cycle.objects.filter(pk=cycle.pk).update(reviewed_on=cycle.created_at.date())
    assert completed_cycles(owner) == []
    make_ready_film(filmable_case)
    assert len(completed_cycles(owner)) == 1


def test_withdrawing_supervision_consent_deletes_the_review_films(
    filmable_case: Case,
    owner: User,
    guider_client: Client,
    film_bytes: bytes,
    process: Process,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    family = make_ready_film(filmable_case)
    review = process(upload_review_film(guider_client, filmable_case, film_bytes))
    moment_services.moment_create(
        actor=owner, film=review, kind=MomentKind.CLIP, start_frame=0, end_frame=20
    )
    review_objects = {
        i for i in (review.original_id, review.playable_id, review.poster_id) if i is not None
    }
    assert VaultObject.objects.filter(pk__in=review_objects).count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(
            actor=owner,
            record=filmable_case.consents.get(),
            scopes=[Scope.SUPERVISION],
            asked_by="Jo Carter",
            channel=WithdrawalChannel.PHONE,
        )
    assert not Film.objects.filter(pk=review.pk).exists()
    assert Film.objects.filter(pk=family.pk).exists()  # filming consent still stands
    assert not VaultObject.objects.filter(pk__in=review_objects).exists()
    event = AuditEvent.objects.get(action=AuditAction.FILM_REVIEW_FILMS_DELETED)
    assert event.details["films"] == [str(review.pk)]
    assert event.details["moments"] == 1
    assert event.details["objects"] >= 3


def test_withdrawing_supervision_first_shows_the_review_films_it_deletes(
    filmable_case: Case, owner: User, outsider: User, client_for: ClientFor
) -> None:
    review = make_ready_film(filmable_case, purpose=FilmPurpose.REVIEW)
    Moment.objects.create(
        film=review, kind=MomentKind.CLIP, start_frame=0, end_frame=20, created_by=owner
    )
    record = filmable_case.consents.get()
    url = f"/consent/records/{record.pk}/withdraw/"
    answers = {
        "scopes": ["supervision"],
        "asked_by": "Jo Carter",
        "channel": "phone",
        "asked_on": "2020-01-01",
    }
    page = client_for(owner).post(url, answers)
    assert page.status_code == 200
    text = page.content.decode()
    assert "withdraw supervision consent" in text
    assert "1 film" in text and "1 clip" in text
    assert Film.objects.filter(pk=review.pk).exists()  # nothing deleted yet
    assert client_for(outsider).post(url, {**answers, "confirm": "destroy"}).status_code == 404
    assert Film.objects.filter(pk=review.pk).exists()
    done = client_for(owner).post(url, {**answers, "confirm": "destroy"})
    assert done.status_code == 302
    assert not Film.objects.filter(pk=review.pk).exists()


def test_a_failed_upload_cannot_be_removed_once_the_case_is_closed(
    filmable_case: Case, owner: User
) -> None:
    failed = make_ready_film(filmable_case, status=FilmStatus.FAILED, ready_at=None)
    Case.objects.filter(pk=filmable_case.pk).update(state=CaseState.CLOSED)
    failed.refresh_from_db()
    with pytest.raises(ServiceError, match="no longer change"):
        services.film_remove(actor=owner, film=failed)
    assert Film.objects.filter(pk=failed.pk).exists()
