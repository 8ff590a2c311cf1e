"""Who may see and change moments: the guider changes; the supervisor (with consent) reads;
the service admin sees no media and so no moments; nobody else knows they exist."""

from __future__ import annotations

import pytest
from django.test import Client

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import CaseState
from attune.films.models import Film
from attune.moments import services
from attune.moments.models import Moment, MomentKind
from tests.conftest import ClientFor
from tests.moments.conftest import post_json


@pytest.fixture
def moment(film: Film) -> Moment:
    return services.moment_create(
        actor=film.case.guider, film=film, kind=MomentKind.STILL, start_frame=3
    )


def test_supervisor_reads_but_does_not_write(
    client_for: ClientFor, supervisor: User, film: Film, moment: Moment
) -> None:
    client = client_for(supervisor)

    assert client.get(f"/api/films/{film.pk}/moments").status_code == 200
    assert client.get(f"/api/moments/{moment.pk}").status_code == 200
    assert (
        post_json(
            client, f"/api/films/{film.pk}/moments", {"kind": "still", "start_frame": 1}
        ).status_code
        == 403
    )
    assert (
        post_json(client, f"/api/moments/{moment.pk}", {"notes": "x"}, "patch").status_code == 403
    )
    assert client.delete(f"/api/moments/{moment.pk}").status_code == 403
    assert client.post(f"/api/moments/{moment.pk}/render").status_code == 403


def test_service_admin_sees_no_moments(
    client_for: ClientFor, service_admin: User, film: Film, moment: Moment
) -> None:
    client = client_for(service_admin)

    assert client.get(f"/api/films/{film.pk}/moments").status_code == 403
    assert client.get(f"/api/moments/{moment.pk}").status_code == 403
    assert client.get(f"/moments/films/{film.pk}/").status_code == 403


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_others_get_not_found(
    request: pytest.FixtureRequest, client_for: ClientFor, film: Film, moment: Moment, who: str
) -> None:
    client = client_for(request.getfixturevalue(who))

    assert client.get(f"/api/films/{film.pk}/moments").status_code == 404
    assert client.get(f"/api/moments/{moment.pk}").status_code == 404
    assert client.delete(f"/api/moments/{moment.pk}").status_code == 404
    assert client.get(f"/api/cycles/{film.cycle_id}/edit").status_code == 404
    assert client.get(f"/moments/films/{film.pk}/").status_code == 404


def test_a_closed_case_is_read_only(guider: Client, film: Film, moment: Moment) -> None:
    case = film.case
    case_services.case_transition(
        actor=case.guider, case=case, to_state=CaseState.WITHDRAWN, reason="Family moved away."
    )

    response = post_json(guider, f"/api/moments/{moment.pk}", {"notes": "late"}, "patch")

    assert response.status_code == 422
    assert "closed" in response.json()["error"]["message"]
