"""The shared review form: built for one cycle, with a box for each adult's words about each
moment of the edit and a 0–10 scale for each helping question."""

from __future__ import annotations

from typing import Any

from django import forms

from attune.cases.models import Adult, HelpingQuestion
from attune.core.forms import AttuneForm
from attune.moments.models import Moment
from attune.reviews.models import Review

DATE = forms.DateInput(attrs={"type": "date"})


class ReviewForm(AttuneForm):
    held_on = forms.DateField(label="Date of the shared review", required=False, widget=DATE)
    attendees = forms.CharField(
        label="Who attended", required=False, help_text="e.g. Jo (mum), the guider."
    )
    new_noticed = forms.CharField(
        label="Anything new the adult noticed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plan_try = forms.CharField(
        label="Plan for the next film: what to try",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    plan_where = forms.CharField(label="Where", required=False, max_length=200)
    plan_when = forms.CharField(label="When", required=False, max_length=200)
    next_film_date = forms.DateField(
        label="Date of the next film (if agreed)", required=False, widget=DATE
    )

    def __init__(
        self,
        *args: Any,
        moments: list[Moment],
        adults: list[Adult],
        questions: list[HelpingQuestion],
        review: Review | None = None,
        **kwargs: Any,
    ) -> None:
        if review is not None and not (args and args[0] is not None):
            kwargs.setdefault("initial", self._initial(review))
        super().__init__(*args, **kwargs)
        self.moment_rows: list[tuple[int, Moment, list[str]]] = []
        for position, moment in enumerate(moments, start=1):
            names = []
            for adult in adults:
                name = f"reflection_{moment.pk}_{adult.pk}"
                label = f"{adult.name}'s words about {moment.get_kind_display().lower()} {position}"
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 2, "placeholder": "What they noticed, thought or felt"}
                    ),
                )
                names.append(name)
            self.moment_rows.append((position, moment, names))
        self.scale_names = []
        for question in questions:
            name = f"scale_{question.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{question.adult.name}: “{question.text}” (0–10, was {question.baseline} at the start)",
                required=False,
                min_value=0,
                max_value=10,
                widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
            )
            self.scale_names.append((question, name))

    @staticmethod
    def _initial(review: Review) -> dict[str, Any]:
        initial: dict[str, Any] = {
            key: getattr(review, key)
            for key in (
                "held_on",
                "attendees",
                "new_noticed",
                "plan_try",
                "plan_where",
                "plan_when",
            )
        }
        for reviewed in review.moments.all():
            for reflection in reviewed.reflections.all():
                initial[f"reflection_{reviewed.moment_id}_{reflection.adult_id}"] = reflection.text
        for rescaling in review.rescalings.all():
            initial[f"scale_{rescaling.question_id}"] = rescaling.score
        return initial

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        reflections = {}
        for _, moment, names in self.moment_rows:
            for name in names:
                adult_id = int(name.rsplit("_", 1)[1])
                reflections[(str(moment.pk), adult_id)] = data.get(name) or ""
        scaling = {q.pk: data.get(name) for q, name in self.scale_names}
        keys = ("held_on", "attendees", "new_noticed", "plan_try", "plan_where", "plan_when")
        return {
            **{k: data.get(k) or ("" if k != "held_on" else None) for k in keys},
            "next_film_date": data.get("next_film_date"),
            "reflections": reflections,
            "scaling": scaling,
        }


class RewordForm(AttuneForm):
    text = forms.CharField(
        label="The helping question, in the adult's own words",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
