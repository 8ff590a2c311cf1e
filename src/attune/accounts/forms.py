from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password

from attune.accounts.models import TokenScope, User
from attune.accounts.services import TOKEN_DAYS_CHOICES
from attune.core.forms import AttuneForm, plain_english


class InviteForm(AttuneForm):
    full_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    is_guider = forms.BooleanField(required=False, label="Guider")
    is_trainee = forms.BooleanField(required=False, label="In training (needs supervision)")
    is_supervisor = forms.BooleanField(required=False, label="Supervisor")
    is_service_admin = forms.BooleanField(required=False, label="Service admin")


class AcceptInvitationForm(AttuneForm):
    password1 = forms.CharField(label="Choose a password", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Type it again", widget=forms.PasswordInput)

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                validate_password(p1, User(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SupervisionLinkForm(AttuneForm):
    supervisor = forms.ModelChoiceField(queryset=User.objects.none())
    supervisee = forms.ModelChoiceField(queryset=User.objects.none(), label="Guider supervised")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = people.filter(is_supervisor=True)  # type: ignore[attr-defined]
        self.fields["supervisee"].queryset = people.filter(is_guider=True)  # type: ignore[attr-defined]


class TokenForm(AttuneForm):
    name = forms.CharField(max_length=100, label="What is it for?")
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        label="What may it do?",
    )
    days = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (d, f"{d} days") for d in sorted({*TOKEN_DAYS_CHOICES, settings.ATTUNE_API_TOKEN_DAYS})
        ],
        label="Expires after",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = settings.ATTUNE_API_TOKEN_DAYS


class SignInForm(LoginForm):
    """allauth's sign-in form in Attune's words. The page has one "Forgotten your password?"
    link of its own, so the password field's help text (allauth's second link) is dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
        self.fields["login"].label = "Email address"
        self.fields["password"].label = "Password"
        plain_english(self)


class _PlainEnglish:
    """allauth's password forms, with the catalogue's words for their fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        plain_english(self)  # type: ignore[arg-type]


class PasswordChangeForm(_PlainEnglish, allauth_forms.ChangePasswordForm):
    pass


class PasswordSetForm(_PlainEnglish, allauth_forms.SetPasswordForm):
    pass


class PasswordResetForm(_PlainEnglish, allauth_forms.ResetPasswordForm):
    pass


class PasswordResetFromKeyForm(_PlainEnglish, allauth_forms.ResetPasswordKeyForm):
    pass
