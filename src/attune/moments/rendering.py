"""Rendering a moment's files, as the worker does it: claim the render, cut the clip or the
still from the encrypted film, encrypt the files into the vault. Safe to run twice; a render
whose worker died is queued again by the upkeep in ``maintenance``."""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.audit.services import audit_record
from attune.films.models import Film
from attune.moments import export, selectors
from attune.moments.models import MomentKind, Render, RenderStatus
from attune.moments.vaultio import RangeFile
from attune.vault.models import ObjectKind
from attune.vault.services import MediaGone, object_read_range, object_store_path

logger = logging.getLogger(__name__)


def enqueue_render(render_id: uuid.UUID) -> None:
    from attune.moments.tasks import render_moment

    render_moment.enqueue(str(render_id))


def _claim_render(render_id: str) -> Render | None:
    claimed = Render.objects.filter(pk=render_id, status=RenderStatus.QUEUED).update(
        status=RenderStatus.RENDERING, heartbeat_at=timezone.now()
    )
    if not claimed:
        return None
    render = Render.objects.select_related("moment__film__case", "moment__film__playable").get(
        pk=render_id
    )
    Render.objects.filter(pk=render_id).update(attempts=render.attempts + 1)
    return render


def _scratch(render: Render) -> Path:
    root = Path(settings.SCRATCH_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / f"render-{render.pk}"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(mode=0o700)
    return path


def _fail_render(render: Render, reason: str) -> None:
    with transaction.atomic():
        updated = Render.objects.filter(pk=render.pk, status=RenderStatus.RENDERING).update(
            status=RenderStatus.FAILED,
            failure_reason=reason,
            heartbeat_at=None,
            finished_at=timezone.now(),
        )
        if updated:
            audit_record(
                actor=None,
                action="render.failed",
                case=render.moment.film.case,
                obj=render,
                details={"reason": reason},
            )


class _Heartbeat:
    def __init__(self, render: Render) -> None:
        self.render_id = render.pk
        self.last = time.monotonic()

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last >= 5:
            self.last = now
            Render.objects.filter(pk=self.render_id, status=RenderStatus.RENDERING).update(
                heartbeat_at=timezone.now()
            )


def film_source(film: Film) -> RangeFile:
    """The playable film as a seekable file, decrypted a window at a time."""
    playable = film.playable
    if playable is None:
        raise MediaGone("The film is no longer kept.")
    return RangeFile(
        lambda start, end: object_read_range(playable, start, end), playable.plaintext_size
    )


def render_run(render_id: str) -> None:
    """Make a render's files and encrypt them into the vault. Safe to run twice: only a queued
    render is claimed; scratch files are removed in ``finally``."""
    render = _claim_render(render_id)
    if render is None:
        return
    film = render.moment.film
    scratch = _scratch(render)
    try:
        if not selectors.media_available(film.case):
            raise MediaGone("The case's media is locked or deleted.")
        rate = selectors.film_rate(film)
        source = film_source(film)
        files: dict[str, tuple[Path, str, str]] = {}
        method = ""
        if render.kind == MomentKind.CLIP:
            path = scratch / "clip.mp4"
            result = export.export_clip(
                source,
                path,
                rate=rate,
                start=render.start_frame,
                end=render.end_frame,
                on_progress=_Heartbeat(render),
            )
            files["video"] = (path, ObjectKind.CLIP, "video/mp4")
            method = result.method
        else:
            png, jpeg = scratch / "still.png", scratch / "still.jpg"
            export.export_still(source, rate=rate, frame=render.start_frame, png=png, jpeg=jpeg)
            files["png"] = (png, ObjectKind.STILL, "image/png")
            files["jpeg"] = (jpeg, ObjectKind.STILL, "image/jpeg")
        _store_render(render, files, method)
    except export.ExportError as exc:
        _fail_render(render, str(exc))
    except MediaGone:
        _fail_render(render, "The film has been deleted.")
    except Exception as exc:
        logger.exception("Render %s failed", render_id)
        _fail_render(render, f"Rendering stopped unexpectedly: {exc}. Ask for it again.")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _store_render(render: Render, files: dict[str, tuple[Path, str, str]], method: str) -> None:
    with transaction.atomic():
        current = Render.objects.select_for_update().filter(pk=render.pk).first()
        if current is None or current.status != RenderStatus.RENDERING:
            return  # the moment changed or went while we worked: keep nothing
        case = render.moment.film.case
        stored = {
            name: object_store_path(case=case, kind=kind, path=path, content_type=content_type)
            for name, (path, kind, content_type) in files.items()
        }
        Render.objects.filter(pk=render.pk).update(
            status=RenderStatus.READY,
            method=method,
            heartbeat_at=None,
            finished_at=timezone.now(),
            failure_reason="",
            **stored,
        )
        audit_record(
            actor=None,
            action="render.ready",
            case=case,
            obj=render,
            details={
                "kind": render.kind,
                "method": method,
                "frames": render.end_frame - render.start_frame,
            },
        )


def renders_recover_stale() -> int:
    """Queue again the renders whose worker died mid-job (no heartbeat for a while)."""
    cutoff = timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS)
    stale = list(
        Render.objects.filter(status=RenderStatus.RENDERING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for render_id in stale:
        with transaction.atomic():
            if Render.objects.filter(
                pk=render_id, status=RenderStatus.RENDERING, heartbeat_at__lt=cutoff
            ).update(status=RenderStatus.QUEUED):
                transaction.on_commit(partial(enqueue_render, render_id))
        shutil.rmtree(Path(settings.SCRATCH_DIR) / f"render-{render_id}", ignore_errors=True)
    return len(stale)
