"""The secret that keys the audit chains. It is never stored in the database in a usable form:
the vault (a higher layer) keeps it wrapped under the master key and hands it here at start-up,
so that someone who can only write to the database cannot re-hash a chain they have rewritten."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

KeyProvider = Callable[[], bytes]
_provider: KeyProvider | None = None


def provide_audit_key(provider: KeyProvider) -> None:
    """Called once from the vault's ``AppConfig.ready``."""
    global _provider
    _provider = provider


def audit_key() -> bytes:
    if _provider is None:
        raise ImproperlyConfigured("No audit key provider: is attune.vault installed?")
    return _provider()


def derived_key(key: bytes, purpose: str) -> bytes:
    """A separate key per use (event digests, checkpoint signatures) from the one secret."""
    return hmac.new(key, b"attune-audit:" + purpose.encode(), hashlib.sha256).digest()
