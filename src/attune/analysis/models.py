"""Per-film analysis (speech and face tracks) and the suggestions it proposed, with the
guider's decision on each kept so a service can see how useful suggestions are."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AnalysisStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be analysed"
    RUNNING = "running", "Analysing"
    DONE = "done", "Analysed"
    FAILED = "failed", "Could not be analysed"


class FilmAnalysis(models.Model):
    """One row per film: the engine's result (tracks, turns, notes) as JSON."""

    film = models.OneToOneField("films.Film", on_delete=models.CASCADE, related_name="analysis")
    status = models.CharField(
        max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.QUEUED
    )
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    #: The engine's full result (``AnalysisResult.to_dict()``): speech, turns, faces, notes...
    result = models.JSONField(default=dict, blank=True)
    #: Speaker relabelling the guider made (kept so it can be shown and undone).
    labels = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"analysis of {self.film_id}"

    @property
    def notes(self) -> list[str]:
        return list(self.result.get("notes", [])) if isinstance(self.result, dict) else []


class Decision(models.TextChoices):
    OPEN = "open", "Not decided"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Suggestion(models.Model):
    """A candidate moment the analysis proposed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    film = models.ForeignKey("films.Film", on_delete=models.CASCADE, related_name="suggestions")
    analysis = models.ForeignKey(FilmAnalysis, on_delete=models.CASCADE, related_name="suggestions")
    rank = models.PositiveSmallIntegerField()
    start = models.FloatField()
    end = models.FloatField()
    score = models.FloatField()
    principles = models.JSONField(default=list)
    reason = models.TextField()
    kind = models.CharField(max_length=16, default="response")
    #: How sure the analysis is (0-1); empty for suggestions made before it was measured.
    confidence = models.FloatField(null=True, blank=True)
    #: False once a relabelling replaced it (kept when decided, for the usefulness figures).
    current = models.BooleanField(default=True)
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    #: The moment made from it (set by the editor once the moment exists).
    moment_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["film_id", "rank"]
        indexes = [models.Index(fields=["film", "current", "rank"])]

    def __str__(self) -> str:
        return f"suggestion {self.rank} of {self.film_id}"
