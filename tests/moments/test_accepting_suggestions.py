"""Accepting a suggestion from the moment finder makes a clip over its window with its
principles (and the behaviours its sentence names) filled in; rejecting keeps a reason; the
guider alone decides, and everyone else is refused."""

from __future__ import annotations

from typing import Any

from django.test import Client

from attune.accounts.models import User
from attune.analysis.models import Decision, Suggestion
from attune.analysis.selectors import suggestion_usefulness
from attune.audit.models import AuditEvent
from attune.films.models import Film
from attune.moments.models import Moment, Principle
from tests.conftest import ClientFor
from tests.factories import make_suggestion
from tests.moments.conftest import post_json

REASON = (
    "The child started talking at 00:01; you responded after 0.4 s and two short turns "
    "followed: receiving initiatives, giving and taking short turns"
)


def _suggestion(film: Film, **fields: Any) -> Suggestion:
    values: dict[str, Any] = {
        "end": 2.98,
        "principles": ["Receiving initiatives", "Developing attuned interactions"],
        "reason": REASON,
        **fields,
    }
    return make_suggestion(film, **values)


def accept_url(suggestion: Suggestion) -> str:
    return f"/api/suggestions/{suggestion.pk}/accept"


def test_accepting_makes_a_clip_with_its_principles(guider: Client, film: Film) -> None:
    suggestion = _suggestion(film)

    response = guider.post(accept_url(suggestion))

    assert response.status_code == 201, response.content
    body = response.json()
    # 0.5 s is frame 12 at 25 fps; the clip runs to the frame that holds 2.98 s (exclusive 75).
    assert (body["kind"], body["start_frame"], body["end_frame"]) == ("clip", 12, 75)
    names = set(Principle.objects.filter(pk__in=body["principles"]).values_list("name", flat=True))
    assert names == {"Receiving initiatives", "Developing attuned interactions"}
    moment = Moment.objects.get(pk=body["id"])
    assert [b.name for b in moment.behaviours.all()] == ["giving and taking short turns"]
    assert moment.notes == REASON
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.ACCEPTED
    assert suggestion.moment_id == moment.pk
    assert set(AuditEvent.objects.filter(case=film.case).values_list("action", flat=True)) >= {
        "suggestion.accepted",
        "moment.created",
    }
    assert suggestion_usefulness([film])["accepted"] == 1


def test_accepting_twice_gives_the_same_moment(guider: Client, film: Film) -> None:
    suggestion = _suggestion(film)
    first = guider.post(accept_url(suggestion)).json()

    again = guider.post(accept_url(suggestion))

    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Moment.objects.filter(film=film).count() == 1
    # Once that moment is deleted, accepting makes a new one.
    assert guider.delete(f"/api/moments/{first['id']}").status_code == 204
    remade = guider.post(accept_url(suggestion))
    assert remade.status_code == 201 and remade.json()["id"] != first["id"]


def test_a_reworded_principle_is_still_found(guider: Client, film: Film, owner: User) -> None:
    guider.get("/api/principles")  # the service's catalogue is seeded on first use
    receiving = Principle.objects.get(service=owner.service, name="Receiving initiatives")
    receiving.name = "Noticing and receiving"
    receiving.save()
    suggestion = _suggestion(film, principles=["Receiving initiatives"])

    body = guider.post(accept_url(suggestion)).json()

    assert body["principles"] == [receiving.pk]


def test_a_window_past_the_end_is_clamped_to_the_film(guider: Client, film: Film) -> None:
    suggestion = _suggestion(film, start=3.0, end=9.0)

    body = guider.post(accept_url(suggestion)).json()

    assert (body["start_frame"], body["end_frame"]) == (75, 100)


def test_rejecting_keeps_the_reason_and_blocks_accepting(guider: Client, film: Film) -> None:
    suggestion = _suggestion(film)

    response = post_json(
        guider, f"/api/suggestions/{suggestion.pk}/reject", {"reason": "Off camera."}
    )

    assert response.status_code == 200
    assert (response.json()["decision"], response.json()["reject_reason"]) == (
        "rejected",
        "Off camera.",
    )
    refused = guider.post(accept_url(suggestion))
    assert refused.status_code == 422
    assert "reopen" in refused.json()["error"]["message"]
    assert not Moment.objects.filter(film=film).exists()
    reopened = guider.post(f"/api/suggestions/{suggestion.pk}/reopen")
    assert reopened.json()["decision"] == "open"
    assert guider.post(accept_url(suggestion)).status_code == 201


def test_only_the_guider_decides(
    client_for: ClientFor,
    film: Film,
    colleague: User,
    supervisor: User,
    service_admin: User,
    outsider: User,
) -> None:
    suggestion = _suggestion(film)
    reject = f"/api/suggestions/{suggestion.pk}/reject"
    # The supervisor may see the suggestions (with supervision consent) but not decide.
    assert client_for(supervisor).get(f"/api/films/{film.pk}/suggestions").status_code == 200
    assert client_for(supervisor).post(accept_url(suggestion)).status_code == 403
    assert post_json(client_for(supervisor), reject, {}).status_code == 403
    # The service admin sees case records, never media or what is drawn from it.
    assert client_for(service_admin).post(accept_url(suggestion)).status_code == 403
    # A colleague and an outsider are not told the suggestion exists.
    for person in (colleague, outsider):
        assert client_for(person).post(accept_url(suggestion)).status_code == 404
        assert post_json(client_for(person), reject, {}).status_code == 404
    assert client_for(None).post(accept_url(suggestion)).status_code == 401
    suggestion.refresh_from_db()
    assert suggestion.decision == Decision.OPEN
    assert not Moment.objects.filter(film=film).exists()


def test_a_ten_second_window_stays_within_ten_seconds(guider: Client, film: Film) -> None:
    # 0.03 s to 10.03 s would be frames 0 to 251 (10.04 s) if both ends were rounded outwards;
    # the counter film is four seconds long, so give it a longer duration on paper.
    Film.objects.filter(pk=film.pk).update(duration=20.0)
    suggestion = _suggestion(film, start=0.03, end=10.03)

    body = guider.post(accept_url(suggestion)).json()

    assert body["end_frame"] - body["start_frame"] == 250
    assert body["warnings"] == []


def test_linking_a_suggestion_to_its_moment_is_audited(guider: Client, film: Film) -> None:
    suggestion = _suggestion(film)

    body = guider.post(accept_url(suggestion)).json()

    linked = AuditEvent.objects.get(action="suggestion.linked", case=film.case)
    assert linked.object_id == str(suggestion.pk)
    assert linked.details == {"moment": str(body["id"])}
