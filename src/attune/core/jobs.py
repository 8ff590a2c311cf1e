"""The one way Attune runs background work (film processing, analysis, rendering, and every job
added later).

A job is a row with a status, an attempt count and a heartbeat. Running it:

* **Claim**: one atomic UPDATE moves the row from queued to running and counts an attempt; the
  attempt number is the claim's token. Every later write goes through ``Job.mine()``, which
  matches that token, so an attempt that was given up on (its worker hung) can never overwrite
  the attempt that replaced it.
* **Heartbeat**: a thread keeps ``heartbeat_at`` fresh while the job runs, whatever the job is
  busy with.
* **Scratch**: a private directory (0700) under one root, named ``<kind>-<case>-<row>-<attempt>``,
  holding a lock file that the job keeps locked while it runs. It is removed in ``finally``. A
  killed process releases its lock, so the sweep (at worker start and every minute) removes any
  directory whose lock nobody holds, whatever its prefix; destroying a case's media removes the
  case's directories at once.
* **Files, then rows**: jobs write their outputs to storage first, then save rows in one short
  transaction (see each kind's module).
* **Recovery**: a running row whose heartbeat is older than ``ATTUNE_STALE_JOB_SECONDS`` lost its
  worker. It is queued again, audited, up to ``max_attempts``; then it fails with a reason,
  audited too.

This module knows no domain: each app describes its job kind (model, statuses, how to queue it,
how to audit it) in a ``JobKind``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from attune.core.worker import on_worker_startup, periodic

logger = logging.getLogger(__name__)

LOCK_NAME = ".owner"
#: A directory younger than this without a lock file is being set up; leave it alone.
SETUP_GRACE_SECONDS = 60

AuditHook = Callable[[Any, str, dict[str, Any]], None]


@dataclass(frozen=True)
class JobKind:
    """How one kind of job is stored and told about."""

    name: str  # scratch prefix and the first word of its audit actions ("film", "render", ...)
    model: type[models.Model]
    key: str  # the field that the task's id names ("pk", or "film_id" for an analysis)
    queued: str
    running: str
    failed: str
    enqueue: Callable[[str], None]  # hand the id to the task queue
    case_path: str  # from the row to its case's id: "case_id", "film__case_id", ...
    audit: AuditHook  # audit(row, action, details), inside the caller's transaction
    lost_reason: str = (
        "The work was interrupted {n} times (the server stopped part-way). Ask for it again when "
        "the server is running normally."
    )
    max_attempts: int = 3
    select_related: tuple[str, ...] = ()
    #: Extra fields set when a claim starts, a lost job is queued again, or it fails for good.
    claim_fields: Mapping[str, Any] = field(default_factory=dict)
    requeue_fields: Mapping[str, Any] = field(default_factory=dict)
    fail_fields: Mapping[str, Any] = field(default_factory=dict)
    #: Called under the row lock when a lost attempt is recovered (e.g. forget what it wrote);
    #: returns what to clean up after commit.
    on_lost: Callable[[Any], Callable[[], None] | None] | None = None

    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.all()


class Superseded(Exception):
    """This attempt no longer owns its job (it was recovered and claimed again)."""


class Job:
    """One claimed attempt at a job."""

    def __init__(self, kind: JobKind, row: Any) -> None:
        self.kind = kind
        self.row = row
        self.id = getattr(row, kind.key)
        self.attempt: int = row.attempts
        case_id = kind.rows().filter(pk=row.pk).values_list(kind.case_path, flat=True).first()
        self.case_id = case_id
        self.scratch = scratch_root() / f"{kind.name}-{case_id}-{self.id}-{self.attempt}"
        self._lock_fd: int | None = None

    def mine(self) -> QuerySet[Any]:
        """The row, only while this attempt still owns it."""
        return self.kind.rows().filter(
            **{self.kind.key: self.id, "status": self.kind.running, "attempts": self.attempt}
        )

    def beat(self) -> None:
        self.mine().update(heartbeat_at=timezone.now())

    def update(self, **fields: Any) -> None:
        """Write to the row, or raise Superseded when this attempt no longer owns it."""
        if not self.mine().update(**fields):
            raise Superseded

    def fail(self, reason: str, **fields: Any) -> bool:
        """Fail the job with a reason a person can act on; audited. Never raises."""
        try:
            with transaction.atomic():
                updated = self.mine().update(
                    status=self.kind.failed,
                    failure_reason=reason,
                    heartbeat_at=None,
                    **{**self.kind.fail_fields, **fields},
                )
                if updated:
                    self.kind.audit(
                        self.row,
                        f"{self.kind.name}.failed",
                        {"reason": reason, "attempt": self.attempt},
                    )
                return bool(updated)
        except Exception:
            # Even the failure could not be recorded (database gone?): the heartbeat stops, so
            # the job is recovered later. Never let it escape into the worker.
            logger.exception("Could not record the failure of %s %s", self.kind.name, self.id)
            return False

    # scratch ------------------------------------------------------------------------------------

    def _make_scratch(self) -> None:
        root = scratch_root()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(root, 0o700)
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(mode=0o700)
        fd = os.open(self.scratch / LOCK_NAME, os.O_CREAT | os.O_WRONLY, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._lock_fd = fd

    def _drop_scratch(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)
            self._lock_fd = None


def scratch_root() -> Path:
    return Path(settings.SCRATCH_DIR)


def heartbeat_interval() -> float:
    return max(0.2, min(30.0, settings.ATTUNE_STALE_JOB_SECONDS / 4))


def job_claim(kind: JobKind, job_id: Any) -> Job | None:
    """Atomically take a queued job. None when someone else has it or it is not queued."""
    claimed = (
        kind.rows()
        .filter(**{kind.key: job_id, "status": kind.queued})
        .update(
            status=kind.running,
            heartbeat_at=timezone.now(),
            attempts=F("attempts") + 1,
            **{
                name: value() if callable(value) else value
                for name, value in kind.claim_fields.items()
            },
        )
    )
    if not claimed:
        return None
    row = kind.rows().select_related(*kind.select_related).get(**{kind.key: job_id})
    return Job(kind, row)


@contextmanager
def _heartbeat(job: Job) -> Iterator[None]:
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_interval()):
                try:
                    job.beat()
                except Exception:
                    logger.warning("Could not record the heartbeat of %s %s", job.kind.name, job.id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job.kind.name}-{job.id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


@contextmanager
def job_running(kind: JobKind, job_id: Any) -> Iterator[Job | None]:
    """Claim a job and run the block with its heartbeat and private scratch directory, removed
    afterwards whatever happens. Yields None when there was nothing to claim."""
    job = job_claim(kind, job_id)
    if job is None:
        yield None
        return
    try:
        job._make_scratch()
        with _heartbeat(job):
            yield job
    finally:
        job._drop_scratch()


def jobs_recover_stale(kind: JobKind) -> int:
    """Jobs whose worker died mid-way (no heartbeat for a while): queue them again, or fail
    them after ``max_attempts``; either way audited, and their scratch directories removed."""
    cutoff = timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS)
    # A running row without a heartbeat predates the runner (or lost its claim's write): stale.
    lost = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    stale = kind.rows().filter(lost, status=kind.running)
    recovered = 0
    for pk in list(stale.values_list("pk", flat=True)):
        cleanup: Callable[[], None] | None = None
        with transaction.atomic():
            row = kind.rows().select_for_update().filter(lost, pk=pk, status=kind.running).first()
            if row is None:
                continue
            attempt = row.attempts
            job_id = getattr(row, kind.key)
            if kind.on_lost is not None:
                cleanup = kind.on_lost(row)
            if attempt >= kind.max_attempts:
                reason = kind.lost_reason.format(n=attempt)
                kind.rows().filter(pk=pk).update(
                    status=kind.failed, failure_reason=reason, heartbeat_at=None, **kind.fail_fields
                )
                kind.audit(row, f"{kind.name}.failed", {"reason": reason, "attempt": attempt})
            else:
                # Queued again and handed over now (the stamp says when, see below).
                kind.rows().filter(pk=pk).update(
                    status=kind.queued, heartbeat_at=timezone.now(), **kind.requeue_fields
                )
                kind.audit(row, f"{kind.name}.requeued", {"lost_attempt": attempt})
                hand_over_on_commit(kind.enqueue, job_id)
        if cleanup is not None:
            cleanup()
        for path in scratch_root().glob(f"{kind.name}-*-{job_id}-*"):
            shutil.rmtree(path, ignore_errors=True)
        recovered += 1
    return recovered + _hand_over_again(kind, lost)


def hand_over_on_commit(enqueue: Callable[[str], None], job_id: Any) -> None:
    """Hand a job to the task queue once the transaction that queued its row commits.

    The row is already saved as queued by then, so a queue that is down (Redis restarting) must
    not turn a finished request into an error: the failure is logged and the row waits for the
    sweep, which hands it over again (see ``_hand_over_again``)."""

    def hand_over() -> None:
        try:
            enqueue(str(job_id))
        except Exception:
            logger.warning(
                "Could not hand job %s to the task queue; the sweep will", job_id, exc_info=True
            )

    transaction.on_commit(hand_over)


def _hand_over_again(kind: JobKind, lost: Q) -> int:
    """A queued row whose hand-over to the task queue was lost (the queue was down, or lost its
    data, when the job was enqueued) would wait for ever: hand it over again. While a row waits,
    ``heartbeat_at`` says when it was last handed over, so this happens at most once per stale
    period. Claiming is atomic, so a job that was in the queue after all still runs once."""
    handed = 0
    waiting = kind.rows().filter(lost, status=kind.queued)
    for pk, job_id in list(waiting.values_list("pk", kind.key)):
        stamped = (
            kind.rows().filter(lost, pk=pk, status=kind.queued).update(heartbeat_at=timezone.now())
        )
        if not stamped:
            continue
        try:
            kind.enqueue(str(job_id))
        except Exception:  # the queue is still down: the next sweep tries again
            logger.warning("Could not hand %s %s to the task queue", kind.name, job_id)
            kind.rows().filter(pk=pk, status=kind.queued).update(heartbeat_at=None)
            continue
        handed += 1
    return handed


def _owned(path: Path) -> bool:
    """Whether a live job holds this scratch directory's lock."""
    lock = path / LOCK_NAME
    try:
        fd = os.open(lock, os.O_WRONLY)
    except FileNotFoundError:
        try:
            young = time.time() - path.stat().st_mtime < SETUP_GRACE_SECONDS
        except FileNotFoundError:
            return False
        return young
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases the lock we may have taken
    return False


def scratch_sweep() -> int:
    """Remove every scratch entry that no live job holds (left by a killed worker), whatever
    its name. Returns how many were removed."""
    root = scratch_root()
    if not root.is_dir():
        return 0
    removed = 0
    for path in root.iterdir():
        if path.is_dir() and not path.is_symlink():
            if _owned(path):
                continue
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    return removed


def scratch_destroy_for_case(case_id: Any) -> int:
    """Remove a case's scratch directories now, held or not (its media is being destroyed:
    a job still running on it fails, which is what should happen)."""
    root = scratch_root()
    if not root.is_dir():
        return 0
    removed = 0
    for path in root.glob(f"*-{case_id}-*"):
        if path.name.split("-", 2)[1] != str(case_id):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


@on_worker_startup
@periodic(seconds=60)
def scratch_upkeep() -> None:
    scratch_sweep()
