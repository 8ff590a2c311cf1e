"""Supervision: comments pinned to a time in a film, the supervision log, the road to
accreditation (targets, transition meetings, sign-offs, self-evaluations) and notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from attune.core.models import TimeStampedModel


class Comment(TimeStampedModel):
    """One message in a thread pinned to a time in a film (and, where it was made there, a
    moment). A thread is its first comment; replies point to it through ``thread``."""

    film = models.ForeignKey(
        "films.Film", on_delete=models.CASCADE, related_name="supervision_comments"
    )
    moment = models.ForeignKey(
        "moments.Moment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_comments",
    )
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    at_seconds = models.FloatField(validators=[MinValueValidator(0)])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment at {self.at_seconds:.1f} s"

    @property
    def root(self) -> Comment:
        return self.thread or self


class Notification(models.Model):
    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    REMOTE = "remote", "Remote (video call)"


class SupervisionSession(TimeStampedModel):
    """A supervision session, written by either side and confirmed by the supervisor. Only
    confirmed sessions count towards accreditation."""

    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sessions_supervised"
    )
    held_on = models.DateField("date")
    minutes = models.PositiveIntegerField(
        "length (minutes)", validators=[MinValueValidator(5), MaxValueValidator(8 * 60)]
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.REMOTE)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+")
    clips = models.ManyToManyField("moments.Moment", blank=True, related_name="+")
    notes = models.TextField(blank=True)
    actions = models.TextField("agreed actions", blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Supervision on {self.held_on}"

    @property
    def hours(self) -> float:
        return self.minutes / 60


class RecordKind(models.TextChoices):
    TRANSITION_MEETING = "transition_meeting", "Transition meeting"
    ACCREDITATION_MEETING = "accreditation_meeting", "Accreditation meeting"
    SIGN_OFF = "sign_off", "Stage signed off"


STAGES = [(1, "Stage 1"), (2, "Stage 2"), (3, "Stage 3")]


class StageRecord(TimeStampedModel):
    """A step on the road: a transition meeting, the accreditation meeting, or the supervisor's
    sign-off of a stage."""

    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stage_records"
    )
    stage = models.PositiveSmallIntegerField(choices=STAGES)
    kind = models.CharField(max_length=32, choices=RecordKind.choices)
    held_on = models.DateField("date")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (stage {self.stage})"


class EvaluationKind(models.TextChoices):
    SELF_EVALUATION = "self_evaluation", "Self-evaluation"
    REFLECTIVE_STATEMENT = "reflective_statement", "Reflective statement"


class SelfEvaluation(TimeStampedModel):
    service = models.ForeignKey("accounts.Service", on_delete=models.CASCADE, related_name="+")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_evaluations"
    )
    stage = models.PositiveSmallIntegerField(choices=STAGES)
    kind = models.CharField(
        max_length=32, choices=EvaluationKind.choices, default=EvaluationKind.SELF_EVALUATION
    )
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (stage {self.stage})"


class AccreditationTargets(models.Model):
    """The VIGuk route as this service counts it. Each stage's figures are *further* to the
    stage before (stage 2's 9 cycles come after stage 1's 6)."""

    service = models.OneToOneField(
        "accounts.Service", on_delete=models.CASCADE, related_name="accreditation_targets"
    )
    stage1_cycles = models.PositiveSmallIntegerField("stage 1: cycles", default=6)
    stage1_clients = models.PositiveSmallIntegerField("stage 1: clients", default=2)
    stage1_hours = models.PositiveSmallIntegerField("stage 1: supervision hours", default=7)
    stage2_cycles = models.PositiveSmallIntegerField("stage 2: further cycles", default=9)
    stage2_clients = models.PositiveSmallIntegerField("stage 2: further clients", default=3)
    stage2_hours = models.PositiveSmallIntegerField("stage 2: supervision hours", default=8)
    stage3_cycles = models.PositiveSmallIntegerField("stage 3: further cycles", default=12)
    stage3_clients = models.PositiveSmallIntegerField("stage 3: further clients", default=3)
    stage3_hours = models.PositiveSmallIntegerField("stage 3: supervision hours", default=8)

    def __str__(self) -> str:
        return f"Accreditation targets of {self.service}"
