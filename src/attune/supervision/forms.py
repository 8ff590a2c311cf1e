from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from attune.cases.models import Case
from attune.core.forms import AttuneForm
from attune.moments.models import Moment
from attune.supervision.models import STAGES, EvaluationKind, Mode, RecordKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # A date input reads ISO dates only, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


class SessionForm(AttuneForm):
    held_on = forms.DateField(label="Date", widget=DateInput, initial=timezone.localdate)
    minutes = forms.IntegerField(label="Length (minutes)", min_value=5, max_value=480, initial=60)
    mode = forms.ChoiceField(label="How", choices=Mode.choices, initial=Mode.REMOTE)
    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        required=False,
        label="Cases discussed",
        widget=forms.CheckboxSelectMultiple,
    )
    clips = forms.ModelMultipleChoiceField(
        queryset=Moment.objects.none(),
        required=False,
        label="Clips discussed",
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    actions = forms.CharField(
        label="Agreed actions", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, cases: Any, clips: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
        self.fields["clips"].queryset = clips  # type: ignore[attr-defined]
        self.fields["cases"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.reference} ({c.get_state_display().lower()})"
        )
        self.fields["clips"].label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.film.case.reference} · cycle {m.film.cycle.number} · "
            f"{m.get_kind_display().lower()} at {m.start:.1f} s"
        )


class StageRecordForm(AttuneForm):
    kind = forms.ChoiceField(label="What happened", choices=RecordKind.choices)
    stage = forms.TypedChoiceField(choices=STAGES, coerce=int)
    held_on = forms.DateField(label="Date", widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, side: str = "supervisor", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if side != "supervisor":
            # Only the supervisor signs off a stage.
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                c for c in RecordKind.choices if c[0] != RecordKind.SIGN_OFF
            ]


class EvaluationForm(AttuneForm):
    kind = forms.ChoiceField(label="What it is", choices=EvaluationKind.choices)
    stage = forms.TypedChoiceField(choices=STAGES, coerce=int)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
