"""The demo's story reads on its own dates: a meeting forty days ago is in the trail forty days
ago, not at the minute the demo was seeded, and the chain still verifies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.audit.services import audit_verify
from attune.cases.models import Case
from attune.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_events_are_stamped_on_the_storys_dates() -> None:
    seed_demo()

    oliver = Case.objects.get(child_name="Oliver Price")
    opened = AuditEvent.objects.get(case=oliver, action="case.created")
    meeting = AuditEvent.objects.get(case=oliver, action="initial_meeting.recorded")
    today = timezone.localdate()
    assert timezone.localdate(opened.at) == today - timedelta(days=45)
    assert timezone.localdate(meeting.at) == today - timedelta(days=40)
    # In the order the story happened, and never in the future.
    story = list(AuditEvent.objects.filter(case=oliver).order_by("seq"))
    assert max(e.at for e in story) <= timezone.now()
    assert opened.at < meeting.at

    checked, problems = audit_verify()
    assert checked > 0 and problems == []
