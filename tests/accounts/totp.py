"""RFC 6238 codes, computed here from the secret a page shows (independently of allauth)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time


def totp_code(secret: str, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def shown_secret(html: str) -> str:
    """The key the set-up page shows for typing into an app."""
    match = re.search(r'<code id="totp-secret"[^>]*>\s*([A-Z2-7]+)\s*</code>', html)
    assert match, "the set-up page shows no key"
    return match.group(1)
