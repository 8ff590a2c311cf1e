"""Key hierarchy: master key wraps case keys, case keys wrap object keys."""

from __future__ import annotations

import io
import uuid

import pytest

from attune.vault.crypto import (
    KEY_SIZE,
    WRAP_VERSION,
    WRAPPED_KEY_SIZE,
    FormatError,
    IntegrityError,
    VaultError,
    case_context,
    decrypt_all,
    encrypt_stream,
    new_key,
    object_context,
    rewrap_key,
    unwrap_key,
    wrap_key,
)

CASE_ID = uuid.UUID("11111111-1111-4111-8111-111111111111")
OTHER_CASE_ID = uuid.UUID("22222222-2222-4222-8222-222222222222")
OBJECT_ID = uuid.UUID("33333333-3333-4333-8333-333333333333")


def test_new_key_is_32_random_bytes() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(len(key) == KEY_SIZE for key in keys)


def test_wrap_then_unwrap_returns_the_key() -> None:
    master, case_key = new_key(), new_key()
    wrapped = wrap_key(master, case_key, context=case_context(CASE_ID))
    assert len(wrapped) == WRAPPED_KEY_SIZE
    assert wrapped[0] == WRAP_VERSION
    assert case_key not in wrapped
    assert unwrap_key(master, wrapped, context=case_context(CASE_ID)) == case_key


def test_wrapping_twice_uses_fresh_nonces() -> None:
    master, case_key = new_key(), new_key()
    first = wrap_key(master, case_key, context=b"case:x")
    second = wrap_key(master, case_key, context=b"case:x")
    assert first != second
    assert first[1:13] != second[1:13]


def test_unwrap_with_wrong_context_fails() -> None:
    master, case_key = new_key(), new_key()
    wrapped = wrap_key(master, case_key, context=case_context(CASE_ID))
    with pytest.raises(IntegrityError):
        unwrap_key(master, wrapped, context=case_context(OTHER_CASE_ID))
    with pytest.raises(IntegrityError):
        unwrap_key(master, wrapped, context=object_context(CASE_ID))


def test_unwrap_with_wrong_key_fails() -> None:
    wrapped = wrap_key(new_key(), new_key(), context=b"case:x")
    with pytest.raises(IntegrityError):
        unwrap_key(new_key(), wrapped, context=b"case:x")


@pytest.mark.parametrize("position", range(1, WRAPPED_KEY_SIZE))
def test_tampered_wrapped_key_fails(position: int) -> None:
    master = new_key()
    wrapped = bytearray(wrap_key(master, new_key(), context=b"case:x"))
    wrapped[position] ^= 0x01
    with pytest.raises(IntegrityError):
        unwrap_key(master, bytes(wrapped), context=b"case:x")


def test_malformed_wrapped_keys_are_rejected() -> None:
    master = new_key()
    wrapped = wrap_key(master, new_key(), context=b"case:x")
    with pytest.raises(FormatError):
        unwrap_key(master, wrapped[:-1], context=b"case:x")
    with pytest.raises(FormatError):
        unwrap_key(master, b"\x02" + wrapped[1:], context=b"case:x")
    with pytest.raises(VaultError):
        unwrap_key(master[:16], wrapped, context=b"case:x")


def test_wrap_refuses_keys_of_the_wrong_size() -> None:
    with pytest.raises(VaultError):
        wrap_key(new_key(), b"short", context=b"case:x")
    with pytest.raises(VaultError):
        wrap_key(b"short", new_key(), context=b"case:x")


def test_contexts_name_the_kind_and_id() -> None:
    assert case_context(CASE_ID) == b"case:" + str(CASE_ID).encode()
    assert object_context(OBJECT_ID) == b"object:" + str(OBJECT_ID).encode()


def _store_object(case_key: bytes, data: bytes) -> tuple[bytes, bytes]:
    """Encrypt ``data`` under a fresh object key; return (wrapped object key, stored bytes)."""
    object_key = new_key()
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, object_key, OBJECT_ID, 64)
    return wrap_key(case_key, object_key, context=object_context(OBJECT_ID)), out.getvalue()


def _open_object(master: bytes, wrapped_case: bytes, wrapped_object: bytes, blob: bytes) -> bytes:
    case_key = unwrap_key(master, wrapped_case, context=case_context(CASE_ID))
    object_key = unwrap_key(case_key, wrapped_object, context=object_context(OBJECT_ID))
    return b"".join(decrypt_all(io.BytesIO(blob), object_key, object_id=OBJECT_ID))


def test_object_is_readable_through_master_case_and_object_keys() -> None:
    master, case_key = new_key(), new_key()
    wrapped_case = wrap_key(master, case_key, context=case_context(CASE_ID))
    wrapped_object, blob = _store_object(case_key, b"film" * 100)
    assert _open_object(master, wrapped_case, wrapped_object, blob) == b"film" * 100


def test_object_key_does_not_unwrap_under_another_case_key() -> None:
    case_key = new_key()
    wrapped_object, _ = _store_object(case_key, b"film")
    with pytest.raises(IntegrityError):
        unwrap_key(new_key(), wrapped_object, context=object_context(OBJECT_ID))


def test_destroyed_case_key_leaves_object_keys_unrecoverable() -> None:
    master, case_key = new_key(), new_key()
    wrapped_object, _ = _store_object(case_key, b"film")
    # Crypto-shred: replace the stored case key; the master key cannot help now.
    replacement = wrap_key(master, new_key(), context=case_context(CASE_ID))
    case_key = unwrap_key(master, replacement, context=case_context(CASE_ID))
    with pytest.raises(IntegrityError):
        unwrap_key(case_key, wrapped_object, context=object_context(OBJECT_ID))
    with pytest.raises(IntegrityError):
        unwrap_key(master, wrapped_object, context=object_context(OBJECT_ID))


def test_master_rotation_rewraps_case_keys_only() -> None:
    old_master, new_master, case_key = new_key(), new_key(), new_key()
    wrapped_case = wrap_key(old_master, case_key, context=case_context(CASE_ID))
    wrapped_object, blob = _store_object(case_key, b"film" * 50)

    rotated = rewrap_key(old_master, new_master, wrapped_case, context=case_context(CASE_ID))

    assert _open_object(new_master, rotated, wrapped_object, blob) == b"film" * 50
    with pytest.raises(IntegrityError):
        unwrap_key(old_master, rotated, context=case_context(CASE_ID))


def test_case_key_cannot_be_moved_to_another_case() -> None:
    master, case_key = new_key(), new_key()
    wrapped_case = wrap_key(master, case_key, context=case_context(CASE_ID))
    with pytest.raises(IntegrityError):
        rewrap_key(master, master, wrapped_case, context=case_context(OTHER_CASE_ID))
