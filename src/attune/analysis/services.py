"""The moment finder in the app: analyse a ready film, keep its tracks and suggestions, and
record the guider's decisions (accept as a moment, reject with a reason, relabel speakers).

The engine (``attune.analysis.engine``) reads the playable film through the vault's decrypting
reader, on the job runner (``attune.core.jobs``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.analysis.engine import AnalysisResult, analyse, reanalyse_with_labels
from attune.analysis.models import AnalysisStatus, Decision, FilmAnalysis, Suggestion
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record, job_audit
from attune.cases.models import Case
from attune.cases.services import require_case_guider
from attune.consent.selectors import MediaState, media_state
from attune.core.errors import ServiceError, TransitionRefused
from attune.core.jobs import (
    Job,
    JobKind,
    Superseded,
    hand_over_on_commit,
    job_running,
    jobs_recover_stale,
)
from attune.films.models import Film, FilmStatus
from attune.vault.services import MediaGone, object_reader

logger = logging.getLogger(__name__)

FAILED_REASON = "The analysis stopped unexpectedly; the film itself is fine. Try again later."


# --- queueing and running ---------------------------------------------------------------------


REVIEW_FILM_NOT_ANALYSED = (
    "The moment finder looks for moments between adult and child, so it does not look through "
    "a film of the shared review: mark its moments of attuned guidance in the editor."
)


def analysis_enqueue(film_id: uuid.UUID | str) -> None:
    """Queue the analysis of a ready film (called on commit once the film is READY). The finder
    looks for moments between adult and child, so a film of the shared review is left alone."""
    film = Film.objects.of_family().filter(pk=film_id, status=FilmStatus.READY).first()
    if film is None:
        return
    FilmAnalysis.objects.update_or_create(
        film=film,
        # A fresh request starts the attempt count again (the runner's limit is per request).
        defaults={
            "status": AnalysisStatus.QUEUED,
            "progress": 0.0,
            "failure_reason": "",
            "attempts": 0,
        },
    )
    _enqueue_task(str(film.pk))


def _enqueue_task(film_id: str) -> None:
    from attune.analysis.tasks import analyse_film

    analyse_film.enqueue(str(film_id))


ANALYSIS_JOB = JobKind(
    name="analysis",
    model=FilmAnalysis,
    key="film_id",
    queued=AnalysisStatus.QUEUED,
    running=AnalysisStatus.RUNNING,
    failed=AnalysisStatus.FAILED,
    enqueue=_enqueue_task,
    case_path="film__case_id",
    audit=job_audit(lambda analysis: analysis.film.case, lambda analysis: analysis.film),
    lost_reason=(
        "The analysis was interrupted {n} times (the server stopped part-way); the film itself "
        "is fine. Ask for it again from the film's page."
    ),
    select_related=("film", "film__case", "film__playable"),
    claim_fields={"progress": 0.0, "started_at": timezone.now},
    requeue_fields={"progress": 0.0},
)


def film_analyse(film_id: str) -> None:
    """Analyse a film whose analysis is queued. Safe to run twice; never raises.

    The engine reads the playable film through the vault's decrypting reader, a window at a
    time in memory: no plaintext of the film is written to disk, not even to scratch."""
    with job_running(ANALYSIS_JOB, film_id) as job:
        if job is not None:
            _analyse(job)


def _analyse(job: Job) -> None:
    analysis: FilmAnalysis = job.row
    try:
        film = analysis.film
        if film.playable is None or film.status != FilmStatus.READY:
            raise MediaGone("the playable film is missing")
        source = object_reader(film.playable)
        last = [0.0]

        def progress(fraction: float) -> None:
            if fraction - last[0] >= 0.05 or fraction >= 1.0:
                last[0] = fraction
                job.mine().update(progress=round(fraction, 3), heartbeat_at=timezone.now())

        result = analyse(source, on_progress=progress)
        _store(job, result)
    except Superseded:
        logger.warning("Analysis of film %s attempt %s was superseded", job.id, job.attempt)
    except MediaGone:
        job.fail("The film's media has been deleted.", finished_at=timezone.now())
    except Exception:
        logger.exception("Analysis of film %s failed", job.id)
        job.fail(FAILED_REASON, finished_at=timezone.now())


SAME_WINDOW = 0.05  # seconds: a new suggestion this close to a decided one is that one


def _replace_suggestions(job: FilmAnalysis, result: AnalysisResult) -> None:
    """Open suggestions are replaced. A decided one stays on the list when the new analysis
    proposes the same window again (so a relabelling does not undo the guider's decisions);
    the others are kept off the list (no longer current) so the usefulness figures survive."""
    Suggestion.objects.filter(film_id=job.film_id, decision=Decision.OPEN).delete()
    decided = list(Suggestion.objects.filter(film_id=job.film_id))
    kept: list[Suggestion] = []
    fresh: list[Suggestion] = []
    for rank, s in enumerate(result.suggestions, 1):
        same = next(
            (
                d
                for d in decided
                if d not in kept
                and abs(d.start - s.start) < SAME_WINDOW
                and abs(d.end - s.end) < SAME_WINDOW
            ),
            None,
        )
        if same is not None:
            same.rank, same.current, same.analysis = rank, True, job
            same.confidence = s.confidence
            kept.append(same)
            continue
        fresh.append(
            Suggestion(
                film_id=job.film_id,
                analysis=job,
                rank=rank,
                start=s.start,
                end=s.end,
                score=s.score,
                principles=list(s.principles),
                reason=s.reason,
                kind=s.kind,
                confidence=s.confidence,
            )
        )
    Suggestion.objects.filter(film_id=job.film_id).exclude(pk__in=[k.pk for k in kept]).update(
        current=False
    )
    Suggestion.objects.bulk_update(kept, ["rank", "current", "analysis", "confidence"])
    Suggestion.objects.bulk_create(fresh)


def _store(job: Job, result: AnalysisResult) -> None:
    analysis: FilmAnalysis = job.row
    with transaction.atomic():
        current = job.mine().select_for_update()
        if not current.exists():
            return  # superseded by a newer attempt
        _replace_suggestions(analysis, result)
        current.update(
            status=AnalysisStatus.DONE,
            progress=1.0,
            result=result.to_dict(),
            labels={},
            failure_reason="",
            heartbeat_at=None,
            finished_at=timezone.now(),
        )
        audit_record(
            actor=None,
            action=AuditAction.FILM_ANALYSED,
            case=analysis.film.case,
            obj=analysis.film,
            details={"suggestions": len(result.suggestions), "notes": len(result.notes)},
        )


# --- the guider's decisions -----------------------------------------------------------------


def _require_guider(actor: User, film: Film) -> None:
    require_case_guider(actor, film.case, what="decide on suggestions")


def suggestion_accept(*, actor: User, suggestion: Suggestion, moment_id: Any = None) -> Suggestion:
    """Record that the guider accepted a suggestion. The moments app makes the moment from it
    (``attune.moments.services.moment_from_suggestion``) and links it back."""
    film = suggestion.film
    _require_guider(actor, film)
    with transaction.atomic():
        locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.decision == Decision.REJECTED:
            raise ServiceError("This suggestion was rejected; reopen it before accepting it.")
        locked.decision = Decision.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        if moment_id is not None:
            locked.moment_id = moment_id
        locked.save(update_fields=["decision", "decided_by", "decided_at", "moment_id"])
        audit_record(
            actor=actor,
            action=AuditAction.SUGGESTION_ACCEPTED,
            case=film.case,
            obj=locked,
            details={"film": str(film.pk), "start": locked.start, "end": locked.end},
        )
    suggestion.refresh_from_db()
    return suggestion


def suggestion_link(*, actor: User, suggestion: Suggestion, moment_id: Any) -> None:
    """Record which moment an accepted suggestion became."""
    film = suggestion.film
    _require_guider(actor, film)
    with transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(moment_id=moment_id)
        audit_record(
            actor=actor,
            action=AuditAction.SUGGESTION_LINKED,
            case=film.case,
            obj=suggestion,
            details={"moment": str(moment_id)},
        )


def suggestion_reject(*, actor: User, suggestion: Suggestion, reason: str = "") -> Suggestion:
    film = suggestion.film
    _require_guider(actor, film)
    with transaction.atomic():
        locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        locked.decision = Decision.REJECTED
        locked.reject_reason = reason.strip()[:2000]
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["decision", "reject_reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor,
            action=AuditAction.SUGGESTION_REJECTED,
            case=film.case,
            obj=locked,
            details={"film": str(film.pk), "with_reason": bool(locked.reject_reason)},
        )
    return locked


def suggestion_reopen(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """Undo an accept or reject (the moment, if one was made, is the editor's to remove)."""
    film = suggestion.film
    _require_guider(actor, film)
    with transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(
            decision=Decision.OPEN, decided_by=None, decided_at=None, reject_reason=""
        )
        audit_record(
            actor=actor, action=AuditAction.SUGGESTION_REOPENED, case=film.case, obj=suggestion
        )
    suggestion.refresh_from_db()
    return suggestion


SWAP = {"adult": "child", "child": "adult"}


def analysis_relabel(
    *, actor: User, film: Film, label_map: Mapping[str, str] | Sequence[str]
) -> FilmAnalysis:
    """The guider swaps or merges speakers (or relabels segments): turns, responses and
    suggestions are recomputed from the new labels, without decoding the film again.

    The speech as the analysis first heard it is kept, so ``analysis_relabel_reset`` can
    undo every relabelling at once."""
    _require_guider(actor, film)
    with transaction.atomic():
        job = FilmAnalysis.objects.select_for_update().filter(film=film).first()
        if job is None or job.status != AnalysisStatus.DONE or not job.result:
            raise ServiceError("The film has not been analysed yet.")
        try:
            result = reanalyse_with_labels(job.result, label_map)
        except ValueError as exc:
            raise ServiceError(str(exc), field="labels") from exc
        labels = dict(job.labels or {})
        labels.setdefault("original_speech", job.result.get("speech", []))
        labels.setdefault("changes", []).append(
            dict(label_map) if isinstance(label_map, Mapping) else {"segments": list(label_map)}
        )
        _relabelled(actor, job, result, labels)
    return job


def analysis_relabel_segment(
    *, actor: User, film: Film, segment: int, speaker: str
) -> FilmAnalysis:
    """Give one stretch of speech (by its index in the analysis' speech) to the other speaker."""
    job = FilmAnalysis.objects.filter(film=film).first()
    speech = (job.result or {}).get("speech", []) if job is not None else []
    if not 0 <= segment < len(speech):
        raise ServiceError("There is no such stretch of speech.", field="segment")
    labels = [s["speaker"] for s in speech]
    labels[segment] = speaker
    return analysis_relabel(actor=actor, film=film, label_map=labels)


def analysis_relabel_reset(*, actor: User, film: Film) -> FilmAnalysis:
    """Undo every relabelling: back to the speakers the analysis found."""
    _require_guider(actor, film)
    with transaction.atomic():
        job = FilmAnalysis.objects.select_for_update().filter(film=film).first()
        if job is None or job.status != AnalysisStatus.DONE or not job.result:
            raise ServiceError("The film has not been analysed yet.")
        original = (job.labels or {}).get("original_speech")
        if original is None:
            return job
        result = reanalyse_with_labels(dict(job.result, speech=original), {})
        _relabelled(actor, job, result, {})
    return job


def analysis_speakers(
    *,
    actor: User,
    film: Film,
    action: str,
    speaker: str | None = None,
    segment: int | None = None,
) -> FilmAnalysis:
    """The editor's speaker corrections: ``swap`` adult and child, ``merge`` all speech to
    ``speaker``, give speech number ``segment`` to ``speaker``, or ``reset`` every change."""
    if action == "swap":
        return analysis_relabel(actor=actor, film=film, label_map=SWAP)
    if action == "reset":
        return analysis_relabel_reset(actor=actor, film=film)
    if speaker not in ("adult", "child"):
        raise ServiceError("Say which speaker: adult or child.", field="speaker")
    if action == "merge":
        return analysis_relabel(
            actor=actor, film=film, label_map={"adult": speaker, "child": speaker}
        )
    if action == "segment":
        if segment is None:
            raise ServiceError("Say which stretch of speech.", field="segment")
        return analysis_relabel_segment(actor=actor, film=film, segment=segment, speaker=speaker)
    raise ServiceError("Choose swap, merge, segment or reset.", field="action")


def _relabelled(
    actor: User, job: FilmAnalysis, result: AnalysisResult, labels: dict[str, Any]
) -> None:
    _replace_suggestions(job, result)
    job.result = result.to_dict()
    job.labels = labels
    job.save(update_fields=["result", "labels"])
    audit_record(
        actor=actor,
        action=AuditAction.FILM_SPEAKERS_RELABELLED if labels else AuditAction.FILM_SPEAKERS_RESET,
        case=job.film.case,
        obj=job.film,
        details={"suggestions": len(result.suggestions)},
    )


def analysis_retry(*, actor: User, film: Film) -> None:
    """Queue the analysis again (after a failure, or to start afresh)."""
    _require_guider(actor, film)
    if film.status != FilmStatus.READY:
        raise ServiceError("Only a ready film can be analysed.")
    if film.is_review_film:
        raise ServiceError(REVIEW_FILM_NOT_ANALYSED)
    if media_state(film.case) != MediaState.AVAILABLE:
        raise ServiceError("This film's media is deleted or being deleted.")
    busy = (AnalysisStatus.QUEUED, AnalysisStatus.RUNNING)
    if FilmAnalysis.objects.filter(film=film, status__in=busy).exists():
        raise TransitionRefused("The film is being analysed already.")
    with transaction.atomic():
        audit_record(
            actor=actor, action=AuditAction.FILM_ANALYSIS_REQUESTED, case=film.case, obj=film
        )
        hand_over_on_commit(analysis_enqueue, film.pk)


def analyses_recover_stale() -> int:
    """Analyses whose worker died part-way (no heartbeat for a while) are queued again,
    audited, up to the attempt limit; then failed with a reason, so the page stops saying
    "Analysing" and the guider can ask again."""
    return jobs_recover_stale(ANALYSIS_JOB)


def case_analyses_drop(case: Case) -> int:
    """When a case's media is destroyed: forget the speech and face timings of its films and
    their open suggestions. Decided suggestions stay (with their decision) so a service can
    still count how useful suggestions were."""
    Suggestion.objects.filter(film__case=case, decision=Decision.OPEN).delete()
    Suggestion.objects.filter(film__case=case).update(current=False)
    return FilmAnalysis.objects.filter(film__case=case).update(result={}, labels={})
