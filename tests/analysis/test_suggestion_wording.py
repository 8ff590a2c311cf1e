"""Suggestions: short windows, the design's principle names, one sentence in VIG words."""

from __future__ import annotations

import itertools

from attune.analysis.engine import PRINCIPLES, AnalysisResult, Segment, recompute
from attune.analysis.engine.suggestions import clock

DESIGN_PRINCIPLES = {
    "Being attentive",
    "Encouraging initiatives",
    "Receiving initiatives",
    "Developing attuned interactions",
    "Guiding",
    "Deepening discussion",
}


def test_principle_names_are_the_designs() -> None:
    assert set(PRINCIPLES) == DESIGN_PRINCIPLES


def test_a_received_initiative_with_short_turns_reads_like_a_guider() -> None:
    speech = [
        Segment(130.0, 133.0, "adult"),
        Segment(134.0, 135.0, "child"),  # the child starts after a pause
        Segment(135.6, 137.0, "adult"),
        Segment(137.4, 138.0, "child"),
        Segment(138.4, 139.5, "adult"),
        Segment(139.9, 140.5, "child"),
        Segment(141.0, 142.0, "adult"),
    ]
    result = recompute(AnalysisResult(duration=200.0, speech=speech))
    best = result.suggestions[0]
    assert best.reason.startswith("The child spoke at 02:14; you responded after 0.6 s and")
    assert "short turns followed" in best.reason
    assert best.reason.endswith("receiving initiatives, giving and taking short turns")
    assert best.principles[:2] == ["Receiving initiatives", "Developing attuned interactions"]
    assert best.end - best.start <= 10.0


def test_waiting_is_named_as_encouraging_initiatives() -> None:
    speech = [
        Segment(10.0, 12.0, "adult"),
        Segment(14.0, 15.0, "child"),
        Segment(15.5, 17, "adult"),
    ]
    best = recompute(AnalysisResult(duration=30.0, speech=speech)).suggestions[0]
    assert best.reason.startswith("You waited 2.0 s and the child filled the pause at 00:14")
    assert "Encouraging initiatives" in best.principles


def test_suggestions_never_overlap_much_and_stay_short() -> None:
    speech = []
    t = 0.0
    for i in range(40):
        speech.append(Segment(t, t + 0.8, "child" if i % 2 == 0 else "adult"))
        t += 1.3 if i % 6 else 4.0
    result = recompute(AnalysisResult(duration=t + 5, speech=speech))
    spans = sorted((s.start, s.end) for s in result.suggestions)
    assert spans
    for (a0, a1), (b0, b1) in itertools.pairwise(spans):
        assert b0 - a1 >= -0.3 * min(a1 - a0, b1 - b0) - 1e-9
    assert all(b - a <= 10.0 for a, b in spans)


def test_clock_format() -> None:
    assert clock(134.2) == "02:14"
    assert clock(3725) == "1:02:05"
