"""A film without a sound track: the picture is analysed and a note says so (and, the picture
being a test pattern, another note says no faces were seen)."""

from __future__ import annotations

from pathlib import Path

from attune.analysis.engine import NO_SOUND, analyse
from attune.analysis.engine.pipeline import NO_FACES
from attune.samples import dialogue as testmedia


def test_picture_only_film_gives_a_note_and_no_crash(tmp_path: Path) -> None:
    film = testmedia.make_picture_only_film(tmp_path / "quiet.mp4", seconds=3)
    result = analyse(film)
    assert NO_SOUND in result.notes
    assert NO_FACES in result.notes and result.faces == [] and result.smiles == []
    assert result.has_audio is False
    assert result.has_video is True
    assert result.speech == [] and result.turns == [] and result.responses == []
    assert 2.5 < result.duration < 3.5
    data = result.to_dict()
    assert data["speech"] == [] and data["notes"]
