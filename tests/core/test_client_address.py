"""Whose address the audit trail records and sign-in lockouts count: X-Forwarded-For only from a
trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.core import middleware
from attune.core.middleware import client_ip


@pytest.fixture(autouse=True)
def _fresh(settings: SettingsWrapper) -> None:
    middleware._networks.cache_clear()


def ip(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(request)


def test_without_trusted_proxies_the_header_is_ignored(settings: SettingsWrapper) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = []

    assert ip("198.51.100.9", "203.0.113.5") == "198.51.100.9"


def test_from_a_trusted_proxy_the_first_untrusted_hop_counts(settings: SettingsWrapper) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = ["10.0.0.0/8"]

    # A client's own X-Forwarded-For comes first; the proxies append what they saw.
    assert ip("10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.7") == "203.0.113.5"
    assert ip("10.0.0.2") == "10.0.0.2"
    assert ip("10.0.0.2", "not-an-address") == "10.0.0.2"


def test_an_untrusted_sender_cannot_choose_its_address(settings: SettingsWrapper) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert ip("198.51.100.9", "10.0.0.3") == "198.51.100.9"


def test_a_sign_in_lockout_counts_the_real_address(db: None, settings: SettingsWrapper) -> None:
    from axes.helpers import get_client_ip_address

    settings.ATTUNE_TRUSTED_PROXIES = []
    request = RequestFactory().get(
        "/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.77"
    )

    assert get_client_ip_address(request) == "198.51.100.9"
