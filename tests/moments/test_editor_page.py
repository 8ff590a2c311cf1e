"""The editor page: what it gives the browser, and who may open it."""

from __future__ import annotations

import json

from django.test import Client

from attune.accounts.models import User
from attune.analysis.models import AnalysisStatus, FilmAnalysis
from attune.films.models import Film, FilmStatus
from attune.moments import services
from attune.moments.models import MomentKind
from tests.conftest import ClientFor
from tests.factories import make_suggestion


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
    assert data["analysis"]["status"] == "not_started"
    assert data["analysis"]["suggestions"] == []
    assert data["can_edit"] is True and data["can_download"] is False
    # Only filming and supervision were agreed: the training box is offered but not allowed.
    assert data["training_allowed"] is False
    for lane in ("data-lane-suggestions", "data-lane-adult", "data-lane-child", "data-lane-smiles"):
        assert lane.encode() in response.content


def test_an_analysed_film_brings_its_lanes_and_suggestions(guider: Client, film: Film) -> None:
    analysis = FilmAnalysis.objects.create(
        film=film,
        status=AnalysisStatus.DONE,
        progress=1.0,
        result={
            "duration": 4.0,
            "speech": [
                {"start": 0.2, "end": 1.0, "speaker": "child"},
                {"start": 1.4, "end": 2.2, "speaker": "adult"},
            ],
            "smiles": [{"start": 1.5, "end": 2.0, "person": "left"}],
            "faces": [
                {"start": 0.0, "end": 4.0, "person": "left"},
                {"start": 1.0, "end": 3.0, "person": "right"},
            ],
            "notes": [],
        },
    )
    make_suggestion(film, analysis=analysis, start=0.0, end=2.7)

    data = editor_data(guider.get(f"/moments/films/{film.pk}/"))["analysis"]

    assert data["status"] == "done"
    assert data["lanes"]["child"] == [[0.2, 1.0, 0]]
    assert data["lanes"]["adult"] == [[1.4, 2.2, 1]]
    assert data["lanes"]["smiles"] == [[1.5, 2.0]]
    assert data["lanes"]["faces"] == [[0.0, 4.0, 0], [1.0, 3.0, 1]]
    assert [s["rank"] for s in data["suggestions"]] == [1]
    assert data["suggestions"][0]["decision"] == "open"


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
