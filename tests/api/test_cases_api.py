"""The cases API: reads, writes, and the one error shape for every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case, CaseState
from tests.conftest import ClientFor


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> None:
    """Every refusal answers {"error": {"code", "message", "fields": [{"field", "message"}]}}."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    for item in error["fields"]:
        assert set(item) == {"field", "message"}
    if field is not None:
        assert field in [item["field"] for item in error["fields"]]
        assert field in error["message"] or error["fields"]


@pytest.fixture
def api(owner: User, client_for: ClientFor) -> Client:
    return client_for(owner)


def test_list_cases_and_filter_by_state(case: Case, api: Client) -> None:
    listed = api.get("/api/cases")
    assert listed.status_code == 200
    [summary] = listed.json()
    assert summary["reference"] == case.reference
    assert summary["state"] == "referred"
    assert summary["child_name"] == "Sam Carter"
    assert summary["child_age"] == 6
    assert summary["guider"] == "owner@example.org"

    assert api.get("/api/cases", {"state": "agreed"}).json() == []
    assert_error(api.get("/api/cases", {"state": "nonsense"}), 422, "validation_error", "state")


def test_get_one_case_with_its_adults_and_cycles(case: Case, api: Client) -> None:
    response = api.get(f"/api/cases/{case.reference}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert [a["name"] for a in body["adults"]] == ["Jo Carter"]
    assert [c["number"] for c in body["cycles"]] == [1, 2, 3]
    assert AuditEvent.objects.filter(
        case=case, action="case.viewed", details={"page": "api"}
    ).exists()


def test_open_a_case_with_its_adults(owner: User, api: Client) -> None:
    response = api.post(
        "/api/cases",
        {
            "child_name": "Ruby Singh",
            "child_age_years": 3,
            "setting": "nursery",
            "adults": [{"name": "Mina Singh", "kind": "parent_carer", "relationship": "mother"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert case.guider == owner
    assert case.state == CaseState.REFERRED
    assert [a["name"] for a in body["adults"]] == ["Mina Singh"]
    assert AuditEvent.objects.filter(case=case, action="adult.added").count() == 1


def test_a_bad_case_names_the_field(api: Client) -> None:
    response = api.post(
        "/api/cases", {"child_name": "", "setting": "moon"}, content_type="application/json"
    )

    assert_error(response, 422, "validation_error", "child_name")
    assert "setting" in [f["field"] for f in response.json()["error"]["fields"]]
    assert not Case.objects.exists()


def test_helping_questions_list_and_add(case: Case, api: Client) -> None:
    adult = case.adults.get()
    url = f"/api/cases/{case.reference}/helping-questions"

    [existing] = api.get(url).json()
    assert existing["adult_name"] == "Jo Carter"
    assert (existing["baseline"], existing["hoped_for"]) == (3, 7)

    added = api.post(
        url,
        {"adult_id": adult.pk, "text": "How can I enjoy bath time with Sam?", "baseline": 2},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["hoped_for"] is None
    assert len(api.get(url).json()) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"baseline": 11}, "baseline"),
        ({"baseline": -1}, "baseline"),
        ({"hoped_for": 12}, "hoped_for"),
        ({"text": ""}, "text"),
    ],
)
def test_a_bad_helping_question_names_the_field(
    case: Case, api: Client, change: dict[str, object], field: str
) -> None:
    payload: dict[str, object] = {"adult_id": case.adults.get().pk, "text": "Q", "baseline": 3}
    payload.update(change)

    response = api.post(
        f"/api/cases/{case.reference}/helping-questions", payload, content_type="application/json"
    )

    assert_error(response, 422, "validation_error", field)
    assert case.helping_questions.count() == 1


def test_a_service_refusal_has_the_same_shape(case: Case, api: Client) -> None:
    response = api.post(
        f"/api/cases/{case.reference}/helping-questions",
        {"adult_id": case.adults.get().pk, "text": "Q", "baseline": 6, "hoped_for": 2},
        content_type="application/json",
    )

    assert_error(response, 422, "invalid", "hoped_for")


def test_an_adult_from_another_case_is_not_found(case: Case, owner: User, api: Client) -> None:
    from tests.factories import add_adult, make_case

    stranger = add_adult(make_case(owner, child_name="Other"), name="Stranger")

    response = api.post(
        f"/api/cases/{case.reference}/helping-questions",
        {"adult_id": stranger.pk, "text": "Q", "baseline": 3},
        content_type="application/json",
    )

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("role", ["outsider", "colleague"])
def test_a_case_out_of_reach_is_not_found(
    case: Case, role: str, request: pytest.FixtureRequest, client_for: ClientFor
) -> None:
    client = client_for(request.getfixturevalue(role))

    assert_error(client.get(f"/api/cases/{case.reference}"), 404, "not_found")
    assert_error(client.get(f"/api/cases/{case.reference}/helping-questions"), 404, "not_found")
    assert_error(
        client.post(
            f"/api/cases/{case.reference}/helping-questions",
            {"adult_id": case.adults.get().pk, "text": "Q", "baseline": 3},
            content_type="application/json",
        ),
        404,
        "not_found",
    )
    assert client.get("/api/cases").json() == []


def test_a_read_only_user_is_refused_writes(
    case: Case, service_admin: User, client_for: ClientFor
) -> None:
    client = client_for(service_admin)

    assert client.get(f"/api/cases/{case.reference}").status_code == 200
    assert_error(
        client.post(
            f"/api/cases/{case.reference}/helping-questions",
            {"adult_id": case.adults.get().pk, "text": "Q", "baseline": 3},
            content_type="application/json",
        ),
        403,
        "forbidden",
    )


def test_anonymous_requests_are_unauthorised(case: Case) -> None:
    anonymous = Client()

    assert_error(anonymous.get("/api/cases"), 401, "unauthorised")
    assert_error(anonymous.get(f"/api/cases/{case.reference}"), 401, "unauthorised")
    assert_error(
        anonymous.post("/api/cases", {"child_name": "X"}, content_type="application/json"),
        401,
        "unauthorised",
    )


def test_the_api_documents_itself(owner: User, client_for: ClientFor) -> None:
    client = client_for(owner)

    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"Attune API" in docs.content or b"openapi.json" in docs.content

    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/cases" in paths
    assert "/api/cases/{reference}/helping-questions" in paths
