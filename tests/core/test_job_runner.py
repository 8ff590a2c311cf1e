"""The job runner: private scratch that cannot outlive its job or its case, audited recovery."""

from __future__ import annotations

import os
import stat
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.core import jobs
from attune.films.models import Film, FilmStatus
from attune.films.processing import FILM_JOB
from attune.vault.services import case_media_destroy
from tests.factories import make_ready_case, make_ready_film


@pytest.fixture
def film(case: Case) -> Film:
    return make_ready_film(case, status=FilmStatus.QUEUED)


def test_a_job_works_in_a_private_scratch_dir_removed_when_it_ends(film: Film) -> None:
    with jobs.job_running(FILM_JOB, film.pk) as job:
        assert job is not None
        assert job.scratch.name == f"film-{film.case_id}-{film.pk}-1"
        assert stat.S_IMODE(job.scratch.stat().st_mode) == 0o700
        assert stat.S_IMODE(job.scratch.parent.stat().st_mode) == 0o700
        (job.scratch / "source").write_bytes(b"decrypted film")
        # A running job's dir survives the sweep: it holds the lock.
        assert jobs.scratch_sweep() == 0
        assert job.scratch.exists()
        Film.objects.filter(pk=film.pk).update(status=FilmStatus.FAILED)  # the job stops
    assert not job.scratch.exists()


def test_a_job_is_claimed_once(film: Film) -> None:
    with jobs.job_running(FILM_JOB, film.pk) as first:
        assert first is not None
        with jobs.job_running(FILM_JOB, film.pk) as second:
            assert second is None


def test_what_a_killed_job_left_is_swept_whatever_its_name(db: None) -> None:
    root = Path(settings.SCRATCH_DIR)
    root.mkdir(parents=True)
    for name in ("analysis-7-1234-1", "render-7-abcd-2", "film-7-x-1", "anything-else"):
        (root / name).mkdir()
        (root / name / jobs.LOCK_NAME).touch()  # nobody holds it: its process is gone
        (root / name / "film.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    stray = root / "loose-file.mp4"
    stray.write_bytes(b"x")
    old = time.time() - 3600
    unlocked_young = root / "analysis-9-5678-1"  # a job setting itself up: no lock file yet
    unlocked_young.mkdir()
    unlocked_old = root / "film-9-y-1"  # set up long ago and never locked: abandoned
    unlocked_old.mkdir()
    os.utime(unlocked_old, (old, old))

    removed = jobs.scratch_sweep()

    assert removed == 6
    assert [p.name for p in root.iterdir()] == ["analysis-9-5678-1"]


def test_destroying_a_cases_media_removes_its_scratch_even_while_held(
    film: Film, colleague: User
) -> None:
    other = make_ready_film(make_ready_case(colleague))
    root = Path(settings.SCRATCH_DIR)
    with jobs.job_running(FILM_JOB, film.pk) as job:
        assert job is not None
        (job.scratch / "source").write_bytes(b"decrypted film")
        elsewhere = root / f"render-{other.case_id}-r-1"
        elsewhere.mkdir()

        receipt = case_media_destroy(case=film.case, reason="Consent withdrawn", actor=None)

        assert not job.scratch.exists()
        assert elsewhere.exists()  # another case's work is left alone
    assert receipt.scratch_dirs == 1
    event = AuditEvent.objects.get(action="media.destroyed", case=film.case)
    assert event.details["scratch_dirs"] == 1


def test_a_lost_job_is_queued_again_then_failed_at_the_limit_both_audited(film: Film) -> None:
    stale = timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS + 5)
    Film.objects.filter(pk=film.pk).update(
        status=FilmStatus.PROCESSING, attempts=1, heartbeat_at=stale
    )
    left = Path(settings.SCRATCH_DIR) / f"film-{film.case_id}-{film.pk}-1"
    left.mkdir(parents=True)

    assert jobs.jobs_recover_stale(FILM_JOB) == 1

    film.refresh_from_db()
    assert film.status == FilmStatus.QUEUED
    assert not left.exists()
    requeued = AuditEvent.objects.get(action="film.requeued", object_id=str(film.pk))
    assert requeued.details == {"lost_attempt": 1}

    Film.objects.filter(pk=film.pk).update(
        status=FilmStatus.PROCESSING, attempts=FILM_JOB.max_attempts, heartbeat_at=stale
    )
    assert jobs.jobs_recover_stale(FILM_JOB) == 1
    film.refresh_from_db()
    assert film.status == FilmStatus.FAILED
    assert "interrupted 3 times" in film.failure_reason
    failed = AuditEvent.objects.get(action="film.failed", object_id=str(film.pk))
    assert failed.details["attempt"] == FILM_JOB.max_attempts


def test_a_superseded_attempt_cannot_write(film: Film) -> None:
    with jobs.job_running(FILM_JOB, film.pk) as job:
        assert job is not None
        # Recovered and claimed again elsewhere: the attempt number moved on.
        Film.objects.filter(pk=film.pk).update(attempts=job.attempt + 1)
        with pytest.raises(jobs.Superseded):
            job.update(stage="storing")
        assert job.fail("too late") is False
    film.refresh_from_db()
    assert film.status == FilmStatus.PROCESSING


def test_a_queued_job_whose_hand_over_was_lost_is_handed_over_again(
    film: Film, settings: SettingsWrapper
) -> None:
    """The task queue was down (or lost its data) when the film was queued: the sweep hands it
    over again, once per stale period, and a claim still runs it once."""
    from dataclasses import replace

    handed: list[str] = []
    kind = replace(FILM_JOB, enqueue=handed.append)
    assert jobs.jobs_recover_stale(kind) == 1
    assert handed == [str(film.pk)]
    assert jobs.jobs_recover_stale(kind) == 0  # handed over just now: not again yet
    assert handed == [str(film.pk)]
    Film.objects.filter(pk=film.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS + 1)
    )
    assert jobs.jobs_recover_stale(kind) == 1
    assert handed == [str(film.pk)] * 2
    with jobs.job_running(kind, film.pk) as job:
        assert job is not None
    with jobs.job_running(kind, film.pk) as again:
        assert again is None  # the duplicate hand-over finds nothing to do


def test_a_hand_over_that_fails_is_tried_again_at_the_next_sweep(film: Film) -> None:
    from dataclasses import replace

    def queue_down(job_id: str) -> None:
        raise ConnectionError("the task queue is not answering")

    assert jobs.jobs_recover_stale(replace(FILM_JOB, enqueue=queue_down)) == 0
    handed: list[str] = []
    assert jobs.jobs_recover_stale(replace(FILM_JOB, enqueue=handed.append)) == 1
    assert handed == [str(film.pk)]
