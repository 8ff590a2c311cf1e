"""A full disk during processing: the film fails with a clear reason, nothing is half-stored, the
scratch dir is gone and the upload is kept, so a retry once space is freed succeeds."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from django.conf import settings
from django.test import Client

from attune.cases.models import Case
from attune.films import media, processing
from attune.films.models import FilmStatus
from attune.vault import services as vault_services
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import storage_mismatches
from attune.vault.storage import list_names
from tests.films.conftest import Process, upload

pytestmark = pytest.mark.usefixtures("small_chunks")


def disk_full() -> OSError:
    return OSError(errno.ENOSPC, "No space left on device")


class _FillsUp:
    """A source that gives some bytes, then finds the disk full (a partly written object)."""

    def __init__(self, src: IO[bytes]) -> None:
        self.src = src
        self.calls = 0

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 1:
            raise disk_full()
        return self.src.read(size)


def fail_in_a_media_step(monkeypatch: pytest.MonkeyPatch) -> None:
    def sprite_fails(self: media.Sprite, ctx: media.PipelineContext) -> None:
        (ctx.out_dir / "sprite.jpg").write_bytes(b"half a sprite")
        raise disk_full()

    monkeypatch.setattr(media.Sprite, "run", sprite_fails)


def fail_while_storing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The third output written to storage fills the disk part-way through."""
    real = vault_services.write_encrypted
    calls = {"n": 0}

    def write(name: str, src: IO[bytes], key: bytes, *rest: Any) -> tuple[int, int]:
        calls["n"] += 1
        if calls["n"] == 3:
            return real(name, _FillsUp(src), key, *rest)  # type: ignore[arg-type]
        return real(name, src, key, *rest)

    monkeypatch.setattr(vault_services, "write_encrypted", write)


def fail_while_decrypting(monkeypatch: pytest.MonkeyPatch) -> None:
    def decrypt(obj: VaultObject, dest: IO[bytes]) -> int:
        dest.write(b"x" * 100)
        raise disk_full()

    monkeypatch.setattr(processing, "object_decrypt_to", decrypt)


@pytest.mark.parametrize(
    "fill_disk",
    [fail_in_a_media_step, fail_while_storing, fail_while_decrypting],
    ids=["media-step", "storing", "decrypting"],
)
def test_disk_full_fails_cleanly_and_retry_works(
    fill_disk: Callable[[pytest.MonkeyPatch], None],
    filmable_case: Case,
    guider_client: Client,
    film_bytes: bytes,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    film = upload(guider_client, filmable_case, film_bytes)
    parts_before = set(VaultObject.objects.values_list("pk", flat=True))
    stored_before = sorted(list_names())
    assert len(stored_before) == len(parts_before) > 1

    with monkeypatch.context() as patch:
        fill_disk(patch)
        film = process(film)

    assert film.status == FilmStatus.FAILED
    assert film.failure_reason == processing.DISK_FULL_REASON
    assert "disk space" in film.failure_reason and "retry" in film.failure_reason
    # Nothing half-stored: no new objects, no stray files, no scratch files.
    assert set(VaultObject.objects.values_list("pk", flat=True)) == parts_before
    assert sorted(list_names()) == stored_before
    assert storage_mismatches() == ([], [])
    assert film.pending_objects == []
    assert list(Path(settings.SCRATCH_DIR).iterdir()) == []
    # The upload is safe, so the guider can retry once space is freed.
    assert film.parts.count() == len(parts_before)
    api = guider_client.get(f"/api/films/{film.pk}").json()
    assert api["failure_reason"] == processing.DISK_FULL_REASON

    assert guider_client.post(f"/api/films/{film.pk}/retry").status_code == 200
    film = process(film)

    assert film.status == FilmStatus.READY, film.failure_reason
    assert not VaultObject.objects.filter(kind=ObjectKind.UPLOAD_PART).exists()
    assert storage_mismatches() == ([], [])
