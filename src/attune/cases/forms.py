from __future__ import annotations

from typing import Any

from django import forms

from attune.accounts.models import User
from attune.cases.models import Adult, Case, Cycle, HelpingQuestion, InitialMeeting
from attune.core.forms import AttuneForm, AttuneModelForm


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CaseForm(AttuneModelForm):
    class Meta:
        model = Case
        fields = [
            "child_name",
            "child_date_of_birth",
            "child_age_years",
            "child_school",
            "setting",
            "referrer",
            "referral_reason",
        ]
        widgets = {
            "child_date_of_birth": DateInput(),
            "referral_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("child_date_of_birth") and data.get("child_age_years") is None:
            self.add_error("child_date_of_birth", "Give a date of birth or an age.")
        return data


class CaseCreateForm(CaseForm):
    guider: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Me"
    )

    class Meta(CaseForm.Meta):
        pass

    def __init__(self, *args: Any, guiders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if guiders is None:
            del self.fields["guider"]
        else:
            self.fields["guider"].queryset = guiders  # type: ignore[attr-defined]


class AdultForm(AttuneModelForm):
    class Meta:
        model = Adult
        fields = ["name", "kind", "relationship", "has_parental_responsibility"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"name": "Adult's name", "kind": "Who they are"}


class InitialMeetingForm(AttuneModelForm):
    class Meta:
        model = InitialMeeting
        fields = ["met_on", "agreed"]
        widgets = {"met_on": DateInput(), "agreed": forms.Textarea(attrs={"rows": 4})}


class HelpingQuestionForm(AttuneModelForm):
    class Meta:
        model = HelpingQuestion
        fields = ["adult", "text", "baseline", "hoped_for"]
        labels = {"adult": "Whose question is it?", "text": "Helping question"}
        widgets = {
            "text": forms.Textarea(
                attrs={"rows": 2, "placeholder": "e.g. How can I help Sam settle at bedtime?"}
            ),
            "baseline": forms.NumberInput(attrs={"min": 0, "max": 10}),
            "hoped_for": forms.NumberInput(attrs={"min": 0, "max": 10}),
        }

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adult"].queryset = case.adults.all()  # type: ignore[attr-defined]
        self.fields["adult"].empty_label = None  # type: ignore[attr-defined]


class CycleForm(AttuneModelForm):
    class Meta:
        model = Cycle
        fields = ["planned_film_date", "planned_review_date", "filmed_on", "reviewed_on"]
        widgets = {name: DateInput() for name in fields}


class TransitionForm(AttuneForm):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason or note",
    )

    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            reason = self.fields["reason"]
            reason.required = True
            reason.label = "Why is the work ending?"
            reason.help_text = "For example, the family asked to stop. The record is kept."
            reason.error_messages["required"] = "Say why the work is ending."
