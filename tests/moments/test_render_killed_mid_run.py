"""A render whose worker was killed mid-run is recovered like a film: what it wrote is swept,
the render is queued again (audited) and finished, and after the attempt limit it fails with a
reason (audited)."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TestCase
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.films.models import Film
from attune.moments import rendering, services
from attune.moments.models import MomentKind, Render, RenderStatus
from attune.vault.models import ObjectKind
from attune.vault.services import object_write, orphans_sweep, storage_mismatches
from attune.vault.storage import list_names


def killed_mid_render(film: Film) -> tuple[Render, Path, str]:
    """Leave a render as a worker SIGKILLed while encrypting its clip would: rendering, a stale
    heartbeat, its scratch folder with the cut clip, and a written file that has no row."""
    moment = services.moment_create(
        actor=film.case.guider, film=film, kind=MomentKind.CLIP, start_frame=10, end_frame=40
    )
    render = Render.objects.create(
        moment=moment,
        kind=moment.kind,
        start_frame=10,
        end_frame=40,
        requested_by=film.case.guider,
        status=RenderStatus.RENDERING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS + 5),
    )
    scratch = Path(settings.SCRATCH_DIR) / f"render-{film.case_id}-{render.pk}-1"
    scratch.mkdir(parents=True)
    (scratch / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64)
    unsaved = object_write(
        case=film.case, kind=ObjectKind.CLIP, src=io.BytesIO(b"half a clip"), object_id=uuid.uuid4()
    )
    return render, scratch, unsaved.storage_name


@pytest.mark.usefixtures("immediate_tasks")
def test_a_killed_render_is_swept_requeued_and_finished(film: Film) -> None:
    render, scratch, orphan = killed_mid_render(film)

    # Recovery queues it again; with tasks run at once, the next attempt runs on commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert rendering.renders_recover_stale() == 1

    assert not scratch.exists()
    assert AuditEvent.objects.filter(action="render.requeued", object_id=str(render.pk)).exists()
    render.refresh_from_db()
    assert (render.status, render.attempts) == (RenderStatus.READY, 2)
    # The file the dead attempt wrote has no row: the orphan sweep removes it, and then every
    # stored file has its row and every row its file.
    assert orphan in list_names()
    orphans_sweep(min_age_seconds=0)
    assert orphan not in list_names()
    assert storage_mismatches() == ([], [])
    assert list(Path(settings.SCRATCH_DIR).iterdir()) == []


def test_a_render_that_keeps_losing_its_worker_fails_with_a_reason(film: Film) -> None:
    render, _scratch, _orphan = killed_mid_render(film)
    Render.objects.filter(pk=render.pk).update(attempts=rendering.RENDER_JOB.max_attempts)

    assert rendering.renders_recover_stale() == 1

    render.refresh_from_db()
    assert render.status == RenderStatus.FAILED
    assert "interrupted 3 times" in render.failure_reason
    failed = AuditEvent.objects.get(action="render.failed", object_id=str(render.pk))
    assert failed.details["attempt"] == rendering.RENDER_JOB.max_attempts
