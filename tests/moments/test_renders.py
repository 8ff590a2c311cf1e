"""Rendering moments in the background, encrypted in the vault; downloads only for the guider,
only where the service allows them, always audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from django.test import Client
from PIL import Image

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.films import processing
from attune.films import services as film_services
from attune.films.models import Film, FilmStatus
from attune.moments import rendering, services
from attune.moments.models import Moment, MomentKind, Render, RenderStatus
from attune.vault.models import ObjectKind
from attune.vault.services import object_read_range
from attune.vault.storage import open_ciphertext
from tests.conftest import ClientFor
from tests.moments.counter_film import read_counter

Run = Callable[[Callable[[], Any]], Any]


def make(film: Film, kind: str, start: int, end: int | None = None) -> Moment:
    return services.moment_create(
        actor=film.case.guider, film=film, kind=kind, start_frame=start, end_frame=end
    )


def render(run_on_commit: Run, moment: Moment) -> Render:
    result: Render = run_on_commit(
        lambda: services.moment_render(actor=moment.film.case.guider, moment=moment)
    )
    result.refresh_from_db()
    return result


def allow_downloads(film: Film) -> None:
    service = film.case.service
    service.allow_downloads = True
    service.save(update_fields=["allow_downloads"])


def test_a_clip_renders_to_an_encrypted_mp4_that_starts_on_its_frame(
    run_on_commit: Run, film: Film, guider: Client
) -> None:
    moment = make(film, MomentKind.CLIP, 30, 61)
    done = render(run_on_commit, moment)

    assert done.status == RenderStatus.READY, done.failure_reason
    assert done.method == "encode"
    assert done.video is not None and done.video.kind == ObjectKind.CLIP
    with open_ciphertext(done.video.storage_name) as fh:
        assert b"ftyp" not in fh.read()  # only ciphertext is stored
    allow_downloads(film)
    response = guider.get(f"/moments/renders/{done.pk}/mp4/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    with av.open(io.BytesIO(data), mode="r") as container:
        shown = [read_counter(frame) for frame in container.decode(video=0)]
    assert shown == list(range(30, 61))
    assert AuditEvent.objects.filter(action="render.ready").count() == 1
    assert AuditEvent.objects.filter(action="render.downloaded").count() == 1


def test_a_still_renders_to_png_and_jpeg_of_its_frame(
    run_on_commit: Run, film: Film, guider: Client
) -> None:
    done = render(run_on_commit, make(film, MomentKind.STILL, 57))

    assert done.status == RenderStatus.READY
    assert done.formats == ["png", "jpeg"]
    for fmt, kind in (("png", "PNG"), ("jpeg", "JPEG")):
        response = guider.get(f"/moments/renders/{done.pk}/{fmt}")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline;")
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        assert image.format == kind
        assert read_counter(image) == 57


def test_asking_twice_gives_the_same_render(run_on_commit: Run, film: Film) -> None:
    moment = make(film, MomentKind.CLIP, 25, 50)
    first = render(run_on_commit, moment)
    second = render(run_on_commit, moment)

    assert first.pk == second.pk
    assert first.method == "copy"  # key frame to key frame
    rendering.render_run(str(first.pk))  # a second run of the task does nothing
    assert Render.objects.get().status == RenderStatus.READY


def test_moving_a_moment_removes_its_old_render(run_on_commit: Run, film: Film) -> None:
    moment = make(film, MomentKind.CLIP, 10, 20)
    done = render(run_on_commit, moment)
    assert done.video is not None
    name = done.video.storage_name

    run_on_commit(
        lambda: services.moment_update(actor=film.case.guider, moment=moment, end_frame=22)
    )

    assert not Render.objects.exists()
    with pytest.raises(FileNotFoundError):
        open_ciphertext(name)


def test_downloads_are_off_unless_the_service_allows_them(
    run_on_commit: Run, film: Film, guider: Client, client_for: ClientFor, supervisor: User
) -> None:
    done = render(run_on_commit, make(film, MomentKind.STILL, 5))
    url = f"/moments/renders/{done.pk}/png/download"

    assert guider.get(url).status_code == 403
    allow_downloads(film)
    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(supervisor).get(f"/moments/renders/{done.pk}/png").status_code == 200
    assert guider.get(url).status_code == 200
    downloads = AuditEvent.objects.filter(action="render.downloaded")
    assert [e.actor_id for e in downloads] == [film.case.guider_id]


def test_a_film_that_was_never_ready_has_no_renders(film: Film) -> None:
    moment = make(film, MomentKind.STILL, 5)
    Film.objects.filter(pk=film.pk).update(status=FilmStatus.PROCESSING)
    moment.refresh_from_db()

    with pytest.raises(services.ServiceError):
        services.moment_render(actor=film.case.guider, moment=moment)


@pytest.mark.slow
def test_through_the_real_pipeline_a_clip_starts_on_the_requested_frame(
    run_on_commit: Run, working_case: Any, counter_film: Path
) -> None:
    """Upload, process (remux), mark, render, decode: the first frame is the in-point."""
    cycle = working_case.cycles.get(number=1)
    film = film_services.film_import(
        actor=working_case.guider, case=working_case, cycle=cycle, path=counter_film
    )
    processing.film_process(str(film.pk))
    film.refresh_from_db()
    assert film.status == FilmStatus.READY, film.failure_reason

    done = render(run_on_commit, make(film, MomentKind.CLIP, 37, 58))

    assert done.status == RenderStatus.READY, done.failure_reason
    assert done.video is not None
    data = b"".join(object_read_range(done.video, 0, done.video.plaintext_size - 1))
    with av.open(io.BytesIO(data), mode="r") as container:
        first = next(container.decode(video=0))
        assert read_counter(first) == 37
        assert first.time == pytest.approx(0)
