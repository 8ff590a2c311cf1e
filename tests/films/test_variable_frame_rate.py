"""A phone film whose frame rate varies (frames dropped under load) is made constant at the
camera's rate, so every frame has a fixed time: frame-exact stepping, clips and stills hold."""

from __future__ import annotations

import itertools
from pathlib import Path

import av

from attune.films import media
from attune.films.media.steps.playable import _rate_argument
from attune.samples.films import make_film


def test_a_variable_rate_film_is_made_constant_at_the_cameras_rate(tmp_path: Path) -> None:
    src = make_film(tmp_path / "phone.mp4", seconds=4, fps=30, vfr=True, width=160, height=96)

    probed = media.probe(src)

    assert probed.is_variable_frame_rate
    assert probed.fps == 30.0  # the camera's rate, not the lower average of what was kept
    assert "variable frame rate" in probed.transcode_reasons
    assert not probed.video_copyable

    outputs = media.process(src, tmp_path / "out", probed, max_height=96)

    assert not outputs.remuxed
    assert outputs.fps == 30.0
    with av.open(str(outputs.film_path)) as container:
        times = [float(f.time) for f in container.decode(video=0) if f.time is not None]
    steps = {round(b - a, 4) for a, b in itertools.pairwise(times)}
    assert steps == {round(1 / 30, 4)}
    assert abs(len(times) - 4 * 30) <= 2
    assert not media.probe(outputs.film_path).is_variable_frame_rate


def test_an_ntsc_rate_is_passed_exactly() -> None:
    assert _rate_argument(29.97) == "30000/1001"
    assert _rate_argument(25.0) == "25/1"
    assert _rate_argument(12.5) == "12.500"


def test_a_steady_film_is_still_copied(tmp_path: Path) -> None:
    src = make_film(tmp_path / "steady.mp4", seconds=2, fps=30, width=160, height=96)

    probed = media.probe(src)

    assert not probed.is_variable_frame_rate and probed.video_copyable
