"""The number of voices is estimated per film: two adults and a child give three voices, two
named adult and one named child, and each person's speech carries their role."""

from __future__ import annotations

import numpy as np
import pytest

from attune.analysis.engine.pipeline import analyse_audio
from attune.analysis.engine.result import Segment
from attune.samples import dialogue as testmedia

#: A man, a woman who raises her pitch on a third of her lines, and a child.
PEOPLE = [
    ("adult", testmedia.Voice("m3", 60, speed=150)),
    ("adult", testmedia.Voice("f5", 50, speed=170)),
    ("child", testmedia.DEV_CHILDREN[0]),
]
SEEDS = (1, 2, 3, 4, 5)


def _frames(speech: list[Segment], speaker: str, n: int) -> np.ndarray:
    out = np.zeros(n, bool)
    for s in speech:
        if s.speaker == speaker:
            out[round(s.start / 0.01) : round(s.end / 0.01)] = True
    return out


def test_three_voice_conversations_find_three_voices() -> None:
    """Five 30 s conversations of the same three people: most give exactly three voices,
    named adult, adult and child, and in those the child's and the adults' speech mostly
    carries the right role.  (Counting voices on 30 s is not always right: the figures over
    many films are in ``bench/analysis_quality.py``.)"""
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    right = []
    for seed in SEEDS:
        talk = testmedia.render_conversation(
            people=PEOPLE, seed=seed, seconds=30, raised_share=0.33
        )
        result = analyse_audio(talk.audio)
        roles = sorted(v["role"] for v in result.voices)
        assert 2 <= len(roles) <= 4, result.voices
        if roles != ["adult", "adult", "child"]:
            continue
        right.append(seed)
        n = talk.child_frames.size
        child = _frames(result.speech, "child", n)
        adult = _frames(result.speech, "adult", n)
        assert (child & talk.child_frames).sum() >= 0.6 * talk.child_frames.sum(), seed
        assert (adult & talk.adult_frames).sum() >= 0.8 * talk.adult_frames.sum(), seed
    assert len(right) >= 3, f"three voices named adult, adult, child only for seeds {right}"
