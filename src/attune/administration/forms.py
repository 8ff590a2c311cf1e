from __future__ import annotations

from typing import Any

from django import forms

from attune.accounts.models import Service, User
from attune.core.forms import AttuneForm
from attune.supervision.forms import DateInput
from attune.supervision.models import AccreditationTargets


class RolesForm(AttuneForm):
    is_guider = forms.BooleanField(required=False, label="Guider")
    is_trainee = forms.BooleanField(required=False, label="In training (needs supervision)")
    is_supervisor = forms.BooleanField(required=False, label="Supervisor")
    is_service_admin = forms.BooleanField(required=False, label="Service admin")


class HandoverForm(AttuneForm):
    to_guider = forms.ModelChoiceField(queryset=User.objects.none(), label="Hand to")

    def __init__(self, *args: Any, guiders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_guider"].queryset = guiders  # type: ignore[attr-defined]


class ServiceSettingsForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = ["retention_days", "records_years", "allow_downloads", "require_mfa"]
        labels = {
            "retention_days": "Days to keep films after a case closes",
            "records_years": "Years to keep records after a case closes",
        }


class TargetsForm(forms.ModelForm[AccreditationTargets]):
    class Meta:
        model = AccreditationTargets
        fields = [f"stage{n}_{what}" for n in (1, 2, 3) for what in ("cycles", "clients", "hours")]


class PeriodForm(AttuneForm):
    start = forms.DateField(widget=DateInput, label="From")
    end = forms.DateField(widget=DateInput, label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end comes after the start.")
        return data
