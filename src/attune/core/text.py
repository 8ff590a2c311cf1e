"""One place that keeps invisible control characters out of everything Attune stores as text.

NUL cannot be stored by PostgreSQL and truncates strings in C tools; the bidirectional controls
(right-to-left override and its kin) make a name display differently from what it is, e.g. a
child's name or a file name that reads backwards. Every ``CharField``/``TextField`` of an Attune
model is cleaned just before it is saved, whichever way the value came in (page, API, command,
service), so no form or schema has to remember to."""

from __future__ import annotations

import re
from typing import Any

from django.db import models

# C0 controls except tab, newline and carriage return; DEL; the bidi embeddings, overrides and
# isolates, and the invisible direction marks.
UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)

# Audit events are hashed as they are written: cleaning them after hashing would break the chain
# (their text comes from records that were already cleaned).
EXEMPT_APPS = frozenset({"audit"})


def clean_text(value: str) -> str:
    return UNSAFE_CHARACTERS.sub("", value)


def clean_model_text(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """A ``pre_save`` receiver for every model."""
    meta = sender._meta
    if not sender.__module__.startswith("attune.") or meta.app_label in EXEMPT_APPS:
        return
    for field in meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and UNSAFE_CHARACTERS.search(value):
                setattr(instance, field.attname, clean_text(value))
