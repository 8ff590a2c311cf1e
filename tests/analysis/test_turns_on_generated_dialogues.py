"""On generated dialogues with known timings, the detected speech, turns and serve-and-return
moments match the ground truth within tolerances."""

from __future__ import annotations

import pytest

from attune.analysis import evaluation
from tests.analysis.conftest import AnalysedDialogue


@pytest.mark.parametrize("name", ["clean_dialogue", "noisy_dialogue"])
def test_speech_is_found_frame_by_frame(name: str, request: pytest.FixtureRequest) -> None:
    d: AnalysedDialogue = request.getfixturevalue(name)
    score = evaluation.speech_score(d.result.speech, d.truth.adult_frames, d.truth.child_frames)
    assert score.f1 >= 0.85, score.as_dict()


@pytest.mark.parametrize("name", ["clean_dialogue", "noisy_dialogue"])
def test_adult_and_child_are_told_apart(name: str, request: pytest.FixtureRequest) -> None:
    d: AnalysedDialogue = request.getfixturevalue(name)
    scores = evaluation.speaker_scores(d.result.speech, d.truth.adult_frames, d.truth.child_frames)
    assert scores["adult"].f1 >= 0.8, scores["adult"].as_dict()
    assert scores["child"].f1 >= 0.75, scores["child"].as_dict()


def test_turns_match_on_a_clean_dialogue(clean_dialogue: AnalysedDialogue) -> None:
    d = clean_dialogue
    assert len(d.truth.turns) >= 8
    score = evaluation.turn_score(d.result.turns, d.truth.turns)
    assert score.f1 >= 0.8, (score.as_dict(), d.result.turns, d.truth.turns)


def test_turns_match_in_noise(noisy_dialogue: AnalysedDialogue) -> None:
    d = noisy_dialogue
    score = evaluation.turn_score(d.result.turns, d.truth.turns)
    assert score.f1 >= 0.75, (score.as_dict(), d.result.turns, d.truth.turns)


@pytest.mark.parametrize("name", ["clean_dialogue", "noisy_dialogue"])
def test_serve_and_return_is_found_with_its_latency(
    name: str, request: pytest.FixtureRequest
) -> None:
    d: AnalysedDialogue = request.getfixturevalue(name)
    assert len(d.truth.responses) >= 2
    score = evaluation.response_score(d.result.responses, d.truth.responses)
    assert score.recall >= 0.75, (score.as_dict(), d.result.responses, d.truth.responses)
    assert score.precision >= 0.6, (score.as_dict(), d.result.responses, d.truth.responses)
    errors = evaluation.latency_errors(d.result.responses, d.truth.responses)
    assert errors
    assert all(abs(e) <= 0.5 for e in errors), errors


def test_suggestions_point_at_responses(clean_dialogue: AnalysedDialogue) -> None:
    result = clean_dialogue.result
    assert result.suggestions
    best = result.suggestions[0]
    assert best.end - best.start <= 10.0
    assert "Receiving initiatives" in best.principles or "Developing attuned interactions" in (
        best.principles
    )
    assert any(
        s.start <= r.initiative_start <= s.end
        for s in result.suggestions
        for r in clean_dialogue.truth.responses
    )
