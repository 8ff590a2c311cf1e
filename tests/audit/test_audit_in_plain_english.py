"""The audit trail and the case's story in plain English: every action has a name people read,
people are named (not addressed by a UUID or an email), times read "1 Dec 2026, 18:35", a run of
the same change is told once, and an avatar shows the first name's letter, not "D" for "Dr"."""

from __future__ import annotations

from attune.accounts.models import User
from attune.audit.actions import LABELS, AuditAction, action_label
from attune.audit.services import audit_record
from attune.cases.models import Case
from attune.cases.selectors import case_timeline
from tests.conftest import ClientFor
from tests.factories import UserFactory


def test_every_action_has_a_plain_english_label() -> None:
    assert set(LABELS) == set(AuditAction)
    for action, label in LABELS.items():
        assert label and label[0].isupper() and "_" not in label and "." not in label, action
    assert action_label("moment.render_requested") == "Clip or still asked for"


def test_the_audit_trail_names_people_and_actions(
    case: Case, service_admin: User, client_for: ClientFor
) -> None:
    audit_record(actor=case.guider, action=AuditAction.CONSENT_WITHDRAWN, case=case)

    page = client_for(service_admin).get("/service/audit/").content.decode()

    assert "Consent withdrawn" in page
    assert "<td>Olivia Owner</td>" in page
    assert "owner@example.org</td>" not in page


def test_the_story_tells_a_run_of_the_same_change_once(case: Case, owner: User) -> None:
    cycle = case.cycles.get(number=1)
    for _ in range(4):
        audit_record(actor=owner, action=AuditAction.CYCLE_UPDATED, case=case, obj=cycle)
    audit_record(actor=owner, action=AuditAction.MOMENT_RENDER_REQUESTED, case=case)

    story = case_timeline(case)

    assert [(e.label, e.count) for e in story[:2]] == [
        ("Clip or still asked for", 1),
        ("Cycle plan updated", 4),
    ]
    assert not [e for e in story if ":" in e.label or "_" in e.label]


def test_the_case_page_says_how_many_times(case: Case, owner: User, client_for: ClientFor) -> None:
    for _ in range(3):
        audit_record(actor=owner, action=AuditAction.MOMENT_UPDATED, case=case)

    page = client_for(owner).get(f"/cases/{case.reference}/").content.decode()

    assert page.count("<strong>Moment changed</strong>") == 1
    assert "(3 times" in page


def test_an_avatar_skips_a_title(service: object) -> None:
    doctor = UserFactory.create(service=service, full_name="Dr Amelia Hart", email="a@example.org")
    plain = UserFactory.create(service=service, full_name="Ben Ode", email="b@example.org")

    assert (doctor.initial, doctor.first_name_display) == ("A", "Amelia")
    assert plain.initial == "B"
