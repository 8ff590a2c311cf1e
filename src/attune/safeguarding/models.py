"""Safeguarding concerns: written once, added to by amendments, never edited or removed.

They belong to the case record, not to its media, so deleting the films never touches them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from attune.core.models import AppendOnlyModel


class Concern(AppendOnlyModel):
    append_only_hint = "Add an amendment instead."
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="concerns")
    seen_or_heard = models.TextField("what was seen or heard")
    happened_at = models.DateTimeField("when it was seen or heard")
    action_taken = models.TextField("action taken")
    informed_name = models.CharField("who was informed: name", max_length=200, blank=True)
    informed_role = models.CharField("their role", max_length=200, blank=True)
    informed_on = models.DateField("date informed", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"safeguarding concern {self.pk}"


class Amendment(AppendOnlyModel):
    """Something added or corrected later, e.g. who else was told or what happened next."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField("what is added or corrected")
    informed_name = models.CharField("who was informed: name", max_length=200, blank=True)
    informed_role = models.CharField("their role", max_length=200, blank=True)
    informed_on = models.DateField("date informed", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"amendment {self.pk} to {self.concern_id}"
