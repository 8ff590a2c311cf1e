"""Recording safeguarding concerns: what was seen or heard, when, the action taken and who was
informed; seen by the guider, their supervisor and the service admin; flagged on the caseload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.core.errors import PermissionDenied, ServiceError
from attune.safeguarding.models import Concern
from attune.safeguarding.services import concern_amend, concern_record
from tests.conftest import ClientFor


def test_the_guider_records_a_concern_on_the_page(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    form = client.get(f"/safeguarding/cases/{case.reference}/concerns/new/")
    assert form.status_code == 200 and "cannot be edited or deleted" in form.content.decode()
    response = client.post(
        f"/safeguarding/cases/{case.reference}/concerns/new/",
        {
            "seen_or_heard": "Sam had a bruise on his cheek.",
            "happened_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "action_taken": "Spoke to the DSL at once.",
            "informed_name": "Ms Reid",
            "informed_role": "Designated safeguarding lead",
            "informed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.recorded_by, concern.informed_name) == (owner, "Ms Reid")
    event = AuditEvent.objects.get(action="safeguarding.concern_recorded")
    assert "bruise" not in str(event.details)  # the words stay out of the audit trail


def test_what_a_concern_needs(case: Case, owner: User) -> None:
    base: dict[str, Any] = {
        "actor": owner,
        "case": case,
        "seen_or_heard": "Something seen.",
        "happened_at": timezone.now(),
        "action_taken": "Told the DSL.",
    }
    with pytest.raises(ServiceError, match="what was seen or heard"):
        concern_record(**{**base, "seen_or_heard": " "})
    with pytest.raises(ServiceError, match="what action was taken"):
        concern_record(**{**base, "action_taken": ""})
    with pytest.raises(ServiceError, match="cannot be in the future"):
        concern_record(**{**base, "happened_at": timezone.now() + timedelta(hours=1)})
    with pytest.raises(ServiceError, match="name, role and date") as refused:
        concern_record(**{**base, "informed_name": "Ms Reid"})
    assert refused.value.field == "informed_role"
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("supervisor", 200),
        ("service_admin", 200),
        ("colleague", 404),
        ("outsider", 404),
    ],
)
def test_who_sees_a_concern(
    concern: Concern, who: str, status: int, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == status
    api = client.get(f"/api/cases/{concern.case.reference}/concerns")
    assert api.status_code == status
    if status == 200:
        assert api.json()[0]["seen_or_heard"].startswith("Sam said Dad shouts")
        page = client.get(f"/cases/{concern.case.reference}/").content.decode()
        assert "Sam said Dad shouts" in page


def test_the_supervisor_may_record_and_amend_the_admin_only_reads(
    case: Case, concern: Concern, supervisor: User, service_admin: User
) -> None:
    concern_amend(actor=supervisor, concern=concern, text="Discussed in supervision; DSL aware.")
    concern_record(
        actor=supervisor,
        case=case,
        seen_or_heard="In the film Sam flinched when Dad raised his hand.",
        happened_at=timezone.now() - timedelta(days=1),
        action_taken="Told the guider and the DSL.",
    )
    with pytest.raises(PermissionDenied):
        concern_amend(actor=service_admin, concern=concern, text="Admin note.")


def test_the_caseload_flags_cases_with_concerns(
    case: Case, owner: User, service_admin: User, client_for: ClientFor
) -> None:
    assert "Safeguarding concern" not in client_for(owner).get("/cases/").content.decode()
    concern_record(
        actor=owner,
        case=case,
        seen_or_heard="Something heard.",
        happened_at=timezone.now(),
        action_taken="Told the DSL.",
    )
    for user in (owner, service_admin):
        page = client_for(user).get("/cases/").content.decode()
        assert "Safeguarding concern" in page and f"/cases/{case.reference}/#safeguarding" in page
