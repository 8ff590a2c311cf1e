"""The benchmarks score with the issue's definitions: turns merge pauses under 2 s and match
on starts within 0.5 s, serve and return allows 3 s, attribution counts single-speaker
frames only."""

from __future__ import annotations

import numpy as np

from attune.analysis import evaluation
from attune.analysis.engine.result import Segment


def test_pauses_under_two_seconds_stay_in_the_turn() -> None:
    speech = [Segment(0, 1, "adult"), Segment(2.9, 4, "adult"), Segment(6.5, 7, "adult")]
    assert [(t.start, t.end) for t in evaluation.eval_turns(speech)] == [(0, 4), (6.5, 7)]


def test_turns_match_on_speaker_and_start() -> None:
    truth = [Segment(0, 2, "adult"), Segment(3, 4, "child"), Segment(6, 7, "adult")]
    detected = [Segment(0.4, 2, "adult"), Segment(3.2, 4, "adult"), Segment(7.0, 8, "adult")]
    score = evaluation.turn_start_score(detected, truth)
    assert (score.tp, score.fp, score.fn) == (1, 2, 2)


def test_a_return_may_come_up_to_three_seconds_later() -> None:
    turns = [Segment(0, 1, "child"), Segment(3.8, 5, "adult"), Segment(6, 7, "child")]
    late = [Segment(0, 1, "child"), Segment(4.2, 5, "adult")]
    assert [(r.initiative_start, r.response_start) for r in evaluation.eval_returns(turns)] == [
        (0, 3.8)
    ]
    assert evaluation.eval_returns(late) == []


def test_attribution_counts_frames_where_one_speaks() -> None:
    adult = np.zeros(100, bool)
    child = np.zeros(100, bool)
    adult[0:50] = True
    child[40:100] = True  # 40-50 both speak: not counted
    detected = [Segment(0, 0.5, "adult"), Segment(0.5, 0.8, "child"), Segment(0.8, 1.0, "adult")]
    right, frames = evaluation.attribution(detected, adult, child)
    assert frames == 90
    assert right == 40 + 30
