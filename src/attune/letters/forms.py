from __future__ import annotations

from django import forms

from attune.core.forms import AttuneForm


class LetterForm(AttuneForm):
    text = forms.CharField(
        label="The letter",
        widget=forms.Textarea(attrs={"rows": 28, "class": "letter-text"}),
        help_text="A line starting “## ” is a heading; “• ” starts a bullet.",
        max_length=50_000,
    )


class FinaliseForm(AttuneForm):
    no_rescaling_reason = forms.CharField(
        label="If no helping question was re-scaled: why the letter goes without it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CorrectionForm(AttuneForm):
    text = forms.CharField(
        label="The corrected letter", widget=forms.Textarea(attrs={"rows": 20}), max_length=50_000
    )
    reason = forms.CharField(label="Why it is corrected", widget=forms.Textarea(attrs={"rows": 2}))


class TemplateForm(AttuneForm):
    body = forms.CharField(
        label="The letter template", widget=forms.Textarea(attrs={"rows": 28}), max_length=50_000
    )
