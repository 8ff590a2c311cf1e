"""Start-up check: the master key in use is the one the case keys were wrapped with.

A wrong key (a typo in the deployment, the key of another installation) would otherwise start
Attune normally and then fail every media request. Each case key records the fingerprint of the
master key that wrapped it, so the mismatch can be named before anyone signs in.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register
from django.db import DatabaseError


@register()
def master_key_matches_the_case_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from attune.vault.keys import MasterKeyError, fingerprint, master_key
    from attune.vault.models import CaseKey

    try:
        recorded = set(
            CaseKey.objects.filter(destroyed_at__isnull=True)
            .exclude(master_fingerprint="")
            .values_list("master_fingerprint", flat=True)
            .distinct()[:10]
        )
    except DatabaseError:
        return []  # not migrated yet: nothing has been wrapped
    if not recorded:
        return []
    try:
        current = fingerprint(master_key())
    except (MasterKeyError, OSError) as exc:
        return [Error(f"The master key cannot be read: {exc}", id="attune.E001")]
    if current not in recorded:
        return [
            Error(
                "The master key is not the one this installation's case keys were wrapped with "
                f"(its fingerprint is {current}; the case keys expect "
                f"{', '.join(sorted(recorded))}). Set ATTUNE_MASTER_KEY to the right key.",
                id="attune.E002",
            )
        ]
    return []
