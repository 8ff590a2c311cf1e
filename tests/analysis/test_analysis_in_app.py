"""In the app: a ready film is analysed, its suggestions are served to the guider (and to no one
without media access), and accepting, rejecting and relabelling are kept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.analysis import selectors, services
from attune.analysis.models import AnalysisStatus, Decision, FilmAnalysis, Suggestion
from attune.audit.models import AuditEvent
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.core.errors import PermissionDenied, ServiceError
from attune.films.models import Film, FilmStatus
from attune.vault.models import ObjectKind
from attune.vault.services import object_store_path
from tests.analysis.conftest import AnalysedDialogue
from tests.conftest import ClientFor
from tests.moments.conftest import post_json
from tests.plaintext import readable_media


def _ready_film(case: Case, source: Path) -> Film:
    case = case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    for adult in case.adults.all():
        consent_record(
            actor=case.guider,
            case=case,
            adult=adult,
            scopes=[Scope.FILMING, Scope.SUPERVISION],
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )
    size = source.stat().st_size
    film = Film.objects.create(
        case=case,
        cycle=case.cycles.get(number=1),
        uploaded_by=case.guider,
        original_filename="dialogue.mp4",
        status=FilmStatus.READY,
        upload_size=size,
        upload_chunk_size=4 * 1024 * 1024,
        upload_received=size,
        upload_expires_at=timezone.now() + timedelta(hours=1),
        has_audio=True,
        ready_at=timezone.now(),
    )
    film.playable = object_store_path(
        case=case, kind=ObjectKind.PLAYABLE, path=source, content_type="video/mp4"
    )
    film.save(update_fields=["playable"])
    return film


@pytest.fixture
def analysed_film(case: Case, clean_dialogue: AnalysedDialogue, settings: SettingsWrapper) -> Film:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    film = _ready_film(case, clean_dialogue.path)
    services.analysis_enqueue(film.pk)  # the immediate backend runs it here and now
    return film


def test_a_ready_film_is_analysed_and_its_suggestions_stored(analysed_film: Film) -> None:
    analysis = FilmAnalysis.objects.get(film=analysed_film)
    assert analysis.status == AnalysisStatus.DONE
    assert analysis.progress == 1.0
    assert analysis.result["turns"]
    stored = selectors.suggestions_for_film(analysed_film)
    assert stored and [s.rank for s in stored] == list(range(1, len(stored) + 1))
    assert all(s.end - s.start <= 10.0 and s.principles and s.reason for s in stored)
    # Running the task again does nothing (only a queued analysis is claimed).
    services.film_analyse(str(analysed_film.pk))
    assert FilmAnalysis.objects.get(film=analysed_film).attempts == 1


def test_the_guider_gets_suggestions_from_the_api(
    analysed_film: Film, client_for: ClientFor, owner: User
) -> None:
    response = client_for(owner).get(f"/api/films/{analysed_film.pk}/suggestions")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "done"
    assert data["suggestions"][0]["rank"] == 1
    assert set(data["suggestions"][0]) >= {"start", "end", "score", "principles", "reason"}
    # every suggestion carries the confidence the editor shows
    assert all(0.0 < s["confidence"] <= 1.0 for s in data["suggestions"])


def test_no_media_access_means_no_suggestions(
    analysed_film: Film, client_for: ClientFor, service_admin: User, outsider: User
) -> None:
    url = f"/api/films/{analysed_film.pk}/suggestions"
    assert client_for(service_admin).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401


def test_accepting_is_kept_and_counted(analysed_film: Film, owner: User, colleague: User) -> None:
    suggestion = selectors.suggestions_for_film(analysed_film)[0]
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(actor=colleague, suggestion=suggestion)
    accepted = services.suggestion_accept(actor=owner, suggestion=suggestion)
    assert accepted.decision == Decision.ACCEPTED and accepted.decided_by == owner
    assert selectors.suggestion_usefulness([analysed_film]) == {
        "accepted": 1,
        "rejected": 0,
        "open": len(selectors.suggestions_for_film(analysed_film)) - 1,
    }


def test_rejecting_keeps_the_reason(analysed_film: Film, owner: User, colleague: User) -> None:
    suggestion = selectors.suggestions_for_film(analysed_film)[-1]
    with pytest.raises(PermissionDenied):
        services.suggestion_reject(actor=colleague, suggestion=suggestion)
    services.suggestion_reject(
        actor=owner, suggestion=suggestion, reason="  The child is off camera. "
    )
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.REJECTED
    assert suggestion.reject_reason == "The child is off camera."


def test_relabelling_recomputes_and_keeps_decisions(analysed_film: Film, owner: User) -> None:
    first = selectors.suggestions_for_film(analysed_film)[0]
    services.suggestion_accept(actor=owner, suggestion=first)
    before = FilmAnalysis.objects.get(film=analysed_film).result
    services.analysis_relabel(
        actor=owner, film=analysed_film, label_map={"adult": "child", "child": "adult"}
    )
    after = FilmAnalysis.objects.get(film=analysed_film)
    assert [s["speaker"] for s in after.result["speech"]] == [
        "child" if s["speaker"] == "adult" else "adult" for s in before["speech"]
    ]
    assert after.labels["changes"] == [{"adult": "child", "child": "adult"}]
    kept = Suggestion.objects.get(pk=first.pk)
    assert kept.decision == Decision.ACCEPTED and kept.current is False
    assert all(s.decision == Decision.OPEN for s in selectors.suggestions_for_film(analysed_film))


def test_one_stretch_relabelled_then_everything_undone(analysed_film: Film, owner: User) -> None:
    original = FilmAnalysis.objects.get(film=analysed_film).result
    first_child = next(i for i, s in enumerate(original["speech"]) if s["speaker"] == "child")
    services.analysis_relabel_segment(
        actor=owner, film=analysed_film, segment=first_child, speaker="adult"
    )
    changed = FilmAnalysis.objects.get(film=analysed_film).result
    assert sum(s["speaker"] == "child" for s in changed["speech"]) == (
        sum(s["speaker"] == "child" for s in original["speech"]) - 1
    )
    with pytest.raises(ServiceError):
        services.analysis_relabel_segment(
            actor=owner, film=analysed_film, segment=len(original["speech"]) + 5, speaker="adult"
        )
    services.analysis_relabel(actor=owner, film=analysed_film, label_map={"child": "adult"})
    assert FilmAnalysis.objects.get(film=analysed_film).result["responses"] == []
    services.analysis_relabel_reset(actor=owner, film=analysed_film)
    reset = FilmAnalysis.objects.get(film=analysed_film)
    assert reset.result["speech"] == original["speech"]
    assert reset.result["responses"] == original["responses"]
    assert reset.labels == {}
    assert selectors.editor_payload(analysed_film)["relabelled"] is False


def test_enqueue_only_for_ready_films(case: Case, clean_dialogue: AnalysedDialogue) -> None:
    film = _ready_film(case, clean_dialogue.path)
    Film.objects.filter(pk=film.pk).update(status=FilmStatus.PROCESSING)
    services.analysis_enqueue(film.pk)
    assert not FilmAnalysis.objects.filter(film=film).exists()


def test_an_interrupted_analysis_is_queued_again_then_failed_at_the_attempt_limit(
    case: Case, clean_dialogue: AnalysedDialogue
) -> None:
    film = _ready_film(case, clean_dialogue.path)
    FilmAnalysis.objects.create(
        film=film,
        status=AnalysisStatus.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(hours=3),
    )
    assert services.analyses_recover_stale() == 1
    analysis = FilmAnalysis.objects.get(film=film)
    assert analysis.status == AnalysisStatus.QUEUED
    assert AuditEvent.objects.filter(action="analysis.requeued", object_id=str(film.pk)).exists()

    FilmAnalysis.objects.filter(film=film).update(
        status=AnalysisStatus.RUNNING,
        attempts=services.ANALYSIS_JOB.max_attempts,
        heartbeat_at=timezone.now() - timedelta(hours=3),
    )
    assert services.analyses_recover_stale() == 1
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.FAILED
    assert "interrupted" in analysis.failure_reason
    assert AuditEvent.objects.filter(action="analysis.failed").exists()


def test_the_editor_gets_lanes_and_suggestions(analysed_film: Film) -> None:
    payload = selectors.editor_payload(analysed_film)
    assert payload["status"] == "done"
    lanes = payload["lanes"]
    assert isinstance(lanes, dict) and lanes["adult"] and lanes["child"]
    suggestions = payload["suggestions"]
    assert isinstance(suggestions, list) and suggestions[0]["rank"] == 1


def test_destroying_media_forgets_the_timings(analysed_film: Film, owner: User) -> None:
    first = selectors.suggestions_for_film(analysed_film)[0]
    services.suggestion_accept(actor=owner, suggestion=first)
    services.case_analyses_drop(analysed_film.case)
    assert FilmAnalysis.objects.get(film=analysed_film).result == {}
    assert list(Suggestion.objects.filter(film=analysed_film)) == [first]
    assert selectors.suggestion_usefulness([analysed_film])["accepted"] == 1


def test_decisions_stay_on_the_list_when_the_same_window_comes_back(
    analysed_film: Film, owner: User
) -> None:
    first, second = selectors.suggestions_for_film(analysed_film)[:2]
    services.suggestion_accept(actor=owner, suggestion=first)
    services.suggestion_reject(actor=owner, suggestion=second, reason="Not this one.")
    services.analysis_relabel(actor=owner, film=analysed_film, label_map=services.SWAP)
    services.analysis_relabel(actor=owner, film=analysed_film, label_map=services.SWAP)

    current = selectors.suggestions_for_film(analysed_film)
    by_id = {s.pk: s for s in current}
    assert by_id[first.pk].decision == Decision.ACCEPTED and by_id[first.pk].rank == first.rank
    assert by_id[second.pk].reject_reason == "Not this one."
    windows = [(round(s.start, 2), round(s.end, 2)) for s in current]
    assert len(windows) == len(set(windows)), "a decided window came back as a new suggestion"
    assert [s.rank for s in current] == list(range(1, len(current) + 1))


def test_the_editor_corrects_speakers_over_the_api(
    analysed_film: Film, client_for: ClientFor, owner: User, supervisor: User
) -> None:
    url = f"/api/films/{analysed_film.pk}/speakers"
    guider = client_for(owner)

    def post(client: Client, body: dict[str, object]) -> Any:
        return post_json(client, url, body)

    before = guider.get(f"/api/films/{analysed_film.pk}/suggestions").json()["lanes"]
    missing = post(guider, {"action": "merge"})
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"][0]["field"] == "speaker"
    no_segment = post(guider, {"action": "segment", "speaker": "adult"})
    assert no_segment.json()["error"]["fields"][0]["field"] == "segment"
    assert post(client_for(supervisor), {"action": "swap"}).status_code == 403

    merged = post(guider, {"action": "merge", "speaker": "adult"})
    assert merged.status_code == 200
    assert merged.json()["lanes"]["child"] == [] and merged.json()["relabelled"] is True
    reset = post(guider, {"action": "reset"}).json()
    assert reset["lanes"] == before and reset["relabelled"] is False


def test_analysing_a_film_writes_no_plaintext_of_it_to_disk(
    case: Case,
    clean_dialogue: AnalysedDialogue,
    settings: SettingsWrapper,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    film = _ready_film(case, clean_dialogue.path)
    data = Path(settings.DATA_DIR)
    seen: list[list[str]] = []
    engine = services.analyse

    def watching(source: Any, *, on_progress: Any = None, **kwargs: Any) -> Any:
        # The engine is handed a decrypting reader, not a path to a decrypted copy.
        assert not isinstance(source, str | Path)

        def progress(fraction: float) -> None:
            seen.append(readable_media(data))  # look at the whole data dir while it works
            if on_progress is not None:
                on_progress(fraction)

        return engine(source, on_progress=progress, **kwargs)

    monkeypatch.setattr(services, "analyse", watching)
    FilmAnalysis.objects.create(film=film, status=AnalysisStatus.QUEUED)

    services.film_analyse(str(film.pk))

    assert FilmAnalysis.objects.get(film=film).status == AnalysisStatus.DONE
    assert len(seen) > 3
    assert all(found == [] for found in seen), seen
    assert readable_media(data) == []
