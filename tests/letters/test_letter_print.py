"""The print-ready letter: the family's copy shows the chosen stills through the permission-checked
stream, only with stills consent; the service's record never does; each copy made is audited."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.letters import services
from tests.conftest import ClientFor
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db


def _drafted(case: Case, *, stills_consent: bool) -> Case:
    case = start_cycles(case, stills_consent=stills_consent)
    edit_with(case)
    complete_review(case, case.cycles.get(number=1), words="She waited for me.")
    services.letter_draft(actor=case.guider, case=case)
    return case


def test_the_family_copy_shows_stills_and_the_record_does_not(
    case: Case, client_for: ClientFor, owner: User, supervisor: User
) -> None:
    case = _drafted(case, stills_consent=True)
    client = client_for(owner)
    family = client.get(f"/letters/cases/{case.reference}/print?copy=family").content.decode()
    assert "She waited for me." in family
    assert family.count('<img src="/moments/renders/') == 1
    record = client.get(f"/letters/cases/{case.reference}/print?copy=record").content.decode()
    assert "<img" not in record
    assert AuditEvent.objects.filter(action="letter.exported", case=case).count() == 2
    assert client_for(supervisor).get(f"/letters/cases/{case.reference}/print").status_code == 403


def test_without_stills_consent_the_family_copy_has_no_pictures(
    case: Case, client_for: ClientFor, owner: User
) -> None:
    case = _drafted(case, stills_consent=False)
    client = client_for(owner)
    family = client.get(f"/letters/cases/{case.reference}/print?copy=family").content.decode()
    assert "<img" not in family
    page = client.get(f"/letters/cases/{case.reference}/").content.decode()
    assert "Jo Carter has not agreed to the family keeping stills." in page
