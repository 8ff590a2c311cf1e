"""The presentation shows the edit and nothing of the analyst's workspace; the guider's panel
shows the review questions and principles; withdrawal of filming consent stops the next fetch."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.services import consent_withdraw
from attune.moments.models import Render
from tests.conftest import ClientFor
from tests.reviews.helpers import edit_with, start_cycles

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewing(case: Case) -> Case:
    case = start_cycles(case)
    edit_with(case, clips=0, stills=2)
    return case


def test_the_presentation_has_no_workspace_content(
    reviewing: Case, client_for: ClientFor, owner: User
) -> None:
    cycle = reviewing.cycles.get(number=1)
    html = client_for(owner).get(f"/reviews/cycles/{cycle.pk}/present").content.decode()
    assert "/moments/renders/" in html  # the stills, through the permission-checked stream
    for private in (
        "What do you see Sam doing",
        "Guider's private note",
        "Receiving initiatives",
        "timeline",
    ):
        assert private not in html
    guide = client_for(owner).get(f"/reviews/cycles/{cycle.pk}/guide").content.decode()
    assert "What do you see Sam doing here (1)?" in guide
    assert "Receiving initiatives" in guide
    assert "/moments/renders/" not in guide


def test_service_admins_do_not_see_the_presentation(
    reviewing: Case, client_for: ClientFor, service_admin: User, outsider: User
) -> None:
    cycle = reviewing.cycles.get(number=1)
    assert client_for(service_admin).get(f"/reviews/cycles/{cycle.pk}/present").status_code == 403
    assert client_for(outsider).get(f"/reviews/cycles/{cycle.pk}/present").status_code == 404


def test_withdrawing_filming_consent_makes_the_next_fetch_fail_with_the_reason(
    reviewing: Case, client_for: ClientFor, owner: User
) -> None:
    cycle = reviewing.cycles.get(number=1)
    client = client_for(owner)
    assert client.get(f"/reviews/cycles/{cycle.pk}/check").json() == {"ok": True}
    record = reviewing.consents.latest("created_at")
    consent_withdraw(
        actor=owner, record=record, scopes=["filming"], asked_by="Jo Carter", channel="phone"
    )
    check = client.get(f"/reviews/cycles/{cycle.pk}/check")
    assert check.status_code == 410
    assert "withdrawn" in check.json()["reason"]
    render = Render.objects.filter(moment__film__case=reviewing).first()
    assert render is not None
    assert client.get(f"/moments/renders/{render.pk}/jpeg").status_code == 410
    page = client.get(f"/reviews/cycles/{cycle.pk}/present").content.decode()
    assert "Filming consent has been withdrawn" in page and "/moments/renders/" not in page


def test_a_supervisor_sees_the_presentation_only_with_supervision_consent(
    reviewing: Case, client_for: ClientFor, owner: User, supervisor: User
) -> None:
    cycle = reviewing.cycles.get(number=1)
    client = client_for(supervisor)
    assert client.get(f"/reviews/cycles/{cycle.pk}/present").status_code == 200
    consent_withdraw(
        actor=owner,
        record=reviewing.consents.latest("created_at"),
        scopes=["supervision"],
        asked_by="Jo Carter",
        channel="phone",
    )
    assert client.get(f"/reviews/cycles/{cycle.pk}/present").status_code == 403
    assert client.get(f"/reviews/cycles/{cycle.pk}/guide").status_code == 403
    # The review's words are a case record: the supervisor still reads them, never writes.
    assert client.get(f"/reviews/cycles/{cycle.pk}/").status_code == 200
