"""A film whose sound is silent: "No speech found", nothing invented."""

from __future__ import annotations

from pathlib import Path

from attune.analysis.engine import NO_SPEECH, analyse
from attune.samples import dialogue as testmedia


def test_silent_film_says_no_speech_found(tmp_path: Path) -> None:
    film = testmedia.make_silent_film(tmp_path / "silent.mp4", seconds=4)
    result = analyse(film)
    assert NO_SPEECH in result.notes
    assert result.has_audio is True
    assert result.speech == []
    assert result.suggestions == []


def test_a_file_that_is_not_a_film_gives_a_note(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("This is not a film.\n" * 20, encoding="utf-8")
    result = analyse(bogus)
    assert result.duration == 0
    assert result.notes and "could not" in result.notes[0]
