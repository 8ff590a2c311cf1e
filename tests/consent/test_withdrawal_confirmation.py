"""Withdrawing consent: the form opens with nothing ticked, and withdrawing filming first shows
what will be destroyed, counted, and destroys nothing until the guider confirms."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import ConsentRecord, ConsentWithdrawal, MediaDeletion
from attune.consent.selectors import MediaState, media_state
from attune.films.models import Film
from attune.moments.models import Moment, MomentKind
from attune.retention.selectors import media_inventory
from attune.vault.models import VaultObject
from tests.conftest import ClientFor
from tests.consent.helpers import ALL_SCOPES, poster_only_film, sign

ANSWERS = {
    "scopes": ["filming"],
    "asked_by": "Jo Carter",
    "channel": "phone",
    "asked_on": "2020-01-01",
}


def _moments(film: Film, kinds: list[str]) -> None:
    for i, kind in enumerate(kinds):
        Moment.objects.create(
            film=film,
            kind=kind,
            start_frame=i * 10,
            end_frame=i * 10 + (1 if kind == MomentKind.STILL else 5),
            created_by=film.uploaded_by,
        )


@pytest.fixture
def filmed(agreed: Case) -> ConsentRecord:
    """Two films, three clips and a still, and one drawn signature."""
    record = sign(agreed, agreed.adults.get(), ALL_SCOPES, method="drawn")
    first, second = poster_only_film(agreed), poster_only_film(agreed)
    _moments(first, [MomentKind.CLIP, MomentKind.CLIP, MomentKind.STILL])
    _moments(second, [MomentKind.CLIP])
    return record


def url(record: ConsentRecord) -> str:
    return f"/consent/records/{record.pk}/withdraw/"


def test_the_form_opens_with_nothing_ticked(filmed: ConsentRecord, client_for: ClientFor) -> None:
    page = client_for(filmed.case.guider).get(url(filmed)).content.decode()

    assert 'name="scopes" value="filming"' in page
    assert "checked" not in page.split('name="scopes"', 1)[1].split("</fieldset>", 1)[0]


def test_the_counts_come_from_what_the_case_holds(filmed: ConsentRecord) -> None:
    inventory = media_inventory(filmed.case)

    assert (inventory.films, inventory.clips, inventory.stills) == (2, 3, 1)
    assert inventory.signatures == 1
    assert inventory.text == "2 films, 3 clips, 1 still and 1 signed consent image"


def test_withdrawing_filming_names_the_counts_and_destroys_nothing_until_confirmed(
    filmed: ConsentRecord, client_for: ClientFor
) -> None:
    case = filmed.case
    client = client_for(case.guider)
    objects = VaultObject.objects.filter(case=case).count()

    response = client.post(url(filmed), ANSWERS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This deletes 2 films, 3 clips, 1 still and 1 signed consent image" in page
    assert 'name="confirm" value="destroy"' in page
    assert 'type="hidden" name="asked_by" value="Jo Carter"' in page
    # Nothing has happened yet: no withdrawal, no lock, every object still stored.
    assert not ConsentWithdrawal.objects.filter(record=filmed).exists()
    assert not MediaDeletion.objects.filter(case=case).exists()
    assert media_state(case) == MediaState.AVAILABLE
    assert VaultObject.objects.filter(case=case).count() == objects

    # Going back keeps the answers and still withdraws nothing.
    back = client.post(url(filmed), {**ANSWERS, "back": "1"}).content.decode()
    assert 'value="Jo Carter"' in back and "Record the withdrawal" in back
    assert not ConsentWithdrawal.objects.filter(record=filmed).exists()

    confirmed = client.post(url(filmed), {**ANSWERS, "confirm": "destroy"})

    assert confirmed.status_code == 302
    assert ConsentWithdrawal.objects.get(record=filmed).scopes == ["filming"]
    assert media_state(case) != MediaState.AVAILABLE


def test_withdrawing_only_supervision_needs_no_confirmation(
    filmed: ConsentRecord, client_for: ClientFor
) -> None:
    response = client_for(filmed.case.guider).post(
        url(filmed), {**ANSWERS, "scopes": ["supervision"]}
    )

    assert response.status_code == 302
    assert ConsentWithdrawal.objects.get(record=filmed).scopes == ["supervision"]
    assert media_state(filmed.case) == MediaState.AVAILABLE


def test_nothing_ticked_is_refused_in_attunes_words(
    filmed: ConsentRecord, client_for: ClientFor
) -> None:
    response = client_for(filmed.case.guider).post(url(filmed), {**ANSWERS, "scopes": []})

    assert response.status_code == 200
    assert not ConsentWithdrawal.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "colleague", "supervisor", "service_admin"])
def test_only_the_guider_sees_the_confirmation(
    filmed: ConsentRecord, client_for: ClientFor, request: pytest.FixtureRequest, who: str
) -> None:
    user: User = request.getfixturevalue(who)

    response = client_for(user).post(url(filmed), ANSWERS)

    assert response.status_code == (404 if who in {"outsider", "colleague"} else 403)
    assert b"2 films" not in response.content
    assert not ConsentWithdrawal.objects.exists()
