"""Start-up names a wrong master key instead of failing every media request later."""

from __future__ import annotations

from pytest_django.fixtures import Settings as SettingsWrapper

from attune.cases.models import Case
from attune.vault import crypto
from attune.vault.checks import master_key_matches_the_case_keys
from attune.vault.keys import case_key_bytes, master_key


def test_the_right_key_passes(case: Case) -> None:
    case_key_bytes(case.pk)

    assert master_key_matches_the_case_keys() == []


def test_a_wrong_key_is_named_at_start_up(case: Case, settings: SettingsWrapper) -> None:
    case_key_bytes(case.pk)
    settings.ATTUNE_MASTER_KEY = crypto.new_key().hex()
    master_key.cache_clear()

    errors = master_key_matches_the_case_keys()

    assert [e.id for e in errors] == ["attune.E002"]
    assert "not the one this installation's case keys were wrapped with" in errors[0].msg


def test_a_new_installation_has_nothing_to_compare(db: None) -> None:
    assert master_key_matches_the_case_keys() == []
