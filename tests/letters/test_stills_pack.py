"""The family's stills pack: a zip made in memory, with captions in plain words; only with the
stills consent of every adult (refused with the reason), audited, never once media is gone."""

from __future__ import annotations

import io
import zipfile

import pytest

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.core.errors import ServiceError
from attune.letters.services import stills_pack_build
from attune.vault.services import case_media_destroy
from tests.conftest import ClientFor
from tests.reviews.helpers import edit_with, start_cycles

pytestmark = pytest.mark.django_db


def test_the_pack_has_each_still_and_its_caption_and_is_audited(
    case: Case, client_for: ClientFor, owner: User, supervisor: User, outsider: User
) -> None:
    case = start_cycles(case)
    edit_with(case)
    url = f"/letters/cases/{case.reference}/stills.zip"
    response = client_for(owner).get(url)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as pack:
        assert pack.namelist() == ["still-01.jpg", "captions.txt"]
        assert pack.read("still-01.jpg")[:2] == b"\xff\xd8"
        assert "still-01.jpg: From film 1:" in pack.read("captions.txt").decode()
    assert AuditEvent.objects.filter(action="letter.stills_pack_downloaded", case=case).count() == 1
    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_without_stills_consent_the_pack_is_refused_with_the_reason(case: Case) -> None:
    case = start_cycles(case, stills_consent=False)
    edit_with(case)
    with pytest.raises(ServiceError, match="Jo Carter has not agreed to the family keeping stills"):
        stills_pack_build(actor=case.guider, case=case)


def test_after_media_destruction_there_is_no_pack(case: Case) -> None:
    case = start_cycles(case)
    edit_with(case)
    case_media_destroy(case=case, reason="test", actor=None)
    with pytest.raises(ServiceError, match="deleted"):
        stills_pack_build(actor=case.guider, case=case)
