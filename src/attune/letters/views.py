"""The closing letter's pages: write and finalise it, print it, export it to Word, download the
family's stills pack; and the service admin's letter template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from attune.accounts.models import User
from attune.cases.models import Case
from attune.cases.selectors import Access, case_for_user
from attune.core.errors import ServiceError
from attune.core.views import form_error
from attune.letters import export, selectors, services
from attune.letters.drafting import PLACEHOLDERS
from attune.letters.forms import CorrectionForm, FinaliseForm, LetterForm, TemplateForm
from attune.letters.models import Letter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _post(request: HttpRequest, case: Case, letter: Letter | None) -> HttpResponse | None:
    """The guider's actions on the letter page; None when a form needs showing again."""
    user = _user(request)
    action = request.POST.get("action", "")
    if action == "draft":
        services.letter_draft(actor=user, case=case)
        messages.success(request, "A draft is ready: read it through and make it yours.")
        return redirect("letters:letter", reference=case.reference)
    if letter is None:
        raise Http404
    if action in {"save", "redraft"}:
        form = LetterForm(request.POST)
        text = form.data.get("text", "")
        services.letter_save(actor=user, letter=letter, text=text, redraft=action == "redraft")
        messages.success(request, "Saved as a new version.")
    elif action == "finalise":
        finalise = FinaliseForm(request.POST)
        finalise.is_valid()
        services.letter_finalise(
            actor=user,
            letter=letter,
            no_rescaling_reason=finalise.cleaned_data.get("no_rescaling_reason", ""),
        )
        messages.success(request, "The letter is final, and the case is closing.")
    elif action == "correct":
        correction = CorrectionForm(request.POST)
        if not correction.is_valid():
            raise ServiceError("Give the corrected letter and why it is corrected.", field="reason")
        services.letter_correct(actor=user, letter=letter, **correction.cleaned_data)
        messages.success(request, "Correction saved as a new version, with its reason.")
    else:
        raise Http404
    return redirect("letters:letter", reference=case.reference)


@login_required
def letter(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case, access = case_for_user(user, reference)
    writer = selectors.may_write(access, case)
    current_letter = selectors.letter_for_case(case)
    if request.method == "POST":
        if access != Access.GUIDER:
            raise Forbidden("Only the case's guider can write the closing letter.")
        try:
            response = _post(request, case, current_letter)
        except ServiceError as exc:
            messages.error(request, exc.message)
            response = None
        if response is not None:
            return response
    version = current_letter.current if current_letter else None
    form = LetterForm(initial={"text": version.text if version else ""})
    correction = CorrectionForm(initial={"text": version.text if version else ""})
    if request.method == "POST" and request.POST.get("action") in {"save", "correct"}:
        form = LetterForm(request.POST)
        correction = CorrectionForm(request.POST)
    return render(
        request,
        "letters/letter.html",
        {
            "case": case,
            "letter": current_letter,
            "version": version,
            "versions": current_letter.versions.all() if current_letter else [],
            "writer": writer,
            "may_export": selectors.may_export(access),
            "form": form,
            "finalise_form": FinaliseForm(),
            "correction": correction,
            "stills_blockers": selectors.stills_blockers(case),
            "blocks": export.blocks(version.text) if version else [],
        },
    )


def _exportable(request: HttpRequest, reference: str) -> tuple[User, Case, Letter, str]:
    user = _user(request)
    case, access = case_for_user(user, reference)
    if not selectors.may_export(access):
        raise Forbidden("Only the case's guider can take a copy of the letter.")
    found = selectors.letter_for_case(case)
    if found is None or found.current is None:
        raise Http404("There is no letter yet.")
    copy = request.GET.get("copy", export.RECORD)
    if copy not in export.COPIES:
        raise Http404
    return user, case, found, copy


@login_required
@require_GET
def print_letter(request: HttpRequest, reference: str) -> HttpResponse:
    user, case, found, copy = _exportable(request, reference)
    stills = selectors.stills_for_case(case) if export.stills_allowed(case, copy) else []
    services.letter_exported(actor=user, letter=found, fmt="print", copy=copy, stills=len(stills))
    version = found.current
    assert version is not None
    return render(
        request,
        "letters/print.html",
        {
            "case": case,
            "letter": found,
            "version": version,
            "blocks": export.blocks(version.text),
            "copy": copy,
            "copy_label": export.COPIES[copy],
            "stills": stills,
        },
    )


@login_required
@require_GET
def docx(request: HttpRequest, reference: str) -> HttpResponse:
    user, case, found, copy = _exportable(request, reference)
    version = found.current
    assert version is not None
    data, stills = export.letter_docx(case, version, copy=copy)
    services.letter_exported(actor=user, letter=found, fmt="docx", copy=copy, stills=stills)
    response = HttpResponse(data, content_type=DOCX)
    name = f"{case.reference}-letter-{copy}-v{version.number}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def stills_pack(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case, access = case_for_user(user, reference)
    if access != Access.GUIDER:
        raise Forbidden("Only the case's guider can download the family's stills.")
    try:
        data = services.stills_pack_build(actor=user, case=case)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("letters:letter", reference=case.reference)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-stills.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def letter_template(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.is_service_admin or user.service is None:
        raise Forbidden("Only service admins can change the letter template.")
    form = TemplateForm(
        request.POST or None, initial={"body": selectors.template_body(user.service)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_template_save(
                actor=user, service=user.service, body=form.cleaned_data["body"]
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Letter template saved. New drafts use it.")
            return redirect("letters:template")
    return render(
        request, "letters/template.html", {"form": form, "placeholders": PLACEHOLDERS.items()}
    )
