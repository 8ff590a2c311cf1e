from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attune.accounts import selectors, services
from attune.accounts.forms import AcceptInvitationForm, InviteForm, SupervisionLinkForm, TokenForm
from attune.accounts.models import User
from attune.core.errors import ServiceError
from attune.core.views import form_error


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_service_admin:
        raise Forbidden("Only service admins can manage the service.")
    return user


@login_required
def people(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _link = services.invitation_create(
                actor=user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("accounts:people")
    return render(
        request,
        "accounts/people.html",
        {
            "form": form,
            "people": selectors.service_users(user).order_by("full_name"),
            "invitations": selectors.open_invitations_for_admin(user),
            "links": selectors.supervision_links_for_admin(user).filter(ended_on__isnull=True),
            "link_form": SupervisionLinkForm(people=selectors.service_users(user)),
        },
    )


@login_required
@require_POST
def supervision_link_add(request: HttpRequest) -> HttpResponse:
    user = _admin(request)
    form = SupervisionLinkForm(request.POST, people=selectors.service_users(user))
    if form.is_valid():
        try:
            services.supervision_link_create(actor=user, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Supervision link saved.")
    else:
        messages.error(request, "Choose a supervisor and a guider.")
    return redirect("accounts:people")


@login_required
@require_POST
def supervision_link_end(request: HttpRequest, link_id: int) -> HttpResponse:
    user = _admin(request)
    link = selectors.supervision_link_for_admin(user, link_id)
    services.supervision_link_end(actor=user, link=link)
    messages.success(request, "Supervision link ended.")
    return redirect("accounts:people")


def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    invitation = services.invitation_for_secret(secret)
    if invitation is None:
        raise Http404("This invitation has expired or has already been used.")
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                secret=secret, password=form.cleaned_data["password1"]
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.service.name}.")
            return redirect("cases:caseload")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _, secret = services.api_token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": selectors.tokens_for_user(user), "secret": secret},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    token = selectors.token_for_user(user, token_id)
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
