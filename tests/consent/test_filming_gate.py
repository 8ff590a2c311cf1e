"""No film without written consent: filming needs consent in force from every adult on the case,
enforced in the service, so the page, the API and the command line all obey."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import Scope, WithdrawalChannel
from attune.consent.services import consent_withdraw
from attune.core.errors import ServiceError
from attune.films import services as film_services
from tests.conftest import ClientFor
from tests.consent.helpers import sign
from tests.factories import add_adult


def start(case: Case) -> object:
    return film_services.film_upload_start(
        actor=case.guider, case=case, cycle=case.cycles.get(number=1), filename="a.mp4", size=10
    )


def start_via_api(client_for: ClientFor, case: Case) -> tuple[int, dict]:
    response = client_for(case.guider).post(
        f"/api/cases/{case.reference}/cycles/1/films",
        {"filename": "a.mp4", "size": 10},
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_upload_is_refused_until_every_adult_consents_to_filming(
    agreed: Case, client_for: ClientFor
) -> None:
    jo = agreed.adults.get()
    pat = add_adult(agreed, name="Pat Carter", relationship="father")

    with pytest.raises(ServiceError, match="Record Jo Carter's consent to filming"):
        start(agreed)

    # Jo agrees to everything but filming; Pat agrees to filming.
    sign(agreed, jo, [Scope.SUPERVISION, Scope.TRAINING])
    sign(agreed, pat, [Scope.FILMING])
    assert not film_services.case_may_film(agreed)
    status, body = start_via_api(client_for, agreed)
    assert status == 422
    assert body["error"]["message"] == "Record Jo Carter's consent to filming."

    sign(agreed, jo, [Scope.FILMING, Scope.SUPERVISION, Scope.TRAINING])
    assert film_services.case_may_film(agreed)
    status, body = start_via_api(client_for, agreed)
    assert status == 201, body


def test_the_cycle_page_offers_the_uploader_only_with_consent(
    agreed: Case, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    page = client.get(f"/cases/{agreed.reference}/cycles/1/").content.decode()
    assert "data-uploader" not in page
    assert "Record Jo Carter&#x27;s consent to filming." in page

    sign(agreed, agreed.adults.get(), [Scope.FILMING])
    page = client.get(f"/cases/{agreed.reference}/cycles/1/").content.decode()
    assert "data-uploader" in page


def test_withdrawn_filming_consent_stops_uploads_and_further_chunks(
    agreed: Case, owner: User
) -> None:
    record = sign(agreed, agreed.adults.get(), [Scope.FILMING, Scope.SUPERVISION])
    film = start(agreed)
    consent_withdraw(
        actor=owner,
        record=record,
        scopes=[Scope.FILMING],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.LETTER,
    )
    with pytest.raises(ServiceError, match="Filming consent was withdrawn"):
        start(agreed)
    with pytest.raises(ServiceError, match="Filming consent was withdrawn"):
        film_services.film_upload_chunk(actor=owner, film=film, index=0, data=b"x" * 10)  # type: ignore[arg-type]


def test_a_new_adult_without_consent_stops_filming(agreed: Case) -> None:
    sign(agreed, agreed.adults.get(), [Scope.FILMING])
    assert film_services.case_may_film(agreed)
    add_adult(agreed, name="Sam's gran", relationship="grandmother")
    assert film_services.filming_blockers(agreed) == ["Record Sam's gran's consent to filming."]


def test_the_state_still_matters(case: Case) -> None:
    sign(case, case.adults.get(), [Scope.FILMING])  # consent at the initial meeting
    assert film_services.filming_blockers(case) == [
        "Films can be added once the work is agreed and until it starts closing "
        "(this case is referred)."
    ]
