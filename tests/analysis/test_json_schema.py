"""The JSON form has exactly the documented keys (later checks read it)."""

from __future__ import annotations

import json

from attune.analysis.engine import PRINCIPLES
from tests.analysis.conftest import AnalysedDialogue

REQUIRED = {"duration", "speech", "turns", "responses", "suggestions"}


def test_json_has_the_documented_shape(clean_dialogue: AnalysedDialogue) -> None:
    data = json.loads(clean_dialogue.result.to_json())
    assert set(data) >= REQUIRED
    assert isinstance(data["duration"], float)
    assert data["speech"] and data["turns"] and data["responses"] and data["suggestions"]
    for item in data["speech"] + data["turns"]:
        assert set(item) == {"start", "end", "speaker"}
        assert item["speaker"] in {"adult", "child"}
        assert 0 <= item["start"] < item["end"] <= data["duration"] + 0.01
    for item in data["responses"]:
        assert set(item) == {"initiative_start", "response_start", "latency"}
        assert item["response_start"] > item["initiative_start"]
    for item in data["suggestions"]:
        assert set(item) == {"start", "end", "score", "principles", "reason", "confidence"}
        assert 0.0 < item["confidence"] <= 1.0
        assert 0 < item["end"] - item["start"] <= 10.0
        assert 0.0 <= item["score"] <= 1.0
        assert item["principles"] and set(item["principles"]) <= set(PRINCIPLES)
        assert item["reason"].strip() and item["reason"][0].isupper()
    scores = [s["score"] for s in data["suggestions"]]
    assert scores == sorted(scores, reverse=True)


def test_result_round_trips_through_json(clean_dialogue: AnalysedDialogue) -> None:
    from attune.analysis.engine import AnalysisResult

    data = clean_dialogue.result.to_dict()
    again = AnalysisResult.from_dict(json.loads(json.dumps(data))).to_dict()
    assert again == data
