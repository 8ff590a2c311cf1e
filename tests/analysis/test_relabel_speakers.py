"""After the guider swaps or merges speakers, turns, responses and suggestions follow."""

from __future__ import annotations

import pytest

from attune.analysis.engine import AnalysisResult, Segment, reanalyse_with_labels, recompute


def _result() -> AnalysisResult:
    speech = [
        Segment(1.0, 2.0, "adult"),
        Segment(2.6, 3.6, "child"),
        Segment(4.0, 5.5, "adult"),
        Segment(6.0, 6.8, "child"),
        Segment(7.2, 8.5, "adult"),
    ]
    return recompute(AnalysisResult(duration=10.0, speech=speech))


def test_swapping_speakers_moves_the_responses() -> None:
    before = _result()
    assert [r.initiative_start for r in before.responses] == [2.6, 6.0]
    after = reanalyse_with_labels(before, {"adult": "child", "child": "adult"})
    assert [s.speaker for s in after.speech] == ["child", "adult", "child", "adult", "child"]
    assert [r.initiative_start for r in after.responses] == [1.0, 4.0]
    assert after.suggestions


def test_merging_speakers_leaves_no_serve_and_return() -> None:
    after = reanalyse_with_labels(_result(), {"child": "adult"})
    assert {s.speaker for s in after.speech} == {"adult"}
    assert after.responses == []
    assert all(t.speaker == "adult" for t in after.turns)


def test_per_segment_labels_and_json_input() -> None:
    data = _result().to_dict()
    after = reanalyse_with_labels(data, ["adult", "adult", "adult", "child", "adult"])
    assert [r.initiative_start for r in after.responses] == [6.0]


def test_bad_labels_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown speaker"):
        reanalyse_with_labels(_result(), {"adult": "parent"})
    with pytest.raises(ValueError, match="labels given"):
        reanalyse_with_labels(_result(), ["adult"])
