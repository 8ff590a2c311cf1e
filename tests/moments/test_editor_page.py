"""The editor page: what it gives the browser, and who may open it."""

from __future__ import annotations

import json

from django.test import Client

from attune.accounts.models import User
from attune.films.models import Film, FilmStatus
from attune.moments import services
from attune.moments.models import MomentKind
from tests.conftest import ClientFor


def editor_data(response: object) -> dict:
    content = response.content.decode()  # type: ignore[attr-defined]
    start = content.index('<script id="editor-data" type="application/json">') + len(
        '<script id="editor-data" type="application/json">'
    )
    return json.loads(content[start : content.index("</script>", start)])  # type: ignore[no-any-return]


def test_the_guider_gets_the_film_its_moments_and_the_catalogue(guider: Client, film: Film) -> None:
    moment = services.moment_create(
        actor=film.case.guider, film=film, kind=MomentKind.CLIP, start_frame=25, end_frame=50
    )
    response = guider.get(f"/moments/films/{film.pk}/")

    assert response.status_code == 200
    data = editor_data(response)
    assert data["film"]["rate"] == [25, 1]
    assert data["film"]["frames"] == 100
    assert [m["id"] for m in data["moments"]] == [str(moment.pk)]
    assert [p["key"] for p in data["catalogue"]] == [1, 2, 3, 4, 5, 6]
    assert data["catalogue"][2]["name"] == "Receiving initiatives"
    assert data["suggestions"] == []
    assert data["can_edit"] is True and data["can_download"] is False
    assert b"data-lane-suggestions" in response.content


def test_the_supervisor_reads_without_editing(
    client_for: ClientFor, supervisor: User, film: Film
) -> None:
    response = client_for(supervisor).get(f"/moments/films/{film.pk}/")

    assert response.status_code == 200
    assert editor_data(response)["can_edit"] is False
    assert b"data-read-only" in response.content


def test_a_film_that_is_not_ready_sends_you_back(guider: Client, film: Film) -> None:
    Film.objects.filter(pk=film.pk).update(status=FilmStatus.PROCESSING)

    response = guider.get(f"/moments/films/{film.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/films/{film.pk}/"


def test_the_film_page_links_to_the_editor(guider: Client, film: Film) -> None:
    response = guider.get(f"/films/{film.pk}/")

    assert f'href="/moments/films/{film.pk}/"'.encode() in response.content
