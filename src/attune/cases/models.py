"""A piece of VIG work: the adults, the child, helping questions and the film-and-review cycles."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from attune.core.models import TimeStampedModel

# No 0/O, 1/I/L: references are read out over the phone.
_REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "VIG-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


class CaseState(models.TextChoices):
    REFERRED = "referred", "Referred"
    AGREED = "agreed", "Agreed"
    IN_CYCLES = "in_cycles", "In cycles"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Setting(models.TextChoices):
    HOME = "home", "Home"
    SCHOOL = "school", "School"
    NURSERY = "nursery", "Nursery"
    OTHER = "other", "Other"


class Case(TimeStampedModel):
    service = models.ForeignKey("accounts.Service", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    guider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases"
    )
    state = models.CharField(max_length=16, choices=CaseState.choices, default=CaseState.REFERRED)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    child_name = models.CharField("child's name", max_length=200)
    child_date_of_birth = models.DateField("child's date of birth", null=True, blank=True)
    child_age_years = models.PositiveSmallIntegerField(
        "child's age (years)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(25)],
        help_text="Use when the date of birth is not known.",
    )
    child_school = models.CharField("school or setting", max_length=200, blank=True)
    setting = models.CharField(
        "where filming happens", max_length=16, choices=Setting.choices, default=Setting.HOME
    )
    referrer = models.CharField(
        max_length=200, blank=True, help_text="Who referred, e.g. the SENCo at the school."
    )
    referral_reason = models.TextField("reason for referral", blank=True)
    closure_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def child_age(self) -> int | None:
        if self.child_date_of_birth:
            today = date.today()
            dob = self.child_date_of_birth
            return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        return self.child_age_years

    @property
    def is_open(self) -> bool:
        return self.state not in {CaseState.CLOSED, CaseState.WITHDRAWN}


class AdultKind(models.TextChoices):
    PARENT_CARER = "parent_carer", "Parent or carer"
    STAFF = "staff", "Member of staff"


class Adult(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="adults")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=AdultKind.choices)
    relationship = models.CharField(
        "relationship to the child", max_length=100, help_text="e.g. mother, foster carer, class TA"
    )
    has_parental_responsibility = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class InitialMeeting(TimeStampedModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="initial_meeting")
    met_on = models.DateField("date of the meeting")
    agreed = models.TextField(
        "what was agreed", help_text="How you will work together: where, when, who films."
    )

    def __str__(self) -> str:
        return f"Initial meeting for {self.case}"


SCALE = [MinValueValidator(0), MaxValueValidator(10)]
MAX_HELPING_QUESTIONS_PER_ADULT = 3


class HelpingQuestion(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="helping_questions")
    adult = models.ForeignKey(Adult, on_delete=models.CASCADE, related_name="helping_questions")
    text = models.TextField(help_text="In the adult's own words.")
    baseline = models.PositiveSmallIntegerField("where are you now? (0–10)", validators=SCALE)
    hoped_for = models.PositiveSmallIntegerField(
        "where would you like to be? (0–10)", null=True, blank=True, validators=SCALE
    )

    class Meta:
        ordering = ["adult_id", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Cycle(TimeStampedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    planned_film_date = models.DateField(null=True, blank=True)
    planned_review_date = models.DateField(null=True, blank=True)
    filmed_on = models.DateField("film recorded on", null=True, blank=True)
    reviewed_on = models.DateField("shared review held on", null=True, blank=True)
    not_needed = models.BooleanField(default=False, help_text="The work stopped before this cycle.")

    class Meta:
        ordering = ["case_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="cycle_number_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case} cycle {self.number}"
