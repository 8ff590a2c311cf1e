"""The shared review of a cycle: the moments looked at together, the adult's own words about
each, who came, the re-scaling of every helping question and the plan for the next film.

What the review records is the adult's words and numbers, not media: it stays when the case's
films are destroyed. Each reviewed moment keeps its place in the edit and the names of its
principles, so the progress chart and the letter still read after the moments' media has gone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attune.cases.models import SCALE
from attune.core.models import TimeStampedModel


class Review(TimeStampedModel):
    cycle = models.OneToOneField("cases.Cycle", on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField("date of the shared review", null=True, blank=True)
    attendees = models.TextField("who attended", blank=True)
    new_noticed = models.TextField("anything new the adult noticed", blank=True)
    plan_try = models.TextField("what to try in the next film", blank=True)
    plan_where = models.CharField("where", max_length=200, blank=True)
    plan_when = models.CharField("when", max_length=200, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"shared review of {self.cycle}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ReviewedMoment(models.Model):
    """One moment of the edit as it was reviewed (its place and principles kept by name)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="moments")
    moment = models.ForeignKey(
        "moments.Moment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8)
    principles = models.JSONField(default=list, help_text="Names of the moment's principles.")

    class Meta:
        ordering = ["review_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="reviewed_moment_position")
        ]

    def __str__(self) -> str:
        return f"moment {self.position + 1} of {self.review}"


class Reflection(TimeStampedModel):
    """An adult's own words about one moment: what they noticed, thought or felt."""

    reviewed_moment = models.ForeignKey(
        ReviewedMoment, on_delete=models.CASCADE, related_name="reflections"
    )
    adult = models.ForeignKey("cases.Adult", on_delete=models.CASCADE, related_name="+")
    text = models.TextField()

    class Meta:
        ordering = ["reviewed_moment_id", "adult_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewed_moment", "adult"], name="reflection_per_adult"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Rescaling(models.Model):
    """Where the adult puts a helping question now (0–10), at one shared review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rescalings")
    question = models.ForeignKey(
        "cases.HelpingQuestion", on_delete=models.CASCADE, related_name="rescalings"
    )
    score = models.PositiveSmallIntegerField(validators=SCALE)

    class Meta:
        ordering = ["review_id", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="rescaling_per_question"),
            models.CheckConstraint(condition=models.Q(score__lte=10), name="rescaling_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 for {self.question_id}"


class QuestionWording(models.Model):
    """An earlier wording of a helping question, kept when it is reworded."""

    question = models.ForeignKey(
        "cases.HelpingQuestion", on_delete=models.CASCADE, related_name="old_wordings"
    )
    text = models.TextField()
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["question_id", "replaced_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]
