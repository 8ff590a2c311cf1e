"""The number of voices is estimated per film: two adults and a child give three voices, of
which one is the child's, and the child's speech is labelled as such."""

from __future__ import annotations

import numpy as np
import pytest

from attune.analysis.engine.pipeline import analyse_audio
from attune.samples import dialogue as testmedia


def test_a_three_voice_conversation_finds_three_voices() -> None:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    people = [
        ("adult", testmedia.Voice("m3", 60, speed=150)),
        ("adult", testmedia.Voice("f5", 50, speed=170)),
        ("child", testmedia.DEV_CHILDREN[0]),
    ]
    talk = testmedia.render_conversation(people=people, seed=5, seconds=30, raised_share=0.33)
    result = analyse_audio(talk.audio)
    assert len(result.voices) == 3, result.voices
    assert [v["role"] for v in result.voices].count("adult") >= 1
    assert "child" in {v["role"] for v in result.voices}
    child = np.zeros(talk.child_frames.size, bool)
    for s in result.speech:
        if s.speaker == "child":
            child[round(s.start / 0.01) : round(s.end / 0.01)] = True
    # most of the child's speech is labelled the child's
    assert (child & talk.child_frames).sum() >= 0.6 * talk.child_frames.sum()
