"""Capturing an adult's consent: drawn on screen (stored encrypted), typed with a tick, or a signed
paper form (encrypted); the date, the witness and the child's view are kept with it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.consent.models import ConsentRecord, Scope, SignatureMethod
from attune.consent.selectors import record_document
from attune.consent.services import consent_record
from attune.core.errors import PermissionDenied, ServiceError
from attune.vault.models import ObjectKind
from attune.vault.services import object_read_all
from attune.vault.storage import vault_storage
from tests.conftest import ClientFor
from tests.consent.helpers import data_url, drawn_png, sign

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_a_drawn_signature_is_stored_encrypted_and_read_back(agreed: Case, owner: User) -> None:
    adult = agreed.adults.get()
    record = sign(
        agreed,
        adult,
        [Scope.FILMING, Scope.STILLS],
        method=SignatureMethod.DRAWN,
        child_view="Sam said he likes being filmed building Lego.",
    )

    obj = record_document(record)
    assert obj is not None and obj.kind == ObjectKind.DOCUMENT and obj.content_type == "image/png"
    ciphertext = vault_storage().open(obj.storage_name).read()
    assert PNG_MAGIC not in ciphertext
    plain = object_read_all(obj)
    assert plain.startswith(PNG_MAGIC)
    assert Image.open(io.BytesIO(plain)).size == (300, 100)
    assert len(record.document_sha256) == 64
    assert record.witness == owner
    assert record.signed_on == timezone.localdate()
    assert record.scopes == ["filming", "stills"]
    assert record.child_view.startswith("Sam said")
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.details["method"] == "drawn" and event.details["scopes"] == ["filming", "stills"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "drawn", "signature_png": drawn_png(blank=True)}, "signature box is empty"),
        ({"method": "drawn", "signature_png": b"GIF89a..."}, "could not be read"),
        ({"method": "typed", "typed_name": "Jo Carter", "confirmed": False}, "tick to confirm"),
        ({"method": "typed", "typed_name": " ", "confirmed": True}, "Type the adult's full name"),
        ({"method": "paper", "paper": b"hello"}, "must be a PDF"),
    ],
)
def test_each_way_of_signing_is_checked(agreed: Case, kwargs: dict, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        sign(agreed, agreed.adults.get(), [Scope.FILMING], **kwargs)
    assert not ConsentRecord.objects.exists()


def test_a_signed_paper_form_is_kept_encrypted(agreed: Case) -> None:
    pdf = b"%PDF-1.4\n% signed form\n%%EOF\n"
    record = sign(agreed, agreed.adults.get(), [Scope.FILMING], method="paper", paper=pdf)
    obj = record_document(record)
    assert obj is not None and obj.content_type == "application/pdf"
    assert b"signed form" not in vault_storage().open(obj.storage_name).read()
    assert object_read_all(obj) == pdf


def test_scopes_date_and_who_may_record(agreed: Case, colleague: User) -> None:
    adult = agreed.adults.get()
    with pytest.raises(ServiceError, match="Tick at least one part"):
        sign(agreed, adult, [])
    with pytest.raises(ServiceError, match="Unknown scope"):
        sign(agreed, adult, ["publicity"])
    with pytest.raises(ServiceError, match="cannot be in the future"):
        sign(agreed, adult, [Scope.FILMING], signed_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        consent_record(
            actor=colleague,
            case=agreed,
            adult=adult,
            scopes=["filming"],
            method="typed",
            typed_name="Jo Carter",
            confirmed=True,
        )


def test_signing_again_cannot_quietly_drop_a_scope(agreed: Case) -> None:
    adult = agreed.adults.get()
    sign(agreed, adult, [Scope.FILMING, Scope.TRAINING])
    with pytest.raises(ServiceError, match="record a withdrawal"):
        sign(agreed, adult, [Scope.FILMING])
    later = sign(agreed, adult, [Scope.FILMING, Scope.TRAINING, Scope.SUPERVISION])
    assert later.scopes == ["filming", "supervision", "training"]


def test_the_page_captures_a_drawn_signature(
    agreed: Case, owner: User, client_for: ClientFor
) -> None:
    adult = agreed.adults.get()
    client = client_for(owner)
    url = f"/consent/cases/{agreed.reference}/adults/{adult.pk}/sign/"
    page = client.get(url).content.decode()
    assert "data-signature-pad" in page and "Keep opinion" not in page
    assert "kept securely and confidentially for the period of our work" in page

    refused = client.post(
        url,
        {"scopes": ["filming"], "method": "drawn", "signed_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 200
    assert "Draw the signature in the box first." in refused.content.decode()

    response = client.post(
        url,
        {
            "scopes": ["filming", "supervision"],
            "method": "drawn",
            "signature": data_url(drawn_png()),
            "signed_on": timezone.localdate().isoformat(),
            "child_view": "Happy to be filmed.",
        },
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get()
    assert record.method == "drawn" and record.scopes == ["filming", "supervision"]

    detail = client.get(f"/consent/records/{record.pk}/").content.decode()
    assert f"/consent/records/{record.pk}/document" in detail
    image = client.get(f"/consent/records/{record.pk}/document")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content.startswith(PNG_MAGIC)
    case_page = client.get(f"/cases/{agreed.reference}/").content.decode()
    assert 'data-scope="filming" data-state="given"' in case_page


def test_the_page_takes_a_paper_form_upload(
    agreed: Case, owner: User, client_for: ClientFor
) -> None:
    adult = agreed.adults.get()
    image = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(image, format="JPEG")
    response = client_for(owner).post(
        f"/consent/cases/{agreed.reference}/adults/{adult.pk}/sign/",
        {
            "scopes": ["filming"],
            "method": "paper",
            "paper": SimpleUploadedFile("form.jpg", image.getvalue(), "image/jpeg"),
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert ConsentRecord.objects.get().document_type == "image/jpeg"


def test_signatures_are_for_the_guider_and_the_admin_only(
    agreed: Case, supervisor: User, service_admin: User, colleague: User, client_for: ClientFor
) -> None:
    record = sign(agreed, agreed.adults.get(), [Scope.FILMING], method="drawn")
    url = f"/consent/records/{record.pk}/document"
    assert client_for(service_admin).get(url).status_code == 200
    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(colleague).get(url).status_code == 404


def test_the_printable_form_carries_the_words_and_boxes(
    agreed: Case, owner: User, client_for: ClientFor
) -> None:
    adult = agreed.adults.get()
    page = client_for(owner).get(f"/consent/cases/{agreed.reference}/adults/{adult.pk}/print/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Agreeing to Video Interaction Guidance (VIG)" in html
    assert html.count('class="tickbox"') == 4
    assert "Witness (VIG guider)" in html and "Olivia Owner" in html
    assert "data-print" in html
