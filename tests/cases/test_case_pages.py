"""Case pages: the caseload and its filters, the case's story, forms that explain what is wrong."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases import services
from attune.cases.models import Case, CaseState
from tests.conftest import ClientFor
from tests.factories import make_case, make_ready_case

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def html_of(response: Response) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def field_block(html: str, name: str) -> str:
    """The `<div class="field">` that holds the input called `name`."""
    match = re.search(
        rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{name}".*?</div>', html, re.S
    )
    assert match, f"no field {name}"
    return match.group(0)


def agree(case: Case, film_in_days: int) -> Case:
    services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    services.cycle_update(
        actor=case.guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=film_in_days),
        planned_review_date=None,
    )
    return case


# --------------------------------------------------------------------------- the caseload


def test_caseload_filters_by_state(case: Case, owner: User, client_for: ClientFor) -> None:
    agreed = agree(make_ready_case(owner, child_name="Ava Agreed"), film_in_days=5)
    withdrawn = make_case(owner, child_name="Will Withdrawn")
    services.case_transition(
        actor=owner, case=withdrawn, to_state=CaseState.WITHDRAWN, reason="Family moved away."
    )
    client = client_for(owner)

    open_cases = html_of(client.get("/cases/"))
    assert case.reference in open_cases and agreed.reference in open_cases
    assert withdrawn.reference not in open_cases

    only_agreed = html_of(client.get("/cases/", {"state": "agreed"}))
    assert agreed.reference in only_agreed
    assert case.reference not in only_agreed and withdrawn.reference not in only_agreed

    only_withdrawn = html_of(client.get("/cases/", {"state": "withdrawn"}))
    assert withdrawn.reference in only_withdrawn and case.reference not in only_withdrawn

    everything = html_of(client.get("/cases/", {"state": "all"}))
    assert all(c.reference in everything for c in (case, agreed, withdrawn))

    assert "<title>Caseload · Attune</title>" in open_cases

    nonsense = html_of(client.get("/cases/", {"state": "<script>"}))
    assert withdrawn.reference not in nonsense and case.reference in nonsense


def test_caseload_shows_only_what_each_person_may_see(
    case: Case,
    colleague: User,
    supervisor: User,
    service_admin: User,
    outsider: User,
    client_for: ClientFor,
) -> None:
    assert case.reference not in html_of(client_for(colleague).get("/cases/"))
    assert case.reference not in html_of(client_for(outsider).get("/cases/"))
    assert case.reference in html_of(client_for(supervisor).get("/cases/"))
    assert case.reference in html_of(client_for(service_admin).get("/cases/"))


def test_caseload_flags_a_film_date_that_has_passed(owner: User, client_for: ClientFor) -> None:
    late = agree(make_ready_case(owner, child_name="Leo Late"), film_in_days=-3)
    on_time = agree(make_ready_case(owner, child_name="Olly Ontime"), film_in_days=3)

    html = html_of(client_for(owner).get("/cases/"))

    assert "1 overdue" in html
    rows = {ref: html[html.index(ref) :] for ref in (late.reference, on_time.reference)}
    late_row = rows[late.reference][: rows[late.reference].index("</tr>")]
    on_time_row = rows[on_time.reference][: rows[on_time.reference].index("</tr>")]
    assert "Overdue" in late_row
    assert "Overdue" not in on_time_row

    detail = html_of(client_for(owner).get(f"/cases/{late.reference}/"))
    assert "overdue since" in detail


# --------------------------------------------------------------------------- the case page


def test_case_page_tells_the_story_and_the_read_is_audited(
    case: Case, client_for: ClientFor
) -> None:
    before = AuditEvent.objects.filter(case=case, action="case.viewed").count()

    html = html_of(client_for(case.guider).get(f"/cases/{case.reference}/"))

    assert "The story so far" in html
    story = html[html.index("The story so far") :]
    for entry in (
        "Case opened",
        "Adult added",
        "Initial meeting recorded",
        "Helping question added",
    ):
        assert entry in story
    assert "How can I help Sam tell me about school?" in html
    viewed = AuditEvent.objects.filter(case=case, action="case.viewed").order_by("seq")
    assert viewed.count() == before + 1
    last = viewed.last()
    assert last is not None
    assert last.actor == case.guider
    assert last.details == {"page": "case"}
    # Reads are audited but do not clutter the story.
    assert "case: viewed" not in story.lower()


def test_a_supervisors_read_is_audited_as_theirs(
    case: Case, supervisor: User, client_for: ClientFor
) -> None:
    html = html_of(client_for(supervisor).get(f"/cases/{case.reference}/"))

    assert "read only" in html
    assert AuditEvent.objects.filter(case=case, action="case.viewed", actor=supervisor).exists()


# --------------------------------------------------------------------------- forms


def test_an_invalid_case_form_shows_errors_beside_the_fields(
    owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).post(
        "/cases/new/", {"child_name": "", "setting": "home", "child_age_years": ""}
    )

    html = html_of(response)
    assert "Enter child&#x27;s name." in field_block(html, "child_name")
    assert "Give a date of birth or an age." in field_block(html, "child_date_of_birth")
    assert 'class="field has-error"' in html
    assert not Case.objects.filter(guider=owner).exists()


def test_a_case_form_that_is_valid_opens_the_case(owner: User, client_for: ClientFor) -> None:
    response = client_for(owner).post(
        "/cases/new/", {"child_name": "Nia Evans", "child_age_years": "5", "setting": "school"}
    )

    case = Case.objects.get(guider=owner)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.reference}/adults/add/"
    assert case.child_name == "Nia Evans"
    assert case.state == CaseState.REFERRED


def test_an_illegal_state_change_is_explained_and_changes_nothing(
    case: Case, client_for: ClientFor
) -> None:
    events = AuditEvent.objects.filter(case=case).exclude(action="case.viewed").count()

    response = client_for(case.guider).post(f"/cases/{case.reference}/state/closed/", {})

    html = html_of(response)
    assert "A case that is referred cannot become closed." in html
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    assert AuditEvent.objects.filter(case=case).exclude(action="case.viewed").count() == events


def test_a_blocked_state_change_lists_what_is_missing(owner: User, client_for: ClientFor) -> None:
    bare = make_case(owner)

    html = html_of(client_for(owner).post(f"/cases/{bare.reference}/state/agreed/", {}))

    assert "Add at least one adult taking part." in html
    assert "Record the initial meeting" in html
    bare.refresh_from_db()
    assert bare.state == CaseState.REFERRED


def test_withdrawal_without_a_reason_asks_for_one_beside_the_field(
    case: Case, client_for: ClientFor
) -> None:
    html = html_of(
        client_for(case.guider).post(f"/cases/{case.reference}/state/withdrawn/", {"reason": ""})
    )

    reason = field_block(html, "reason")
    assert "Why is the work ending?" in reason
    assert "Say why the work is ending." in reason
    assert "(optional)" not in reason
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_a_transition_form_labels_its_own_field(case: Case, client_for: ClientFor) -> None:
    # The page's own title must not leak into the field's label.
    html = html_of(client_for(case.guider).get(f"/cases/{case.reference}/state/agreed/"))

    assert "Reason or note" in field_block(html, "reason")


def test_a_legal_state_change_moves_the_case_on(case: Case, client_for: ClientFor) -> None:
    # An empty POST is a submission too: the note is optional.
    response = client_for(case.guider).post(f"/cases/{case.reference}/state/agreed/", {})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.AGREED
