"""The closing letter as a Word document: it has the helping questions, the scaling change and
the adult's words, quoted; stills only in the family's copy, only with stills consent, and never
once the case's media is destroyed."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.document import Document as DocxDocument

from attune.accounts.models import User
from attune.cases.models import Case
from attune.letters import services
from attune.letters.models import LetterVersion
from attune.vault.services import case_media_destroy
from tests.conftest import ClientFor
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db
QUOTE = "I waited and Sam told me about the dinosaur."


def _reviewed(case: Case, *, stills_consent: bool = True) -> Case:
    case = start_cycles(case, stills_consent=stills_consent)
    question = case.helping_questions.get()
    edit_with(case, 1)
    complete_review(case, case.cycles.get(number=1), scores={question.pk: 5}, words=QUOTE)
    edit_with(case, 2)
    complete_review(case, case.cycles.get(number=2), scores={question.pk: 7})
    services.letter_draft(actor=case.guider, case=case)
    return case


def _docx(client_for: ClientFor, user: User, case: Case, copy: str) -> DocxDocument:
    response = client_for(user).get(f"/api/cases/{case.reference}/letter?format=docx&copy={copy}")
    assert response.status_code == 200, response.content
    return Document(io.BytesIO(response.content))


def _text(document: DocxDocument) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_the_docx_has_questions_scaling_change_and_the_quoted_reflection(
    case: Case, client_for: ClientFor, owner: User
) -> None:
    case = _reviewed(case)
    document = _docx(client_for, owner, case, "record")
    text = _text(document)
    assert "How can I help Sam tell me about school?" in text
    assert "from 3 to 7 out of 10 (up 4; 3 → 5 → 7)" in text
    assert f"“{QUOTE}” (Jo Carter, review 1)" in text
    assert "What you wanted to work on" in [
        p.text
        for p in document.paragraphs
        if p.style is not None and (p.style.name or "").startswith("Heading")
    ]
    assert not document.inline_shapes  # the service's record has no pictures


def test_stills_are_in_the_family_copy_only_with_stills_consent(
    case: Case, client_for: ClientFor, owner: User
) -> None:
    case = _reviewed(case)
    family = _docx(client_for, owner, case, "family")
    assert len(family.inline_shapes) == 2  # one still in each cycle's edit
    assert "From film 1: being attentive and receiving initiatives." in _text(family)


def test_no_stills_without_stills_consent(case: Case, client_for: ClientFor, owner: User) -> None:
    case = _reviewed(case, stills_consent=False)
    assert not _docx(client_for, owner, case, "family").inline_shapes


def test_no_picture_survives_media_destruction(
    case: Case, client_for: ClientFor, owner: User
) -> None:
    case = _reviewed(case)
    case_media_destroy(case=case, reason="test", actor=None)
    family = _docx(client_for, owner, case, "family")
    assert not family.inline_shapes
    assert QUOTE in _text(family)  # the words stay; the pictures went with the films
    for version in LetterVersion.objects.filter(letter__case=case):
        assert "jpeg" not in version.text.lower() and "data:" not in version.text


def test_only_the_guider_exports_the_letter(
    case: Case, client_for: ClientFor, supervisor: User, service_admin: User, outsider: User
) -> None:
    case = _reviewed(case)
    url = f"/api/cases/{case.reference}/letter"
    assert client_for(supervisor).get(url + "?format=docx").status_code == 403
    assert client_for(service_admin).get(url + "?format=docx").status_code == 403
    assert client_for(service_admin).get(url).json()["state"] == "draft"
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(f"/letters/cases/{case.reference}/docx").status_code == 404
