"""Nobody opens more than ATTUNE_CASES_PER_DAY cases in 24 hours: the next is refused with a
clear message, on the page and through the API, and the refusal is audited."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.accounts.services import api_token_create
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from tests.conftest import ClientFor


def open_on_the_page(client: Client, name: str) -> int:
    return client.post(
        "/cases/new/", {"child_name": name, "setting": "home", "child_age_years": "4"}
    ).status_code


def test_the_case_past_the_daily_limit_is_refused_and_audited(
    owner: User, colleague: User, client_for: ClientFor, settings: SettingsWrapper
) -> None:
    settings.ATTUNE_CASES_PER_DAY = 2
    client = client_for(owner)
    assert open_on_the_page(client, "Sam") == 302
    assert open_on_the_page(client, "Alex") == 302

    refused = client.post(
        "/cases/new/", {"child_name": "Kim", "setting": "home", "child_age_years": "4"}
    )

    assert refused.status_code == 200
    assert "opened 2 cases in the last 24 hours" in refused.content.decode()
    assert Case.objects.filter(guider=owner).count() == 2
    event = AuditEvent.objects.get(action=AuditAction.CASE_LIMIT_REACHED)
    assert event.actor == owner
    assert event.details == {"limit": 2}
    # The limit is the person's, not the service's.
    assert open_on_the_page(client_for(colleague), "Kim") == 302


def test_the_limit_counts_the_last_24_hours(
    owner: User, client_for: ClientFor, settings: SettingsWrapper
) -> None:
    settings.ATTUNE_CASES_PER_DAY = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(owner)
        assert open_on_the_page(client, "Sam") == 302
        assert open_on_the_page(client, "Alex") == 200
        clock.shift(timedelta(hours=24, minutes=1))
        client = client_for(owner)
        assert open_on_the_page(client, "Alex") == 302


def test_the_api_refuses_past_the_limit_too(owner: User, settings: SettingsWrapper) -> None:
    settings.ATTUNE_CASES_PER_DAY = 1
    _token, secret = api_token_create(actor=owner, user=owner, name="x", scope="write")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    body = {"child_name": "Sam", "child_age_years": 4, "adults": []}

    assert api.post("/api/cases", body, content_type="application/json").status_code == 201
    refused = api.post("/api/cases", body, content_type="application/json")

    assert refused.status_code == 422
    assert "the most allowed" in refused.json()["error"]["message"]
    assert AuditEvent.objects.filter(action=AuditAction.CASE_LIMIT_REACHED, actor=owner).exists()
