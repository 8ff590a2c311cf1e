"""Turn-taking rules on hand-made speech: turns, responses, runs, waits, transitions."""

from __future__ import annotations

import pytest

from attune.analysis.engine.result import Segment
from attune.analysis.engine.turns import (
    build_turns,
    find_responses,
    find_runs,
    find_transitions,
    find_waits,
)


def seg(start: float, end: float, who: str) -> Segment:
    return Segment(start, end, who)


def test_one_speakers_short_pauses_stay_in_one_turn() -> None:
    turns = build_turns([seg(0, 1, "adult"), seg(1.4, 2.0, "adult"), seg(4.0, 5.0, "adult")])
    assert [(t.start, t.end) for t in turns] == [(0, 2.0), (4.0, 5.0)]


def test_the_other_speaker_in_the_pause_splits_the_turn() -> None:
    turns = build_turns([seg(0, 1, "adult"), seg(1.1, 1.3, "child"), seg(1.5, 2, "adult")])
    assert [t.speaker for t in turns] == ["adult", "child", "adult"]


def test_child_then_adult_is_a_response_with_latency() -> None:
    turns = build_turns([seg(0, 1, "child"), seg(1.6, 3, "adult")])
    (response,) = find_responses(turns)
    assert response.initiative_start == 0
    assert response.response_start == 1.6
    assert response.latency == pytest.approx(0.6)


def test_a_late_adult_turn_is_not_a_response() -> None:
    assert find_responses(build_turns([seg(0, 1, "child"), seg(3.5, 4, "adult")])) == []


def test_overlapping_response_has_negative_latency() -> None:
    (response,) = find_responses(build_turns([seg(0, 2, "child"), seg(1.8, 3, "adult")]))
    assert response.latency == pytest.approx(-0.2)


def test_adult_first_is_not_a_response() -> None:
    assert find_responses(build_turns([seg(0, 1, "adult"), seg(1.5, 2, "child")])) == []


def test_runs_of_three_or_more_short_alternating_turns() -> None:
    turns = build_turns(
        [
            seg(0, 1, "child"),
            seg(1.5, 3, "adult"),
            seg(3.5, 4, "child"),
            seg(4.5, 6, "adult"),
            seg(12, 13, "child"),
        ]
    )
    (run,) = find_runs(turns)
    assert (run.start, run.end, run.turns) == (0, 6, 4)


def test_long_turns_break_a_run() -> None:
    turns = build_turns([seg(0, 1, "child"), seg(1.5, 9, "adult"), seg(9.5, 10, "child")])
    assert find_runs(turns) == []


def test_adult_waiting_and_the_child_filling_the_pause() -> None:
    turns = build_turns([seg(0, 2, "adult"), seg(4, 5, "child"), seg(5.5, 6, "adult")])
    (wait,) = find_waits(turns)
    assert (wait.start, wait.end) == (2, 4)


def test_transitions_record_gaps_and_overlaps() -> None:
    turns = build_turns([seg(0, 2, "adult"), seg(1.8, 3, "child"), seg(3.5, 4, "adult")])
    gaps = [round(t.gap, 2) for t in find_transitions(turns)]
    assert gaps == [-0.2, 0.5]
