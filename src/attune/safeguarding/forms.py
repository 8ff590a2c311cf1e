from __future__ import annotations

from django import forms
from django.utils import timezone

from attune.core.forms import AttuneForm


class ConcernForm(AttuneForm):
    seen_or_heard = forms.CharField(
        label="What was seen or heard",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The facts, in the words used where you can. Keep opinion separate.",
    )
    happened_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    action_taken = forms.CharField(label="Action taken", widget=forms.Textarea(attrs={"rows": 3}))
    informed_name = forms.CharField(
        label="Who was informed: name",
        required=False,
        max_length=200,
        help_text="For example, the school's designated safeguarding lead.",
    )
    informed_role = forms.CharField(label="Their role", required=False, max_length=200)
    informed_on = forms.DateField(
        label="Date informed", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault(
                "happened_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class AmendmentForm(AttuneForm):
    text = forms.CharField(
        label="What is added or corrected",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The concern itself stays as it was written; this is added beneath it.",
    )
    informed_name = forms.CharField(label="Who was informed: name", required=False, max_length=200)
    informed_role = forms.CharField(label="Their role", required=False, max_length=200)
    informed_on = forms.DateField(
        label="Date informed", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
