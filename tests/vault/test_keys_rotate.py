"""`attune keys rotate`: case keys are re-wrapped under a new master key, media is untouched and
still decrypts; the key file is created on first use, readable by its owner only."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.vault import crypto
from attune.vault.keys import MasterKeyError, fingerprint, master_key, rotate_master_key
from attune.vault.models import CaseKey, ObjectKind, VaultObject
from attune.vault.services import object_read_all, object_store
from attune.vault.storage import open_ciphertext, vault_storage
from tests.factories import make_ready_case

DATA = b"a film, or near enough " * 5000


@pytest.fixture(autouse=True)
def key_file(settings: SettingsWrapper) -> Iterator[Path]:
    """No master key in the environment: the key lives in a file in the data dir."""
    settings.ATTUNE_MASTER_KEY = ""
    master_key.cache_clear()
    vault_storage.cache_clear()
    yield Path(settings.ATTUNE_MASTER_KEY_FILE)
    master_key.cache_clear()


def stored_bytes(obj: VaultObject) -> bytes:
    with open_ciphertext(obj.storage_name) as fh:
        return fh.read()


def test_the_key_file_is_created_on_first_use_owner_only(key_file: Path, owner: User) -> None:
    assert not key_file.exists()

    # The first audit event (making the case) already needs the key: it keys the audit chain.
    case = make_ready_case(owner)
    obj = object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(DATA))

    assert key_file.exists()
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key_file.read_text())) == crypto.KEY_SIZE
    assert CaseKey.objects.get(case=case).master_fingerprint == fingerprint(master_key())
    assert object_read_all(obj) == DATA


def test_a_key_file_others_can_read_is_refused(key_file: Path) -> None:
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(crypto.new_key().hex())
    key_file.chmod(0o644)
    with pytest.raises(MasterKeyError, match="readable by its owner only"):
        master_key()


def test_rotate_rewraps_case_keys_and_media_still_decrypts(
    key_file: Path, case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    obj = object_store(case=case, kind=ObjectKind.PLAYABLE, src=io.BytesIO(DATA))
    old_key = master_key()
    before = CaseKey.objects.get(case=case)
    ciphertext = stored_bytes(obj)

    call_command("keys", "rotate")

    assert "Re-wrapped 1 case key(s); media untouched." in capsys.readouterr().out
    new_key = bytes.fromhex(key_file.read_text())
    assert new_key != old_key
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert not key_file.with_suffix(".new").exists()
    after = CaseKey.objects.get(case=case)
    assert after.key_id == before.key_id
    assert after.wrapped_key != before.wrapped_key
    assert after.master_fingerprint == fingerprint(new_key) != before.master_fingerprint
    # The media itself was not touched, and still decrypts.
    assert stored_bytes(obj) == ciphertext
    master_key.cache_clear()
    assert object_read_all(VaultObject.objects.get(pk=obj.pk)) == DATA
    # The old master key no longer opens the case key.
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_key(
            old_key,
            bytes(after.wrapped_key),  # type: ignore[arg-type]
            context=b"case:" + str(after.key_id).encode(),
        )


def test_rotate_to_a_given_key(key_file: Path, case: Case) -> None:
    obj = object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(DATA))
    chosen = crypto.new_key()

    call_command("keys", "rotate", "--new-key", chosen.hex())

    assert bytes.fromhex(key_file.read_text()) == chosen
    assert CaseKey.objects.get(case=case).master_fingerprint == fingerprint(chosen)
    assert object_read_all(obj) == DATA
    with pytest.raises(CommandError, match="64 hex characters"):
        call_command("keys", "rotate", "--new-key", "not-a-key")


@pytest.fixture
def key_in_environment(settings: SettingsWrapper) -> None:
    settings.ATTUNE_MASTER_KEY = crypto.new_key().hex()
    master_key.cache_clear()


def test_rotate_with_the_key_in_the_environment(
    key_in_environment: None,
    settings: SettingsWrapper,
    case: Case,
    capsys: pytest.CaptureFixture[str],
) -> None:
    obj = object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(DATA))

    call_command("keys", "rotate")

    out = capsys.readouterr().out
    new_hex = out.strip().splitlines()[-1]
    assert "Set ATTUNE_MASTER_KEY to the new key before restarting" in out
    settings.ATTUNE_MASTER_KEY = new_hex
    master_key.cache_clear()
    assert object_read_all(obj) == DATA


def test_a_running_process_picks_up_a_rotation_made_elsewhere(key_file: Path, case: Case) -> None:
    obj = object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(DATA))
    assert master_key()  # cached, as in a long-running web server or worker
    new = crypto.new_key()
    # Another process (`attune keys rotate`) re-wraps the keys and replaces the key file.
    rotate_master_key(new)
    key_file.write_text(new.hex())

    assert object_read_all(obj) == DATA
    assert master_key() == new


def test_a_rotation_is_audited_with_both_fingerprints(key_file: Path, case: Case) -> None:
    object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(DATA))
    old = bytes.fromhex(key_file.read_text())
    chosen = crypto.new_key()

    call_command("keys", "rotate", "--new-key", chosen.hex())

    event = AuditEvent.objects.get(action="vault.master_key_rotated")
    assert event.details == {
        "case_keys": 1,
        "from": fingerprint(old),
        "to": fingerprint(chosen),
    }
