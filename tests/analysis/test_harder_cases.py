"""The harder generated cases: a television talking in the background (whose speech is
nobody's in the truth) and a child who mostly babbles."""

from __future__ import annotations

import numpy as np
import pytest

from attune.samples import dialogue as testmedia

PEOPLE = [("adult", testmedia.DEV_ADULTS[1]), ("child", testmedia.DEV_CHILDREN[0])]


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not testmedia.espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


def test_a_television_talks_throughout_and_belongs_to_nobody() -> None:
    quiet = testmedia.render_conversation(people=PEOPLE, seed=3, seconds=12)
    with_tv = testmedia.render_conversation(people=PEOPLE, seed=3, seconds=12, tv_db=-10.0)
    assert quiet.tv_frames is None
    assert with_tv.tv_frames is not None
    # the television talks most of the time, the people's truth is unchanged by it
    assert with_tv.tv_frames.mean() > 0.6
    assert np.array_equal(with_tv.adult_frames, quiet.adult_frames)
    assert np.array_equal(with_tv.child_frames, quiet.child_frames)
    # it is heard: in the pauses between the people's speech the sound is far from silent
    pauses = ~(quiet.adult_frames | quiet.child_frames)
    hop = int(testmedia.FRAME * testmedia.SAMPLE_RATE)

    def pause_level(audio: np.ndarray) -> float:
        frames = audio[: pauses.size * hop].reshape(-1, hop)[pauses[: audio.size // hop]]
        return float(np.sqrt(np.mean(frames**2)))

    assert pause_level(with_tv.audio) > 10 * pause_level(quiet.audio) + 1e-4


def test_tv_level_follows_tv_db() -> None:
    louder = testmedia.render_conversation(people=PEOPLE, seed=3, seconds=12, tv_db=-3.0)
    softer = testmedia.render_conversation(people=PEOPLE, seed=3, seconds=12, tv_db=-15.0)
    pauses = ~(louder.adult_frames | louder.child_frames)
    hop = int(testmedia.FRAME * testmedia.SAMPLE_RATE)

    def pause_level(audio: np.ndarray) -> float:
        frames = audio[: pauses.size * hop].reshape(-1, hop)[pauses[: audio.size // hop]]
        return float(np.sqrt(np.mean(frames**2)))

    assert pause_level(louder.audio) > 2 * pause_level(softer.audio)


def test_a_babbling_child_says_syllables_not_words(monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[tuple[str, testmedia.Voice]] = []
    speak = testmedia.speak

    def recording(text: str, voice: testmedia.Voice) -> np.ndarray:
        said.append((text, voice))
        return speak(text, voice)

    monkeypatch.setattr(testmedia, "speak", recording)
    talk = testmedia.render_conversation(people=PEOPLE, seed=5, seconds=20, babble_share=0.8)
    child = [text for text, voice in said if voice == PEOPLE[1][1]]
    assert talk.child_frames.any() and child
    babbled = sum(text in testmedia.BABBLE_LINES for text in child)
    assert babbled >= 0.5 * len(child)
    assert not any(text in testmedia.BABBLE_LINES for text, voice in said if voice != PEOPLE[1][1])
