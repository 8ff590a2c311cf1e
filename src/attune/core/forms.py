"""Attune's forms speak Attune: one catalogue of plain-English error messages that name the
field, and the choices a person sees without Django's "---------". Every form of the project
derives from `AttuneForm` or `AttuneModelForm` (allauth's forms get the same words through
`plain_english`, called by the sign-in form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


def _name(field: forms.Field, fallback: str) -> str:
    label = str(field.label or fallback.replace("_", " "))
    label = label.rstrip(":").strip()
    # "Date signed" reads "date signed" inside a sentence; "TA" stays "TA".
    return label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def messages_for(field: forms.Field, name: str) -> dict[str, str]:
    """The catalogue: what each refusal says about `field`. Django fills %(…)s itself."""
    label = _name(field, name)
    widget = field.widget
    if isinstance(field, forms.BooleanField):
        required = f"Tick to confirm: {label}"
    elif isinstance(field, forms.ChoiceField) or isinstance(widget, forms.RadioSelect):
        required = f"Choose {label}."
    elif isinstance(field, forms.FileField):
        required = f"Choose the file: {label}."
    else:
        required = f"Enter {label}."
    words = {
        "required": required,
        "max_value": f"{_sentence(label)} must be %(limit_value)s or less.",
        "min_value": f"{_sentence(label)} must be %(limit_value)s or more.",
        "max_length": (
            f"{_sentence(label)} can be at most %(limit_value)d characters (it has %(show_value)d)."
        ),
        "min_length": f"{_sentence(label)} needs at least %(limit_value)d characters.",
        "invalid_choice": f"Choose one of the options given for {label}.",
        "invalid_list": f"Choose {label} from the options given.",
    }
    if isinstance(field, forms.DateField):
        words["invalid"] = f"Enter {label} as a date, for example 1 Dec 2026."
    elif isinstance(field, forms.DateTimeField):
        words["invalid"] = f"Enter {label} as a date and time."
    elif isinstance(field, forms.IntegerField):
        words["invalid"] = f"Enter {label} as a whole number."
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        words["invalid"] = f"Enter {label} as a number."
    elif isinstance(field, forms.EmailField):
        words["invalid"] = "Enter an email address, like name@example.org."
    elif isinstance(field, forms.FileField):
        words["invalid"] = "That file could not be read: choose it again."
        words["empty"] = "The file chosen is empty."
    return words


def plain_english(form: forms.BaseForm) -> None:
    """Give every field of `form` the catalogue's words, and take the empty "---------" choice
    out of radio buttons (a radio group with nothing chosen already says "not chosen")."""
    for name, field in form.fields.items():
        field.error_messages = {**field.error_messages, **messages_for(field, name)}
        if not isinstance(field.widget, forms.RadioSelect):
            continue
        if isinstance(field, forms.ModelChoiceField):
            field.empty_label = None
        elif isinstance(field, forms.ChoiceField):
            given: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            field.choices = [(value, text) for value, text in given if value not in ("", None)]


class AttuneFormRenderer(TemplatesSetting):
    """A form or field rendered whole takes the project's templates: the label, the hint, the
    error beside the field and the "(optional)" mark, as every hand-laid page has them."""

    form_template_name = "includes/form_fields.html"
    field_template_name = "includes/field.html"


class AttuneForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_english(self)


class AttuneModelForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_english(self)
