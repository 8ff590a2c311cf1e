"""A supervisor sees a case's films only while every adult's consent to supervision use is in
force; withdrawing it ends their access at once. A service admin never sees films."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.cases.selectors import Access
from attune.consent.models import Scope, WithdrawalChannel
from attune.consent.services import consent_withdraw
from attune.films.selectors import may_see_media
from tests.conftest import ClientFor
from tests.consent.helpers import poster_only_film, sign
from tests.factories import add_adult


def poster(client_for: ClientFor, user: User, film_id: object) -> int:
    return client_for(user).get(f"/films/{film_id}/media/poster").status_code


def test_supervisor_needs_supervision_consent_from_every_adult(
    agreed: Case, owner: User, supervisor: User, client_for: ClientFor
) -> None:
    jo = agreed.adults.get()
    pat = add_adult(agreed, name="Pat Carter", relationship="father")
    sign(agreed, jo, [Scope.FILMING, Scope.SUPERVISION])
    sign(agreed, pat, [Scope.FILMING])
    film = poster_only_film(agreed)

    assert poster(client_for, owner, film.pk) == 200
    assert poster(client_for, supervisor, film.pk) == 403
    page = client_for(supervisor).get(f"/films/{film.pk}/").content.decode()
    assert "<video" not in page

    sign(agreed, pat, [Scope.FILMING, Scope.SUPERVISION])
    assert poster(client_for, supervisor, film.pk) == 200


def test_withdrawing_supervision_ends_access_at_once(
    agreed: Case, owner: User, supervisor: User, client_for: ClientFor
) -> None:
    record = sign(agreed, agreed.adults.get(), [Scope.FILMING, Scope.SUPERVISION])
    film = poster_only_film(agreed)
    assert poster(client_for, supervisor, film.pk) == 200

    consent_withdraw(
        actor=owner,
        record=record,
        scopes=[Scope.SUPERVISION],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.IN_PERSON,
    )
    assert poster(client_for, supervisor, film.pk) == 403
    assert poster(client_for, owner, film.pk) == 200  # filming consent still stands


@pytest.mark.parametrize(
    ("who", "status"), [("service_admin", 403), ("colleague", 404), ("outsider", 404)]
)
def test_others_never_see_media_even_with_every_consent(
    agreed: Case, who: str, status: int, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    sign(agreed, agreed.adults.get())
    film = poster_only_film(agreed)
    assert poster(client_for, request.getfixturevalue(who), film.pk) == status


def test_without_the_case_a_supervisor_is_refused(agreed: Case) -> None:
    sign(agreed, agreed.adults.get())
    assert may_see_media(Access.SUPERVISOR, agreed)
    assert not may_see_media(Access.SUPERVISOR)
    assert may_see_media(Access.GUIDER)
    assert not may_see_media(Access.ADMIN, agreed)
