"""A film of adult and child, from resumable upload to a playable, encrypted film."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class FilmStatus(models.TextChoices):
    UPLOADING = "uploading", "Uploading"
    QUEUED = "queued", "Waiting to be processed"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be processed"
    EXPIRED = "expired", "Upload not finished"


class FilmPurpose(models.TextChoices):
    """A film of the adult and child, shown back to the family, or a film of the shared review
    itself, kept for the guider's own supervision and never shown on the family's side."""

    FAMILY = "family", "Film of adult and child"
    REVIEW = "review", "Film of the shared review"


class FilmQuerySet(models.QuerySet["Film"]):
    def of_family(self) -> FilmQuerySet:
        return self.filter(purpose=FilmPurpose.FAMILY)

    def of_review(self) -> FilmQuerySet:
        return self.filter(purpose=FilmPurpose.REVIEW)


STAGE_LABELS = {
    "waiting": "Waiting to start",
    "waiting (restarted)": "Waiting to start again (the server was interrupted)",
    "starting": "Starting",
    "decrypting": "Preparing the upload",
    "make_playable": "Making the film playable",
    "poster": "Choosing a poster picture",
    "sprite": "Making thumbnails",
    "waveform": "Drawing the sound wave",
    "storing": "Encrypting and storing",
    "ready": "Ready",
}


class Film(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="films")
    cycle = models.ForeignKey("cases.Cycle", on_delete=models.PROTECT, related_name="films")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    original_filename = models.CharField(max_length=255, blank=True)
    purpose = models.CharField(
        max_length=8, choices=FilmPurpose.choices, default=FilmPurpose.FAMILY, db_index=True
    )
    status = models.CharField(
        max_length=16, choices=FilmStatus.choices, default=FilmStatus.UPLOADING
    )
    stage = models.CharField(max_length=64, blank=True)
    progress = models.FloatField(default=0.0)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Processing attempts; each claim of the job counts one."
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    pending_objects = models.JSONField(
        default=list,
        blank=True,
        help_text="Storage names a processing attempt is writing and has not yet committed.",
    )
    # Upload (resumable): size declared up front, chunks arrive in order.
    upload_size = models.PositiveBigIntegerField()
    upload_chunk_size = models.PositiveIntegerField()
    upload_received = models.PositiveBigIntegerField(default=0)
    upload_expires_at = models.DateTimeField()
    # What processing found and made.
    duration = models.FloatField(null=True, blank=True)
    fps = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_audio = models.BooleanField(default=False)
    remuxed = models.BooleanField(default=False)
    probe = models.JSONField(default=dict, blank=True)
    original = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    playable = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    poster = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sprite = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sprite_index = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    waveform = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    objects = FilmQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"film {self.id}"

    @property
    def is_review_film(self) -> bool:
        return self.purpose == FilmPurpose.REVIEW

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage.replace("_", " ").capitalize())

    @property
    def next_chunk_index(self) -> int:
        # Rounded up: once complete, the last (short) chunk counts too.
        return -(-self.upload_received // self.upload_chunk_size)

    @property
    def upload_fraction(self) -> float:
        return self.upload_received / self.upload_size if self.upload_size else 0.0


class UploadPart(models.Model):
    """One received chunk of an upload, encrypted in the vault as it landed."""

    film = models.ForeignKey(Film, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    object = models.ForeignKey("vault.VaultObject", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["film_id", "index"]
        constraints = [models.UniqueConstraint(fields=["film", "index"], name="upload_part_index")]

    def __str__(self) -> str:
        return f"part {self.index} of {self.film_id}"
