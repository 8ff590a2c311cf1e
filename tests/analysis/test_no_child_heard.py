"""A film with two adults and no child says "no child heard", labels nobody a child and
proposes nothing about a child's initiative; the rule that names a voice a child's has an
absolute pitch bar that no relative cue can overrule."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from attune.analysis.engine import AnalysisResult, analyse
from attune.analysis.engine.cli import run
from attune.analysis.engine.pipeline import analyse_audio
from attune.analysis.engine.speakers import NO_CHILD, child_confidence
from attune.samples import dialogue as testmedia

#: Two adults at everyday pitches (a man at about 110 Hz, a woman at about 190 Hz, like the
#: women of real recordings), talking to each other.
TWO_ADULTS = [
    ("adult", testmedia.Voice("m3", 60, speed=150)),
    ("adult", testmedia.Voice("f5", 40, speed=170)),
]
#: Two women of similar pitch (about 170 and 185 Hz), as in the real recording of the bench.
TWO_WOMEN = [
    ("adult", testmedia.Voice("f5", 40, speed=170)),
    ("adult", testmedia.Voice("steph", 45, speed=150)),
]


@pytest.fixture(scope="module")
def two_adults(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AnalysisResult]:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    path = tmp_path_factory.mktemp("adults") / "two-adults.mp4"
    talk = testmedia.render_conversation(people=TWO_ADULTS, seed=4, seconds=30)
    testmedia.write_film(path, talk.audio)
    return path, analyse(path)


def test_two_adults_give_no_child_heard(two_adults: tuple[Path, AnalysisResult]) -> None:
    _, result = two_adults
    assert result.speech, "the adults' speech is heard"
    assert NO_CHILD in result.notes
    assert {s.speaker for s in result.speech} == {"adult"}
    assert len(result.voices) == 2
    assert all(v["role"] == "adult" for v in result.voices)


def test_no_child_initiative_is_suggested(two_adults: tuple[Path, AnalysisResult]) -> None:
    _, result = two_adults
    assert result.responses == []
    assert result.waits == []
    assert all("child" not in s.reason.lower() for s in result.suggestions)
    assert all(s.kind not in ("response", "wait", "run") for s in result.suggestions)


def test_json_carries_the_note_and_the_voices(two_adults: tuple[Path, AnalysisResult]) -> None:
    path, _ = two_adults
    out = io.StringIO()
    assert run(path, as_json=True, out=out, err=io.StringIO()) == 0
    data = json.loads(out.getvalue())
    assert NO_CHILD in data["notes"]
    assert [v["role"] for v in data["voices"]] == ["adult", "adult"]


@pytest.mark.parametrize("seed", [4, 7])
def test_two_women_of_similar_pitch_are_two_adults_and_no_child(seed: int) -> None:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    talk = testmedia.render_conversation(people=TWO_WOMEN, seed=seed, seconds=30)
    result = analyse_audio(talk.audio)
    assert [v["role"] for v in result.voices] == ["adult", "adult"], result.voices
    assert NO_CHILD in result.notes
    assert {s.speaker for s in result.speech} == {"adult"}
    assert result.responses == [] and result.waits == []
    assert all(s.kind not in ("response", "wait", "run") for s in result.suggestions)


@pytest.mark.parametrize("pitch", [120.0, 190.0, 240.0])
def test_an_adult_pitch_is_never_a_child_whatever_the_other_cues(pitch: float) -> None:
    assert child_confidence(pitch, vote=6.0) == 0.0


def test_a_high_voice_that_the_other_cues_call_a_child_is_one() -> None:
    assert child_confidence(330.0, vote=3.0) >= 0.9
    assert child_confidence(330.0, vote=-3.0) < 0.5
