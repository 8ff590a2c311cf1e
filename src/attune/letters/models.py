"""The closing letter and traject plan: a template per service, and each case's letter as a
series of versions. A letter holds text only; stills are added to the family's copy when it is
exported, from the vault, so no picture of the child is ever kept in a letter."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attune.core.models import AppendOnlyModel


class LetterTemplate(models.Model):
    service = models.OneToOneField(
        "accounts.Service", on_delete=models.CASCADE, related_name="letter_template"
    )
    body = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"letter template of {self.service}"


class LetterState(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class Letter(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="letter")
    state = models.CharField(max_length=8, choices=LetterState.choices, default=LetterState.DRAFT)
    no_rescaling_reason = models.TextField(blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"letter for {self.case}"

    @property
    def is_final(self) -> bool:
        return self.state == LetterState.FINAL

    @property
    def current(self) -> LetterVersion | None:
        return self.versions.order_by("-number").first()


class LetterVersion(AppendOnlyModel):
    """One saved text of the letter. A correction after finalising is a version with a reason."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    reason = models.TextField(blank=True, help_text="Why a final letter was corrected.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "number"], name="letter_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.letter} v{self.number}"
