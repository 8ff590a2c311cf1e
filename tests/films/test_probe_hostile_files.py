"""Every awkward or malicious upload gets the right outcome, and only MediaRejected escapes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from attune.films import media
from tests.hostile_media import EXPECTATIONS, HOSTILE_KINDS, make_film, make_hostile

OUTPUT_FILES = {"film.mp4", "poster.jpg", "sprite.jpg", "sprite.json", "waveform.json"}


@dataclass
class Handled:
    outcome: str
    reason: str | None = None
    probe: media.ProbeResult | None = None
    outputs: media.ProcessOutputs | None = None


def handle_upload(path: Path, out_dir: Path) -> Handled:
    """What the film worker does: probe, then process.  Only MediaRejected is expected."""
    try:
        result = media.probe(path)
    except media.MediaRejected as exc:
        return Handled("reject", reason=exc.reason)
    outputs = media.process(path, out_dir, result)
    outcome = "accept_remux" if outputs.remuxed else "accept_transcode"
    return Handled(outcome, probe=result, outputs=outputs)


def test_the_hostile_set_is_broad() -> None:
    assert len(HOSTILE_KINDS) >= 15
    outcomes = {expect.outcome for expect in EXPECTATIONS.values()}
    assert outcomes == {"accept_remux", "accept_transcode", "reject"}
    for kind, expect in EXPECTATIONS.items():
        assert (expect.keyword is not None) == (expect.outcome == "reject"), kind


@pytest.mark.parametrize("kind", HOSTILE_KINDS)
def test_hostile_file(kind: str, tmp_path: Path) -> None:
    expect = EXPECTATIONS[kind]
    upload = tmp_path / f"upload{expect.suffix}"
    out_dir = tmp_path / "out"
    make_hostile(kind, upload)

    handled = handle_upload(upload, out_dir)

    assert handled.outcome == expect.outcome, (kind, handled.reason, handled.probe)
    if expect.outcome == "reject":
        assert handled.reason is not None and expect.keyword is not None
        assert expect.keyword.lower() in handled.reason.lower(), handled.reason
        assert handled.reason[0].isupper() and handled.reason.endswith("."), handled.reason
        assert not out_dir.exists()
        return

    assert handled.outputs is not None
    assert set(os.listdir(out_dir)) == OUTPUT_FILES
    playable = media.probe(handled.outputs.film_path)
    assert playable.browser_playable, playable.transcode_reasons
    assert playable.rotation == 0
    assert handled.probe is not None
    assert abs(playable.duration - handled.probe.duration) < 0.3


def test_rotated_film_is_probed_and_comes_out_upright(tmp_path: Path) -> None:
    upload = tmp_path / "rotated.mp4"
    make_hostile("rotated_90", upload)  # 320x240 stored, rotated 90 degrees for display

    result = media.probe(upload)
    assert (result.width, result.height) == (320, 240)
    assert result.rotation == 90
    assert (result.display_width, result.display_height) == (240, 320)
    assert not result.browser_playable

    outputs = media.process(upload, tmp_path / "out", result)
    assert not outputs.remuxed
    assert (outputs.width, outputs.height) == (240, 320)
    with av.open(str(outputs.film_path)) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (240, 320)
        assert frame.rotation == 0
    assert media.probe(outputs.film_path).rotation == 0


def test_phone_style_film_is_variable_rate_and_rotated(tmp_path: Path) -> None:
    upload = tmp_path / "IMG_0001.MOV"
    make_hostile("vfr_phone", upload)
    result = media.probe(upload)
    assert result.is_variable_frame_rate
    assert result.rotation == 90
    assert result.container == "mov"

    steady = media.probe(make_film(tmp_path / "steady.mp4", seconds=2))
    assert not steady.is_variable_frame_rate


def test_script_hidden_in_a_free_box_is_dropped(tmp_path: Path) -> None:
    upload = tmp_path / "upload.mp4"
    make_hostile("polyglot_mp4_html", upload)
    assert b"<script>" in upload.read_bytes()
    outputs = media.process(upload, tmp_path / "out", media.probe(upload))
    assert outputs.remuxed
    assert b"<script>" not in outputs.film_path.read_bytes()


def test_duration_limit(tmp_path: Path) -> None:
    film = make_film(tmp_path / "film.mp4", seconds=3, width=160, height=120, audio=False)
    assert media.probe(film, max_duration_s=10).duration == pytest.approx(3, abs=0.1)
    with pytest.raises(media.MediaRejected) as caught:
        media.probe(film, max_duration_s=2)
    assert caught.value.reason == "The film is 3 seconds long; the limit is 2 seconds."


def test_long_film_reason_is_in_minutes(tmp_path: Path) -> None:
    upload = tmp_path / "upload.mp4"
    make_hostile("long_declared", upload)
    with pytest.raises(media.MediaRejected) as caught:
        media.probe(upload)
    assert caught.value.reason == "The film is 75 minutes long; the limit is 60 minutes."


def test_pixel_limit(tmp_path: Path) -> None:
    film = make_film(tmp_path / "film.mp4", seconds=1, width=160, height=120, audio=False)
    with pytest.raises(media.MediaRejected) as caught:
        media.probe(film, max_pixels=100 * 100)
    assert "160×120" in caught.value.reason


def test_absurd_dimensions_reason(tmp_path: Path) -> None:
    upload = tmp_path / "upload.mp4"
    make_hostile("absurd_dimensions", upload)
    with pytest.raises(media.MediaRejected) as caught:
        media.probe(upload)
    assert caught.value.reason == (
        "The picture size 40000×40000 is not plausible for a camera recording."
    )


def test_missing_file_is_an_os_error_not_a_rejection(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        media.probe(tmp_path / "nothing-here.mp4")


def test_probe_result_is_json_friendly(tmp_path: Path) -> None:
    import json

    result = media.probe(make_film(tmp_path / "film.mp4", seconds=1, width=160, height=120))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["video_codec"] == "h264"
    assert data["container"] == "mp4"
    assert data["has_audio"] is True
    assert data["audio_codec"] == "aac"
    assert data["browser_playable"] is True
    assert data["frame_count"] == 25
