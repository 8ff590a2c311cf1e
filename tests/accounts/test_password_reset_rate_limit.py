"""Many password reset requests for one address send at most a few mails (allauth's
ACCOUNT_RATE_LIMITS "reset_password": 3 an hour per address), wherever the requests come from."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User


def test_many_reset_requests_to_one_address_send_at_most_three_mails(owner: User) -> None:
    url = reverse("account_reset_password")
    answers = []
    for n in range(12):
        # Each from its own network address, so only the per-address limit can hold.
        response = Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(url, {"email": owner.email})
        answers.append(response.status_code)

    sent = [m for m in mail.outbox if owner.email in m.to]
    assert 1 <= len(sent) <= 3
    assert 429 in answers
