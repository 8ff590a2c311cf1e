"""Micro-analysis: the service's catalogue of principles, the moments a guider marks on a film,
the edit (the ordered moments chosen for the shared review) and the clips and stills rendered
from them."""

from __future__ import annotations

import uuid
from fractions import Fraction

from django.conf import settings
from django.db import models

from attune.moments import timecode


class Principle(models.Model):
    """A principle of attuned interaction and guidance, as one service words it."""

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="principles"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "position"], name="principle_position"),
        ]

    def __str__(self) -> str:
        return self.name


class Behaviour(models.Model):
    """One of a principle's behaviours, e.g. "waiting" under "Encouraging initiatives"."""

    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="behaviours")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["principle_id", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class MomentKind(models.TextChoices):
    CLIP = "clip", "Clip"
    STILL = "still", "Still"


class Focus(models.TextChoices):
    ADULT = "adult", "The adult"
    CHILD = "child", "The child"
    BOTH = "both", "Both"


class Moment(models.Model):
    """A clip (frames ``[start_frame, end_frame)``) or a still (one frame) of a film."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    film = models.ForeignKey("films.Film", on_delete=models.CASCADE, related_name="moments")
    kind = models.CharField(max_length=8, choices=MomentKind.choices)
    start_frame = models.PositiveIntegerField()
    end_frame = models.PositiveIntegerField(help_text="The first frame after the moment.")
    principles = models.ManyToManyField(Principle, blank=True, related_name="moments")
    behaviours = models.ManyToManyField(Behaviour, blank=True, related_name="moments")
    notes = models.TextField(blank=True, help_text="The guider's own notes.")
    question = models.TextField(blank=True, help_text="A question to ask in the shared review.")
    focus = models.CharField(max_length=8, choices=Focus.choices, blank=True)
    for_training = models.BooleanField(
        default=False,
        help_text="Marked for use in training or teaching (needs every adult's training consent).",
    )
    #: Place in the cycle's edit (0 first); null when the moment is not in the edit.
    edit_position = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["film_id", "start_frame", "end_frame", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_frame__gt=models.F("start_frame")),
                name="moment_has_frames",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at frame {self.start_frame}"

    @property
    def rate(self) -> Fraction:
        return timecode.frame_rate(self.film.fps or 25.0)

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame

    @property
    def start(self) -> float:
        return timecode.frame_start(self.start_frame, self.rate)

    @property
    def end(self) -> float:
        return timecode.frame_start(self.end_frame, self.rate)

    @property
    def duration(self) -> float:
        return float(Fraction(self.frames) / self.rate)


class RenderStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Render(models.Model):
    """A moment rendered to files: an H.264 MP4 for a clip, a PNG and a JPEG for a still.

    The frames are copied from the moment when the render is asked for; a render whose frames
    no longer match its moment is out of date and is removed when the moment changes.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    moment = models.ForeignKey(Moment, on_delete=models.CASCADE, related_name="renders")
    kind = models.CharField(max_length=8, choices=MomentKind.choices)
    start_frame = models.PositiveIntegerField()
    end_frame = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    #: How a clip was made: "copy" (stream copy from a key frame) or "encode" (x264).
    method = models.CharField(max_length=8, blank=True)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    video = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    png = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    jpeg = models.ForeignKey(
        "vault.VaultObject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"render {self.id} of {self.moment_id}"

    @property
    def formats(self) -> list[str]:
        """The file formats this render has ready, e.g. ["mp4"] or ["png", "jpeg"]."""
        names = {"mp4": self.video_id, "png": self.png_id, "jpeg": self.jpeg_id}
        return [name for name, object_id in names.items() if object_id is not None]
