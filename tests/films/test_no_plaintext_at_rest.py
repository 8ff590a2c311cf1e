"""No plaintext of a film ever reaches storage: a marker in the film's metadata and another in its
raw bytes appear nowhere in storage, mid-upload or after processing, on the local filesystem and
on S3 (a real S3-compatible server, moto's, started by the test)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.test import Client
from moto.server import ThreadedMotoServer
from pytest_django.fixtures import Settings as SettingsWrapper
from storages.backends.s3 import S3Storage

from attune.cases.models import Case
from attune.films.models import Film, FilmStatus
from attune.samples.films import make_film
from attune.vault.services import object_read_all, storage_mismatches
from attune.vault.storage import list_names, vault_storage
from tests.films.conftest import (
    MARKER,
    RAW_MARKER,
    Process,
    chunks_of,
    put_chunk,
    start_upload,
)

pytestmark = pytest.mark.usefixtures("small_chunks")

BUCKET = "attune-vault-test"
# Everything stored, as (name, bytes).
Scan = Callable[[], list[tuple[str, bytes]]]


@pytest.fixture(scope="module")
def faststart_film(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A film whose index (and so the metadata marker) comes first, with RAW_MARKER at the end."""
    path = make_film(
        tmp_path_factory.mktemp("faststart") / "f.mp4", seconds=2, marker=MARKER, faststart=True
    )
    return path.read_bytes() + (len(RAW_MARKER) + 8).to_bytes(4, "big") + b"free" + RAW_MARKER


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3_server: str, settings: SettingsWrapper, monkeypatch: pytest.MonkeyPatch) -> Scan:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", s3_server)
    s3 = boto3.resource("s3", endpoint_url=s3_server, region_name="eu-west-2")
    bucket = s3.Bucket(BUCKET)
    if not bucket.creation_date:
        bucket.create(CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    bucket.objects.all().delete()
    settings.ATTUNE_STORAGE = f"s3://{BUCKET}/vault"
    vault_storage.cache_clear()
    assert isinstance(vault_storage(), S3Storage)

    def scan() -> list[tuple[str, bytes]]:
        # Every object in the bucket, not only those under the prefix.
        return [(o.key, o.get()["Body"].read()) for o in bucket.objects.all()]

    return scan


@pytest.fixture
def local_storage() -> Scan:
    vault_storage.cache_clear()

    def scan() -> list[tuple[str, bytes]]:
        root = Path(settings.DATA_DIR)
        return [(str(p), p.read_bytes()) for p in root.rglob("*") if p.is_file()]

    return scan


@pytest.fixture(params=["local", "s3"])
def stored(request: pytest.FixtureRequest) -> Scan:
    scan: Scan = request.getfixturevalue(f"{request.param}_storage")
    return scan


def leaks(scan: Scan, *markers: bytes) -> list[str]:
    return [name for name, data in scan() if any(marker in data for marker in markers)]


def test_no_plaintext_reaches_storage(
    stored: Scan,
    filmable_case: Case,
    guider_client: Client,
    faststart_film: bytes,
    process: Process,
) -> None:
    film_bytes = faststart_film
    markers = (MARKER.encode(), RAW_MARKER[:23])
    assert all(marker in film_bytes for marker in markers)
    assert film_bytes.index(RAW_MARKER) > len(film_bytes) - 200  # at the very end
    state = start_upload(guider_client, filmable_case, 1, len(film_bytes)).json()
    chunks = chunks_of(film_bytes, state["chunk_size"])

    # Half-way through the upload, including the chunk holding the metadata marker.
    meta_chunk = film_bytes.index(MARKER.encode()) // state["chunk_size"]
    half = max(len(chunks) // 2, meta_chunk + 1)
    assert half < len(chunks)
    for index in range(half):
        assert put_chunk(guider_client, state["id"], index, chunks[index]).status_code == 200
    assert len(list_names()) == half
    assert leaks(stored, *markers) == []
    assert leaks(stored, *(c[:64] for c in chunks[:half])) == []

    for index in range(half, len(chunks)):
        assert put_chunk(guider_client, state["id"], index, chunks[index]).status_code == 200
    assert leaks(stored, *markers) == []

    film = process(Film.objects.get(pk=state["id"]))
    assert film.status == FilmStatus.READY, film.failure_reason

    names = list_names()
    assert len(names) == 6  # playable, poster, sprite, its index, waveform, original
    assert storage_mismatches() == ([], [])
    everything = stored()
    assert everything and all(data[:4] == b"ATV1" for name, data in everything if name in names)
    assert leaks(stored, *markers) == []
    assert leaks(stored, film_bytes[:64], film_bytes[-64:]) == []
    # The vault still gives the film back whole.
    assert film.original is not None and object_read_all(film.original) == film_bytes
    response = guider_client.get(
        f"/films/{film.pk}/media/playable", headers={"Range": "bytes=0-15"}
    )
    assert response.status_code == 206
    assert b"".join(response.streaming_content)[4:8] == b"ftyp"  # type: ignore[attr-defined]


def test_the_local_store_is_private(
    local_storage: Scan, filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = start_upload(guider_client, filmable_case, 1, len(film_bytes)).json()
    put_chunk(guider_client, state["id"], 0, film_bytes[: state["chunk_size"]])
    root = Path(settings.DATA_DIR) / "vault"
    for path in [root, *root.rglob("*")]:
        mode = os.stat(path).st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
