"""Subject access: a zip (JSON plus a readable page) of all that is held about one adult or child;
media decrypted into it only when asked for, and never for a service admin."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from PIL import Image

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.consent.models import Scope
from attune.safeguarding.services import concern_record
from attune.vault.models import ObjectKind
from attune.vault.services import object_store
from tests.conftest import ClientFor
from tests.consent.helpers import drawn_png, sign
from tests.factories import add_adult, add_question

FILM_BYTES = b"\x00\x00\x00\x18ftypmp42 pretend film"


@pytest.fixture
def held(agreed: Case, owner: User) -> Case:
    """Two adults with consent (one drawn), a film, and a safeguarding concern."""
    jo = agreed.adults.get()
    pat = add_adult(agreed, name="Pat Carter", relationship="father")
    add_question(agreed, pat, text="How do I join in Sam's games?")
    sign(agreed, jo, [Scope.FILMING, Scope.STILLS], method="drawn", child_view="Sam: yes!")
    sign(agreed, pat, [Scope.FILMING])
    object_store(
        case=agreed, kind=ObjectKind.PLAYABLE, src=io.BytesIO(FILM_BYTES), content_type="video/mp4"
    )
    concern_record(
        actor=owner,
        case=agreed,
        seen_or_heard="A bruise on Sam's arm; Sam said he fell.",
        happened_at=timezone.now() - timedelta(days=1),
        action_taken="Told the DSL.",
        informed_name="Ms Reid",
        informed_role="Designated safeguarding lead",
        informed_on=timezone.localdate(),
    )
    return agreed


def read_zip(data: bytes | Path) -> tuple[dict, str, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as zf:
        names = zf.namelist()
        media = {n: zf.read(n) for n in names if n.startswith("media/")}
        return json.loads(zf.read("data.json")), zf.read("index.html").decode(), media


def test_the_child_export_from_the_command_line_with_media(held: Case, tmp_path: Path) -> None:
    out = tmp_path / "child.zip"
    call_command(
        "sar", "export", "--person", f"child:{held.reference}", "--out", str(out), "--include-media"
    )

    data, html, media = read_zip(out)
    assert data["person"] == {
        "id": f"child:{held.reference}",
        "name": "Sam Carter",
        "held_as": f"the child in {held.reference}",
    }
    assert data["child"]["adults"] == [
        {"name": "Jo Carter", "relationship": "mother"},
        {"name": "Pat Carter", "relationship": "father"},
    ]
    assert {c["adult"] for c in data["consent"]} == {"Jo Carter", "Pat Carter"}
    assert data["consent"][0]["child_view"] == "Sam: yes!"
    assert data["safeguarding_concerns"][0]["informed"][:2] == [
        "Ms Reid",
        "Designated safeguarding lead",
    ]
    assert len(data["helping_questions"]) == 2
    assert any(e["what"] == "consent.recorded" for e in data["activity"])
    assert "What is held about Sam Carter" in html and "Check before release" in html
    assert any(v.startswith(b"\x89PNG") for v in media.values())  # Jo's drawn signature
    assert FILM_BYTES in media.values()  # decrypted
    assert data["media_included"] is True and len(data["media_files"]) == 2
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    event = AuditEvent.objects.get(action="subject_access.exported")
    assert event.details == {"person": f"child:{held.reference}", "media": True, "media_files": 2}
    assert event.actor is None


def test_an_adult_export_holds_only_that_adult(held: Case, tmp_path: Path) -> None:
    pat = held.adults.get(name="Pat Carter")
    out = tmp_path / "pat.zip"
    call_command("sar", "export", "--person", f"adult:{pat.pk}", "--out", str(out))

    data, html, media = read_zip(out)
    assert data["adult"]["name"] == "Pat Carter" and "child" not in data
    assert [c["adult"] for c in data["consent"]] == ["Pat Carter"]
    assert [q["text"] for q in data["helping_questions"]] == ["How do I join in Sam's games?"]
    assert media == {} and data["media_included"] is False
    assert "Jo Carter" not in json.dumps(data["consent"]) and "Sam: yes!" not in html


def test_unknown_people_are_refused(held: Case, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="adult:<id> or child:<case reference>"):
        call_command("sar", "export", "--person", "Jo Carter", "--out", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="Nobody is held under adult:999999"):
        call_command("sar", "export", "--person", "adult:999999", "--out", str(tmp_path / "x.zip"))


def test_the_admin_button_never_includes_media(
    held: Case, owner: User, service_admin: User, supervisor: User, client_for: ClientFor
) -> None:
    admin = client_for(service_admin)
    page = admin.get(f"/consent/cases/{held.reference}/subject-access/")
    assert page.status_code == 200 and "With films" not in page.content.decode()
    url = f"/consent/cases/{held.reference}/subject-access/child/export.zip"
    response = admin.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    data, _, media = read_zip(response.content)
    assert data["person"]["name"] == "Sam Carter" and media == {}
    assert admin.get(url + "?media=1").status_code == 403

    with_films = client_for(owner).get(url + "?media=1")
    assert FILM_BYTES in read_zip(with_films.content)[2].values()
    assert client_for(supervisor).get(url).status_code == 403
    jo = held.adults.get(name="Jo Carter")
    adult_zip = admin.get(
        f"/consent/cases/{held.reference}/subject-access/adult-{jo.pk}/export.zip"
    )
    assert read_zip(adult_zip.content)[0]["adult"]["name"] == "Jo Carter"
    assert (
        admin.get(f"/consent/cases/{held.reference}/subject-access/adult-0/export.zip").status_code
        == 404
    )


def test_a_signature_is_in_an_adults_export_only_when_asked(held: Case, tmp_path: Path) -> None:
    jo = held.adults.get(name="Jo Carter")
    out = tmp_path / "jo.zip"
    call_command(
        "sar", "export", "--person", f"adult:{jo.pk}", "--out", str(out), "--include-media"
    )
    _, _, media = read_zip(out)
    pngs = [v for v in media.values() if v.startswith(b"\x89PNG")]
    assert len(pngs) == 1
    assert Image.open(io.BytesIO(pngs[0])).size == Image.open(io.BytesIO(drawn_png())).size
