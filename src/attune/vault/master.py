"""Reading the master key from configuration (no Django here: the settings use it to refuse a
malformed or non-random key at start-up)."""

from __future__ import annotations

import base64
import binascii

from attune.vault import crypto

__all__ = ["MasterKeyError", "parse_master_key"]


class MasterKeyError(RuntimeError):
    pass


def parse_master_key(raw: str) -> bytes:
    """A 32-byte key as 64 hex characters or (URL-safe) base64."""
    raw = raw.strip()
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        try:
            key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except (binascii.Error, ValueError) as exc:
            raise MasterKeyError("The master key must be 64 hex characters or base64.") from exc
    if len(key) != crypto.KEY_SIZE:
        raise MasterKeyError(f"The master key must be {crypto.KEY_SIZE} bytes, not {len(key)}.")
    if len(set(key)) < 8:
        # All zeros, one byte repeated, a typed pattern: not a random key.
        raise MasterKeyError("The master key is not random: make one with `attune keys rotate`.")
    return key
