"""Consent: versioned forms, what each adult agreed to, withdrawals, and the end of the media.

A signed record never changes. Withdrawing is a new row that names the scopes withdrawn, so the
history of what was agreed, when, and when it stopped is kept whole.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from attune.core.models import AppendOnlyModel


class Scope(models.TextChoices):
    """What an adult can agree to, each its own opt-in."""

    FILMING = "filming", "Filming"
    SUPERVISION = "supervision", "Use in supervision"
    TRAINING = "training", "Use in training and teaching"
    STILLS = "stills", "Keeping stills for the family"


SCOPE_ORDER = [Scope.FILMING, Scope.SUPERVISION, Scope.TRAINING, Scope.STILLS]


class ConsentForm(models.Model):
    """A service's consent form. Its wording lives in versions; editing adds a version."""

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.PROTECT, related_name="consent_forms"
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="consent_form_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> ConsentFormVersion | None:
        return self.versions.order_by("-number").first()


class ConsentFormVersion(AppendOnlyModel):
    """The exact words an adult saw when they signed. Never edited once written."""

    form = models.ForeignKey(ConsentForm, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField()
    scope_texts = models.JSONField(help_text="The wording of each scope, by scope name.")
    closing = models.TextField(help_text="Withdrawal, keeping and safeguarding, in plain words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["form_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="consent_form_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"

    def scope_items(self) -> list[tuple[str, str, str]]:
        """(scope, label, wording) in the order the form shows them."""
        labels = dict(Scope.choices)
        return [(s.value, labels[s], self.scope_texts.get(s.value, "")) for s in SCOPE_ORDER]


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "Signed on screen"
    TYPED = "typed", "Typed full name"
    PAPER = "paper", "Signed paper form"


class ConsentRecord(AppendOnlyModel):
    """One adult's signed consent. A later record for the same adult replaces it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    adult = models.ForeignKey("cases.Adult", on_delete=models.PROTECT, related_name="consents")
    form_version = models.ForeignKey(
        ConsentFormVersion, on_delete=models.PROTECT, related_name="records"
    )
    scopes = models.JSONField(help_text="The scopes agreed to.")
    method = models.CharField(max_length=8, choices=SignatureMethod.choices)
    typed_name = models.CharField(max_length=200, blank=True)
    confirmed = models.BooleanField(
        default=False, help_text="The adult ticked that their typed name is their signature."
    )
    # Ids, not foreign keys: the vault object goes when the case's media is destroyed, and the
    # record (which never changes) still says what was signed and its fingerprint.
    document_id = models.UUIDField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    signed_on = models.DateField()
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    child_view = models.TextField("the child's own view", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "created_at"]

    def __str__(self) -> str:
        return f"consent of {self.adult_id} ({', '.join(self.scopes)})"


class WithdrawalChannel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    LETTER = "letter", "By letter"
    MESSAGE = "message", "By text message"
    OTHER = "other", "Another way"


class ConsentWithdrawal(AppendOnlyModel):
    """Scopes withdrawn from a record: who asked, how and when, recorded by the guider."""

    record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="withdrawals")
    scopes = models.JSONField()
    asked_by = models.CharField("who asked", max_length=200)
    channel = models.CharField("how they asked", max_length=16, choices=WithdrawalChannel.choices)
    asked_on = models.DateField("when they asked")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"withdrawal of {', '.join(self.scopes)} from {self.record_id}"

    @property
    def scope_labels(self) -> str:
        """e.g. "filming and use in supervision"."""
        labels = dict(Scope.choices)
        words = [labels[s].lower() for s in SCOPE_ORDER if s.value in self.scopes]
        return (
            " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)
        )


class DeletionReason(models.TextChoices):
    WITHDRAWAL = "withdrawal", "Filming consent withdrawn"
    RETENTION = "retention", "End of the retention period"


class DeletionStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the case to close"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class MediaDeletion(models.Model):
    """A planned crypto-shred of a case's media: at once after a withdrawal of filming consent
    (the media is locked meanwhile), or when the retention period after closure ends."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="media_deletions")
    reason = models.CharField(max_length=16, choices=DeletionReason.choices)
    status = models.CharField(max_length=16, choices=DeletionStatus.choices)
    withdrawal = models.ForeignKey(
        ConsentWithdrawal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    scheduled_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(
        null=True, blank=True, help_text="From this moment nobody can watch the media."
    )
    done_at = models.DateTimeField(null=True, blank=True)
    receipt = models.ForeignKey(
        "vault.DeletionReceipt", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="media_deletion_due")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.case_id} ({self.status})"
