from __future__ import annotations

from typing import Any

from django import forms

from attune.core.forms import AttuneForm
from attune.moments.models import Behaviour, Principle


class PrincipleForm(AttuneForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    behaviours = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One behaviour per line. A behaviour you remove is kept on moments already "
        "tagged with it.",
    )
    is_active = forms.BooleanField(
        required=False, label="In use (shown in the editor)", initial=True
    )

    @classmethod
    def for_principle(
        cls, principle: Principle, behaviours: list[Behaviour], *, prefix: str
    ) -> PrincipleForm:
        return cls(
            prefix=prefix,
            initial={
                "name": principle.name,
                "description": principle.description,
                "behaviours": "\n".join(b.name for b in behaviours if b.is_active),
                "is_active": principle.is_active,
            },
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "is_active": data["is_active"],
            "behaviours": [line for line in data["behaviours"].splitlines() if line.strip()],
        }
