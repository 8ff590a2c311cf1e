"""Audit events have one vocabulary: `AuditAction`. A free string is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.audit.services import audit_record
from attune.cases.models import Case
from attune.cases.selectors import TIMELINE_LABELS

SRC = Path(__file__).resolve().parents[2] / "src" / "attune"


def test_an_action_outside_the_enumeration_is_refused(owner: User, case: Case) -> None:
    with pytest.raises(ValueError, match="not a valid AuditAction"):
        audit_record(actor=owner, action="case.teleported", case=case)
    assert not AuditEvent.objects.filter(action="case.teleported").exists()


def test_a_member_is_recorded_under_its_name(owner: User, case: Case) -> None:
    event = audit_record(actor=owner, action=AuditAction.CASE_VIEWED, case=case)

    assert AuditEvent.objects.get(pk=event.pk).action == "case.viewed"


def test_no_code_names_an_action_as_a_free_string() -> None:
    offenders = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in SRC.rglob("*.py")
        for match in re.finditer(r'\baction=[^\n]*"[a-z_]+\.[a-z_.]+"', path.read_text())
    ]
    assert offenders == []


def test_every_story_label_names_a_real_action() -> None:
    assert set(TIMELINE_LABELS) <= {a.value for a in AuditAction}
