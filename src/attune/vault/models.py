"""Keys and encrypted objects. Storage backends only ever hold ciphertext (see docs/vault.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CaseKey(models.Model):
    """A case's data key, wrapped by the master key. Destroying it crypto-shreds the case's media."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="vault_key")
    key_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    wrapped_key = models.BinaryField(null=True)
    master_fingerprint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    destroyed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"key for {self.case_id}"


class ObjectKind(models.TextChoices):
    UPLOAD_PART = "upload_part", "Upload part"
    ORIGINAL = "original", "Original film"
    PLAYABLE = "playable", "Playable film"
    POSTER = "poster", "Poster"
    SPRITE = "sprite", "Thumbnail sprite"
    SPRITE_INDEX = "sprite_index", "Thumbnail index"
    WAVEFORM = "waveform", "Waveform"
    CLIP = "clip", "Clip"
    STILL = "still", "Still"
    DOCUMENT = "document", "Document"


class VaultObject(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="vault_objects")
    kind = models.CharField(max_length=16, choices=ObjectKind.choices)
    storage_name = models.CharField(max_length=300, unique=True)
    wrapped_key = models.BinaryField()
    content_type = models.CharField(max_length=100, blank=True)
    plaintext_size = models.PositiveBigIntegerField(default=0)
    ciphertext_size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class DeletionReceipt(models.Model):
    """Proof of what was destroyed, when, why and by whom. Kept after the media is gone."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="deletion_receipts"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key_id = models.UUIDField(null=True, blank=True)
    object_count = models.PositiveIntegerField()
    total_bytes = models.PositiveBigIntegerField()
    items = models.JSONField(default=list, help_text="What was destroyed: id, kind, bytes.")
    scratch_dirs = models.PositiveIntegerField(
        default=0, help_text="Working folders of jobs on the case's media that were removed."
    )

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"receipt {self.pk} for {self.case_id}"


class AuditKey(models.Model):
    """The secret that keys the audit chains, wrapped by the master key (one row). The database
    holds it only in this wrapped form, so it cannot make or check an audit digest by itself."""

    name = models.CharField(max_length=16, unique=True, default="audit")
    wrapped_key = models.BinaryField()
    master_fingerprint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"audit key ({self.master_fingerprint})"
