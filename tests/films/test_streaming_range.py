"""Streaming the playable film: HTTP Range over encrypted chunks, no caching, one audit event per
viewing, media only for those who may see it, and no storage address in the page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films.models import Film, FilmStatus
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import object_read_all, object_store
from tests.conftest import ClientFor
from tests.films.conftest import Process, upload

VAULT_CHUNK = 4096  # small, so ranges cross the encrypted chunks' boundaries


@pytest.fixture
def ready_film(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, process: Process
) -> Film:
    film = process(upload(guider_client, filmable_case, film_bytes))
    assert film.status == FilmStatus.READY
    return film


@pytest.fixture
def small_chunked(ready_film: Film) -> tuple[Film, bytes]:
    """The same film, re-stored with 4 KiB vault chunks."""
    assert ready_film.playable is not None
    plain = object_read_all(ready_film.playable)
    ready_film.playable = object_store(
        case=ready_film.case,
        kind=ObjectKind.PLAYABLE,
        src=io.BytesIO(plain),
        content_type="video/mp4",
        chunk_size=VAULT_CHUNK,
    )
    ready_film.save(update_fields=["playable"])
    assert len(plain) > 5 * VAULT_CHUNK
    return ready_film, plain


def media_url(film: Film, kind: str = "playable") -> str:
    return f"/films/{film.pk}/media/{kind}"


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_no_range_gives_the_whole_film(
    small_chunked: tuple[Film, bytes], guider_client: Client
) -> None:
    film, plain = small_chunked
    response = guider_client.get(media_url(film))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(plain))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "no-store"
    assert "Content-Range" not in response
    assert body(response) == plain


def _ranges(size: int) -> list[tuple[str, int, int]]:
    c = VAULT_CHUNK
    return [
        ("bytes=0-0", 0, 0),
        ("bytes=0-99", 0, 99),
        (f"bytes={c - 10}-{c + 9}", c - 10, c + 9),  # crosses one chunk boundary
        (f"bytes={c}-{c}", c, c),  # the first byte of the second chunk
        (f"bytes={c - 1}-{3 * c}", c - 1, 3 * c),  # spans several chunks
        (f"bytes={2 * c + 5}-", 2 * c + 5, size - 1),  # open-ended
        ("bytes=-500", size - 500, size - 1),  # suffix
        (f"bytes=-{size + 100}", 0, size - 1),  # suffix longer than the film
        (f"bytes=100-{size + 5000}", 100, size - 1),  # end past the end is clamped
        (f"bytes={size - 1}-", size - 1, size - 1),  # the last byte
    ]


def test_ranges_give_206_with_the_right_bytes(
    small_chunked: tuple[Film, bytes], guider_client: Client
) -> None:
    film, plain = small_chunked
    size = len(plain)
    for header, start, end in _ranges(size):
        response = guider_client.get(media_url(film), headers={"Range": header})
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {start}-{end}/{size}", header
        assert response["Content-Length"] == str(end - start + 1), header
        assert response["Cache-Control"] == "no-store"
        assert body(response) == plain[start : end + 1], header


@pytest.mark.parametrize("header", ["bytes={size}-", "bytes={size}-{more}", "bytes=-0"])
def test_unsatisfiable_ranges_give_416(
    header: str, small_chunked: tuple[Film, bytes], guider_client: Client
) -> None:
    film, plain = small_chunked
    size = len(plain)
    response = guider_client.get(
        media_url(film), headers={"Range": header.format(size=size, more=size + 10)}
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert response["Cache-Control"] == "no-store"


def test_a_malformed_range_is_ignored(
    small_chunked: tuple[Film, bytes], guider_client: Client
) -> None:
    film, plain = small_chunked
    for header in ["bytes=abc", "pages=1-2", "bytes=5-3"]:
        response = guider_client.get(media_url(film), headers={"Range": header})
        if header == "bytes=5-3":
            assert response.status_code == 416
        else:
            assert response.status_code == 200
            assert body(response) == plain


def test_the_other_outputs_stream_too(ready_film: Film, guider_client: Client) -> None:
    for kind, content_type in [
        ("poster", "image/jpeg"),
        ("sprite", "image/jpeg"),
        ("sprite_index", "application/json"),
        ("waveform", "application/json"),
    ]:
        response = guider_client.get(media_url(ready_film, kind))
        assert response.status_code == 200, kind
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "no-store"
    assert guider_client.get(media_url(ready_film, "original")).status_code == 404
    assert guider_client.get(media_url(ready_film, "nonsense")).status_code == 404


def test_one_audit_event_per_viewing(
    ready_film: Film, guider_client: Client, client_for: ClientFor, owner: User
) -> None:
    for header in ["bytes=0-", "bytes=0-1000", "bytes=-2000", "bytes=500-", ""]:
        headers = {"Range": header} if header else {}
        assert guider_client.get(media_url(ready_film), headers=headers).status_code in {200, 206}
    guider_client.get(media_url(ready_film, "poster"))
    viewed = AuditEvent.objects.filter(action="film.viewed", object_id=str(ready_film.pk))
    assert viewed.count() == 1
    assert viewed.get().actor == owner

    # Another sign-in is another viewing.
    client_for(owner).get(media_url(ready_film), headers={"Range": "bytes=0-10"})
    assert viewed.count() == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [("service_admin", 403), ("colleague", 404), ("outsider", 404), ("supervisor", 206)],
)
def test_who_may_stream(
    who: str,
    status: int,
    ready_film: Film,
    client_for: ClientFor,
    request: pytest.FixtureRequest,
) -> None:
    client = client_for(request.getfixturevalue(who))
    response = client.get(media_url(ready_film), headers={"Range": "bytes=0-99"})
    assert response.status_code == status
    for kind in ["poster", "waveform"]:
        assert client.get(media_url(ready_film, kind)).status_code == (
            200 if status == 206 else status
        )


def test_anonymous_is_sent_to_sign_in(ready_film: Film, client_for: ClientFor) -> None:
    response = client_for(None).get(media_url(ready_film))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="film.viewed").exists()


def test_admin_sees_the_film_exists_but_not_the_film(
    ready_film: Film, client_for: ClientFor, service_admin: User
) -> None:
    page = client_for(service_admin).get(f"/films/{ready_film.pk}/").content.decode()
    assert "<video" not in page
    assert "/media/" not in page


def test_no_storage_address_reaches_the_browser(
    ready_film: Film, guider_client: Client, filmable_case: Case
) -> None:
    pages = [
        guider_client.get(f"/films/{ready_film.pk}/").content.decode(),
        guider_client.get(f"/cases/{filmable_case.reference}/cycles/1/").content.decode(),
        guider_client.get(f"/api/films/{ready_film.pk}").content.decode(),
    ]
    film_page = pages[0]
    assert f'src="/films/{ready_film.pk}/media/playable"' in film_page
    assert f'poster="/films/{ready_film.pk}/media/poster"' in film_page
    names = list(VaultObject.objects.values_list("storage_name", flat=True))
    data_dir = str(Path(settings.DATA_DIR))
    for page in pages:
        assert ".atv" not in page
        assert data_dir not in page
        assert "s3://" not in page and "amazonaws" not in page
        for name in names:
            assert name not in page and name.split("/")[0] not in page
        # Every media address on the page is a permission-checked app URL.
        for url in re.findall(r'(?:src|poster|data-[a-z-]+)="([^"]*)"', page):
            assert not url.startswith(("http", "file:", "//")), url


def test_a_range_of_thousands_of_digits_is_unsatisfiable_not_an_error(
    small_chunked: tuple[Film, bytes], guider_client: Client
) -> None:
    film, plain = small_chunked
    for header in ["bytes=" + "9" * 4400 + "-", "bytes=0-" + "1" * 5000, "bytes=-" + "7" * 4400]:
        response = guider_client.get(media_url(film), headers={"Range": header})

        assert response.status_code == 416
        assert response["Content-Range"] == f"bytes */{len(plain)}"
