from __future__ import annotations

import base64
import binascii
from typing import Any

from django import forms
from django.utils import timezone

from attune.consent.models import (
    SCOPE_ORDER,
    ConsentFormVersion,
    Scope,
    SignatureMethod,
    WithdrawalChannel,
)
from attune.core.forms import AttuneForm

DATA_URL_PREFIX = "data:image/png;base64,"


class ConsentCaptureForm(AttuneForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    method = forms.ChoiceField(
        choices=SignatureMethod.choices, widget=forms.RadioSelect, initial=SignatureMethod.DRAWN
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    typed_name = forms.CharField(label="Full name, typed", required=False, max_length=200)
    confirmed = forms.BooleanField(
        label="I confirm that typing my name here is my signature.", required=False
    )
    paper = forms.FileField(
        label="Scan or photo of the signed paper form",
        required=False,
        help_text="PDF, JPEG or PNG, up to 20 MB. It is encrypted as it is stored.",
    )
    signed_on = forms.DateField(
        label="Date signed", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    child_view = forms.CharField(
        label="The child's own view",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the child is old enough: what they said about being filmed, in their words.",
    )

    def __init__(self, *args: Any, version: ConsentFormVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        if not self.is_bound:
            self.initial.setdefault("signed_on", timezone.localdate())

    def scope_choices(self) -> list[tuple[str, str, str, bool]]:
        """(value, label, the form's wording, ticked) for the template."""
        ticked = set(self["scopes"].value() or [])
        return [
            (value, label, text, value in ticked)
            for value, label, text in self.version.scope_items()
        ]

    def clean_signature(self) -> bytes:
        raw = self.cleaned_data.get("signature") or ""
        if not raw:
            return b""
        if not raw.startswith(DATA_URL_PREFIX):
            raise forms.ValidationError("The drawn signature could not be read; draw it again.")
        try:
            return base64.b64decode(raw[len(DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise forms.ValidationError(
                "The drawn signature could not be read; draw it again."
            ) from exc


class WithdrawForm(AttuneForm):
    scopes = forms.MultipleChoiceField(
        label="What is withdrawn",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    asked_by = forms.CharField(label="Who asked", max_length=200)
    channel = forms.ChoiceField(
        label="How they asked", choices=WithdrawalChannel.choices, widget=forms.RadioSelect
    )
    asked_on = forms.DateField(
        label="When they asked", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, active: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes_field = self.fields["scopes"]
        assert isinstance(scopes_field, forms.MultipleChoiceField)
        labels = dict(Scope.choices)
        scopes_field.choices = [(s.value, labels[s]) for s in SCOPE_ORDER if s.value in active]
        if not self.is_bound:
            # Nothing is ticked for the guider: what is withdrawn is what the adult asked for.
            self.initial.setdefault("asked_on", timezone.localdate())


class ConsentFormEditForm(AttuneForm):
    title = forms.CharField(max_length=200)
    introduction = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What VIG is and what will happen, in plain words.",
    )
    scope_filming = forms.CharField(label="Filming", widget=forms.Textarea(attrs={"rows": 3}))
    scope_supervision = forms.CharField(
        label="Use in supervision", widget=forms.Textarea(attrs={"rows": 3})
    )
    scope_training = forms.CharField(
        label="Use in training and teaching", widget=forms.Textarea(attrs={"rows": 3})
    )
    scope_stills = forms.CharField(
        label="Keeping stills for the family", widget=forms.Textarea(attrs={"rows": 3})
    )
    closing = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Withdrawing, keeping and safeguarding",
    )

    @classmethod
    def initial_from(cls, version: ConsentFormVersion) -> dict[str, str]:
        data = {
            "title": version.title,
            "introduction": version.introduction,
            "closing": version.closing,
        }
        for scope in SCOPE_ORDER:
            data[f"scope_{scope.value}"] = version.scope_texts.get(scope.value, "")
        return data

    def scope_texts(self) -> dict[str, str]:
        return {s.value: self.cleaned_data[f"scope_{s.value}"] for s in SCOPE_ORDER}
