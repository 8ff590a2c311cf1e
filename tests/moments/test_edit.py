"""The edit: the moments chosen for the shared review, in order, with gentle warnings."""

from __future__ import annotations

from django.test import Client

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.films.models import Film
from attune.moments import services
from attune.moments.models import Moment, MomentKind
from tests.moments.conftest import post_json, ready_film_for


def clip(film: Film, start: int, end: int) -> Moment:
    return services.moment_create(
        actor=film.case.guider, film=film, kind=MomentKind.CLIP, start_frame=start, end_frame=end
    )


def edit_url(film: Film) -> str:
    return f"/api/cycles/{film.cycle_id}/edit"


def test_the_edit_is_set_in_order_and_read_back(guider: Client, film: Film) -> None:
    a, b, c = clip(film, 0, 10), clip(film, 20, 30), clip(film, 40, 50)

    response = post_json(guider, edit_url(film), {"moment_ids": [str(c.pk), str(a.pk)]}, "put")

    assert response.status_code == 200, response.content
    assert response.json()["moment_ids"] == [str(c.pk), str(a.pk)]
    assert response.json()["clips"] == 2
    assert response.json()["seconds"] == 0.8
    assert guider.get(edit_url(film)).json()["moment_ids"] == [str(c.pk), str(a.pk)]
    b.refresh_from_db()
    assert b.edit_position is None

    again = post_json(guider, edit_url(film), {"moment_ids": [str(a.pk), str(b.pk)]}, "put")
    assert again.json()["moment_ids"] == [str(a.pk), str(b.pk)]
    c.refresh_from_db()
    assert c.edit_position is None
    assert AuditEvent.objects.filter(action="edit.updated").count() == 2


def test_a_moment_appears_once_and_only_from_its_cycle(
    guider: Client, film: Film, counter_film: object
) -> None:
    a = clip(film, 0, 10)
    other = ready_film_for(film.case, counter_film, cycle_number=2)  # type: ignore[arg-type]
    elsewhere = clip(other, 0, 10)

    twice = post_json(guider, edit_url(film), {"moment_ids": [str(a.pk), str(a.pk)]}, "put")
    foreign = post_json(guider, edit_url(film), {"moment_ids": [str(elsewhere.pk)]}, "put")

    assert twice.status_code == 422
    assert foreign.status_code == 422
    assert foreign.json()["error"]["fields"][0]["field"] == "moment_ids"


def test_past_five_clips_or_two_minutes_the_edit_warns(guider: Client, film: Film) -> None:
    Film.objects.filter(pk=film.pk).update(duration=600.0)
    film.refresh_from_db()
    short = [clip(film, i * 100, i * 100 + 50) for i in range(6)]
    response = post_json(guider, edit_url(film), {"moment_ids": [str(m.pk) for m in short]}, "put")
    assert response.json()["clips"] == 6
    assert any("6 clips" in w for w in response.json()["warnings"])

    long = [clip(film, i * 1000, i * 1000 + 25 * 45) for i in range(3)]  # 3 × 45 s
    response = post_json(guider, edit_url(film), {"moment_ids": [str(m.pk) for m in long]}, "put")
    assert response.json()["seconds"] == 135.0
    assert any("2 minutes" in w for w in response.json()["warnings"])


def test_only_the_guider_builds_the_edit(client_for: object, supervisor: User, film: Film) -> None:
    a = clip(film, 0, 10)
    client = client_for(supervisor)  # type: ignore[operator]

    response = post_json(client, edit_url(film), {"moment_ids": [str(a.pk)]}, "put")

    assert response.status_code == 403
    assert client.get(edit_url(film)).status_code == 200
