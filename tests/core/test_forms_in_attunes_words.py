"""Every form speaks Attune (one catalogue of messages, one way of showing choices): no
"---------" radio, no "This field is required.", a limit that names its field, one password link
on the sign-in page, and signing consent again starts from what is already agreed."""

from __future__ import annotations

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import ConsentRecord, Scope
from attune.consent.selectors import current_record
from tests.conftest import ClientFor
from tests.consent.helpers import sign

DJANGO_WORDS = ("This field is required.", "Ensure this value", "---------", "Select a valid")


def test_a_radio_group_opens_with_no_blank_choice_ticked(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    page = client_for(owner).get(f"/cases/{case.reference}/adults/add/").content.decode()

    assert "---------" not in page
    radios = [chunk for chunk in page.split("<input") if 'type="radio"' in chunk.split(">")[0]]
    assert radios and not any("checked" in chunk.split(">")[0] for chunk in radios)


def test_a_missing_answer_names_its_field(case: Case, owner: User, client_for: ClientFor) -> None:
    page = (
        client_for(owner)
        .post(f"/cases/{case.reference}/adults/add/", {"relationship": "mother"})
        .content.decode()
    )

    assert "Enter adult&#x27;s name." in page
    assert "Choose who they are." in page
    assert not [words for words in DJANGO_WORDS if words in page]


def test_a_limit_names_its_field(case: Case, owner: User, client_for: ClientFor) -> None:
    page = (
        client_for(owner)
        .post(
            f"/cases/{case.reference}/edit/",
            {"child_name": case.child_name, "child_age_years": "30", "setting": case.setting},
        )
        .content.decode()
    )

    assert "Child&#x27;s age (years) must be 25 or less." in page
    assert not [words for words in DJANGO_WORDS if words in page]


def test_the_sign_in_page_has_one_password_reset_link(client_for: ClientFor) -> None:
    page = client_for(None).get("/accounts/login/").content.decode()

    assert page.count('href="/accounts/password/reset/"') == 1


def test_the_sign_in_page_refuses_in_attunes_words(client_for: ClientFor) -> None:
    page = client_for(None).post("/accounts/login/", {"login": "", "password": ""}).content
    text = page.decode()

    assert "Enter email address." in text
    assert not [words for words in DJANGO_WORDS if words in text]


def test_signing_again_starts_from_what_is_agreed_and_keeps_it(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    adult = case.adults.get()
    first: ConsentRecord = sign(case, adult, [Scope.FILMING, Scope.SUPERVISION])
    client = client_for(owner)
    url = f"/consent/cases/{case.reference}/adults/{adult.pk}/sign/"

    page = client.get(url).content.decode()
    for scope in (Scope.FILMING, Scope.SUPERVISION):
        tag = page.split(f'value="{scope}"', 1)[1].split(">", 1)[0]
        assert "checked" in tag, scope
    training = page.split(f'value="{Scope.TRAINING}"', 1)[1].split(">", 1)[0]
    assert "checked" not in training

    # The adult now agrees to training too; the earlier parts are not refused for being there
    # (nor for being left out of what the browser sends).
    response = client.post(
        url,
        {
            "scopes": [Scope.TRAINING],
            "method": "typed",
            "typed_name": adult.name,
            "confirmed": "on",
            "signed_on": "2020-01-02",
        },
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    record = current_record(adult)
    assert record is not None and record.pk != first.pk
    assert set(record.scopes) == {Scope.FILMING, Scope.SUPERVISION, Scope.TRAINING}
