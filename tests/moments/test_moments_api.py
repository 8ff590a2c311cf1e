"""Marking clips and stills through the API: frames are the truth, seconds are accepted."""

from __future__ import annotations

from django.test import Client

from attune.accounts.models import Service
from attune.audit.models import AuditEvent
from attune.films.models import Film
from attune.moments.models import Moment, Principle
from tests.moments.conftest import post_json


def moments_url(film: Film) -> str:
    return f"/api/films/{film.pk}/moments"


def test_a_clip_is_marked_by_frames(guider: Client, film: Film) -> None:
    response = post_json(
        guider, moments_url(film), {"kind": "clip", "start_frame": 25, "end_frame": 75}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["start_frame"], body["end_frame"]) == (25, 75)
    assert (body["start"], body["end"], body["duration"]) == (1.0, 3.0, 2.0)
    assert body["warnings"] == []
    assert body["edit_position"] is None
    moment = Moment.objects.get(pk=body["id"])
    assert moment.created_by == film.case.guider
    event = AuditEvent.objects.filter(action="moment.created").get()
    assert event.case_id == film.case_id and event.details["frames"] == [25, 75]


def test_a_clip_can_be_marked_in_seconds(guider: Client, film: Film) -> None:
    response = post_json(guider, moments_url(film), {"kind": "clip", "start": 0.5, "end": 1.02})

    assert response.status_code == 201
    assert (response.json()["start_frame"], response.json()["end_frame"]) == (12, 25)


def test_a_still_is_one_frame(guider: Client, film: Film) -> None:
    response = post_json(guider, moments_url(film), {"kind": "still", "start_frame": 42})

    assert response.status_code == 201
    assert (response.json()["start_frame"], response.json()["end_frame"]) == (42, 43)


def test_huge_times_and_frames_are_refused_not_a_server_error(guider: Client, film: Film) -> None:
    for body in (
        {"kind": "clip", "start": 1e308, "end": 1e308},
        {"kind": "still", "start": 1e308},
        {"kind": "still", "start_frame": 10**30},
        {"kind": "clip", "start_frame": 1, "end_frame": 2**63},
    ):
        response = post_json(guider, moments_url(film), body)

        assert response.status_code == 422, (body, response.content)
    assert not Moment.objects.exists()


def test_bad_frames_are_refused_with_the_field(guider: Client, film: Film) -> None:
    cases = [
        ({"kind": "clip", "start_frame": 50, "end_frame": 50}, "end_frame"),
        ({"kind": "clip", "start_frame": 50}, "end_frame"),
        ({"kind": "clip", "start_frame": 90, "end_frame": 101}, "end_frame"),
        ({"kind": "still", "start_frame": 100}, "start_frame"),
        ({"kind": "clip"}, "start_frame"),
    ]
    for body, field in cases:
        response = post_json(guider, moments_url(film), body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"][0]["field"] == field, body
    assert not Moment.objects.exists()


def test_long_clips_carry_a_warning(
    guider: Client, working_case: object, counter_film: object
) -> None:
    from tests.moments.conftest import ready_film_for

    film = ready_film_for(working_case, counter_film)  # type: ignore[arg-type]
    Film.objects.filter(pk=film.pk).update(duration=60.0)
    response = post_json(
        guider, moments_url(film), {"kind": "clip", "start_frame": 0, "end_frame": 11 * 25}
    )

    assert response.status_code == 201
    assert "10 seconds" in response.json()["warnings"][0]


def test_tags_notes_question_and_focus_are_kept(guider: Client, film: Film) -> None:
    created = post_json(
        guider, moments_url(film), {"kind": "clip", "start_frame": 0, "end_frame": 20}
    )
    moment_id = created.json()["id"]
    catalogue = guider.get("/api/principles").json()
    receiving = next(p for p in catalogue if p["name"] == "Receiving initiatives")
    waiting = next(b for p in catalogue for b in p["behaviours"] if b["name"] == "waiting")

    response = post_json(
        guider,
        f"/api/moments/{moment_id}",
        {
            "principles": [receiving["id"]],
            "behaviours": [waiting["id"]],
            "notes": "Sam looks up; Jo waits.",
            "question": "What did you notice about Sam here?",
            "focus": "both",
        },
        method="patch",
    )

    assert response.status_code == 200, response.content
    body = response.json()
    encouraging = Principle.objects.get(service=film.case.service, name="Encouraging initiatives")
    # Tagging a behaviour tags its principle too.
    assert body["principles"] == sorted([receiving["id"], encouraging.pk])
    assert body["behaviours"] == [waiting["id"]]
    assert body["notes"] == "Sam looks up; Jo waits."
    assert body["focus"] == "both"
    event = AuditEvent.objects.filter(action="moment.updated").get()
    assert "Sam" not in str(event.details)  # the audit says what changed, not the notes


def test_moving_a_moment_keeps_it_in_the_film(guider: Client, film: Film) -> None:
    moment_id = post_json(
        guider, moments_url(film), {"kind": "clip", "start_frame": 10, "end_frame": 20}
    ).json()["id"]

    moved = post_json(guider, f"/api/moments/{moment_id}", {"start_frame": 5}, method="patch")
    refused = post_json(guider, f"/api/moments/{moment_id}", {"end_frame": 3}, method="patch")

    assert (moved.json()["start_frame"], moved.json()["end_frame"]) == (5, 20)
    assert refused.status_code == 422


def test_tags_come_from_the_service_catalogue(
    guider: Client, film: Film, other_service: Service
) -> None:
    from attune.moments.services import catalogue_ensure

    catalogue_ensure(service=other_service)
    foreign = Principle.objects.filter(service=other_service).first()
    assert foreign is not None
    response = post_json(
        guider,
        moments_url(film),
        {"kind": "still", "start_frame": 1, "principles": [foreign.pk]},
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "principles"


def test_moments_are_listed_in_film_order_and_deleted(guider: Client, film: Film) -> None:
    late = post_json(guider, moments_url(film), {"kind": "still", "start_frame": 80}).json()
    early = post_json(guider, moments_url(film), {"kind": "still", "start_frame": 8}).json()

    listed = guider.get(moments_url(film)).json()
    assert [m["id"] for m in listed] == [early["id"], late["id"]]

    assert guider.delete(f"/api/moments/{late['id']}").status_code == 204
    assert [m["id"] for m in guider.get(moments_url(film)).json()] == [early["id"]]
    assert AuditEvent.objects.filter(action="moment.deleted").count() == 1


def test_the_routes_are_documented(guider: Client) -> None:
    paths = guider.get("/api/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/films/{film_id}/moments"])
    assert {"patch", "delete"} <= set(paths["/api/moments/{moment_id}"])
    assert "put" in paths["/api/cycles/{cycle_id}/edit"]


def test_untagging_a_principle_untags_its_behaviours(guider: Client, film: Film) -> None:
    catalogue = guider.get("/api/principles").json()
    waiting = next(b for p in catalogue for b in p["behaviours"] if b["name"] == "waiting")
    moment_id = post_json(
        guider,
        moments_url(film),
        {"kind": "still", "start_frame": 4, "behaviours": [waiting["id"]]},
    ).json()["id"]

    response = post_json(guider, f"/api/moments/{moment_id}", {"principles": []}, "patch")

    assert (response.json()["principles"], response.json()["behaviours"]) == ([], [])
