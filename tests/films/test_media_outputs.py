"""What process() writes: a browser-playable film, poster, sprite and waveform."""

from __future__ import annotations

import itertools
import json
import math
import os
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from attune.films import media
from attune.samples.films import make_film

MARKER = "PRIVATE-MARKER-7f3a9c"
OUTPUT_FILES = {"film.mp4", "poster.jpg", "sprite.jpg", "sprite.json", "waveform.json"}


@pytest.fixture(scope="module")
def remuxed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, media.ProcessOutputs]:
    """A 5 s playable H.264/AAC MP4 (moov at the end, one key frame) and its outputs."""
    base = tmp_path_factory.mktemp("remuxed")
    src = make_film(base / "src.mp4", seconds=5, marker=MARKER, faststart=False)
    outputs = media.process(src, base / "out", media.probe(src))
    return src, outputs


def box_types(path: Path) -> list[str]:
    return [box_type for box_type, _, _ in media.top_level_boxes(path)]


def test_playable_film_is_remuxed_with_moov_first(
    remuxed: tuple[Path, media.ProcessOutputs],
) -> None:
    src, outputs = remuxed
    source_boxes = box_types(src)
    assert source_boxes.index("mdat") < source_boxes.index("moov")  # not faststart

    assert outputs.remuxed
    boxes = box_types(outputs.film_path)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat")
    assert (outputs.width, outputs.height) == (320, 240)
    assert outputs.duration == pytest.approx(5, abs=0.1)
    assert outputs.fps == pytest.approx(25)
    assert outputs.has_audio
    result = media.probe(outputs.film_path)
    assert result.browser_playable
    assert (result.video_codec, result.audio_codec) == ("h264", "aac")


def test_outputs_are_only_the_expected_files(remuxed: tuple[Path, media.ProcessOutputs]) -> None:
    src, outputs = remuxed
    out_dir = outputs.film_path.parent
    assert set(os.listdir(out_dir)) == OUTPUT_FILES
    assert sorted(os.listdir(src.parent)) == ["out", "src.mp4"]
    data = json.loads(json.dumps(outputs.to_dict()))
    assert data["film_path"] == str(out_dir / "film.mp4")
    assert data["remuxed"] is True


def test_metadata_does_not_survive(remuxed: tuple[Path, media.ProcessOutputs]) -> None:
    src, outputs = remuxed
    assert MARKER.encode() in src.read_bytes()
    for name in OUTPUT_FILES:
        assert MARKER.encode() not in (outputs.film_path.parent / name).read_bytes(), name
    with av.open(str(outputs.film_path)) as container:
        assert "title" not in container.metadata
        assert "comment" not in container.metadata


@pytest.mark.parametrize(("codec", "container"), [("vp9", "webm"), ("hevc", "mp4")])
def test_other_codecs_are_transcoded_within_max_height(
    codec: str, container: str, tmp_path: Path
) -> None:
    src = make_film(
        tmp_path / f"src.{container}", seconds=2, codec=codec, container=container, marker=MARKER
    )
    result = media.probe(src)
    assert not result.browser_playable
    assert result.video_codec == codec

    outputs = media.process(src, tmp_path / "out", result, max_height=120)

    assert not outputs.remuxed
    assert (outputs.width, outputs.height) == (160, 120)
    converted = media.probe(outputs.film_path)
    assert converted.browser_playable
    assert (converted.video_codec, converted.pix_fmt, converted.profile) == (
        "h264",
        "yuv420p",
        "High",
    )
    assert converted.audio_codec == "aac"
    assert converted.duration == pytest.approx(2, abs=0.15)
    boxes = box_types(outputs.film_path)
    assert boxes.index("moov") < boxes.index("mdat")
    assert MARKER.encode() not in outputs.film_path.read_bytes()


def test_transcode_never_upscales(tmp_path: Path) -> None:
    src = make_film(
        tmp_path / "src.webm",
        seconds=1,
        width=160,
        height=120,
        codec="vp9",
        container="webm",
        audio=False,
    )
    outputs = media.process(src, tmp_path / "out", media.probe(src), max_height=720)
    assert (outputs.width, outputs.height) == (160, 120)
    assert not outputs.has_audio


def test_poster_is_a_jpeg_of_the_film(remuxed: tuple[Path, media.ProcessOutputs]) -> None:
    _, outputs = remuxed
    with Image.open(outputs.poster_path) as poster:
        assert poster.format == "JPEG"
        assert poster.size == (320, 240)
        assert np.asarray(poster.convert("L")).std() > 10  # a picture, not a blank


def test_poster_is_at_most_640_wide(tmp_path: Path) -> None:
    src = make_film(tmp_path / "src.mp4", seconds=1, width=1280, height=720, audio=False)
    outputs = media.process(src, tmp_path / "out", media.probe(src))
    assert outputs.remuxed and outputs.width == 1280
    with Image.open(outputs.poster_path) as poster:
        assert poster.size == (640, 360)


def test_sprite_layout_rule() -> None:
    assert media.sprite_layout(5) == (2.0, 3)
    assert media.sprite_layout(200) == (2.0, 100)
    assert media.sprite_layout(900) == (9.0, 100)
    assert media.sprite_layout(3600) == (36.0, 100)
    assert media.sprite_layout(0.5) == (2.0, 1)


def _tiles(sprite_path: Path, meta: dict[str, int]) -> list[np.ndarray]:
    with Image.open(sprite_path) as sheet:
        pixels = np.asarray(sheet.convert("L"), dtype=np.float32)
    width, height, columns = meta["tile_width"], meta["tile_height"], meta["columns"]
    return [
        pixels[
            (i // columns) * height : (i // columns + 1) * height,
            (i % columns) * width : (i % columns + 1) * width,
        ]
        for i in range(meta["count"])
    ]


def _check_sprite(outputs: media.ProcessOutputs) -> dict[str, int]:
    meta = json.loads(outputs.sprite_json_path.read_text())
    interval = max(2.0, outputs.duration / 100)
    assert meta["interval"] == pytest.approx(interval)
    assert meta["count"] == math.ceil(outputs.duration / interval - 1e-6)
    assert meta["times"] == pytest.approx([i * interval for i in range(meta["count"])])
    assert meta["tile_width"] == 160
    assert meta["tile_height"] == round(160 * outputs.height / outputs.width)
    assert meta["columns"] == min(10, meta["count"])
    rows = math.ceil(meta["count"] / meta["columns"])
    with Image.open(outputs.sprite_path) as sheet:
        assert sheet.format == "JPEG"
        assert sheet.size == (meta["columns"] * meta["tile_width"], rows * meta["tile_height"])
    tiles = _tiles(outputs.sprite_path, meta)
    # testsrc2 changes over time: neighbouring tiles must show different moments.
    for first, second in itertools.pairwise(tiles):
        assert np.abs(first - second).mean() > 2
    return meta


def test_sprite_when_key_frames_are_sparse(remuxed: tuple[Path, media.ProcessOutputs]) -> None:
    # The remuxed 5 s film has a single key frame, so every frame has to be decoded.
    _, outputs = remuxed
    meta = _check_sprite(outputs)
    assert meta["count"] == 3


def test_sprite_from_key_frames(tmp_path: Path) -> None:
    src = make_film(tmp_path / "src.mp4", seconds=6, width=160, height=120, keyint=25, audio=False)
    outputs = media.process(src, tmp_path / "out", media.probe(src))
    assert outputs.remuxed
    assert _check_sprite(outputs)["count"] == 3


def test_sprite_of_portrait_film(tmp_path: Path) -> None:
    src = make_film(tmp_path / "src.mp4", seconds=3, rotate=90, audio=False)
    outputs = media.process(src, tmp_path / "out", media.probe(src))
    meta = _check_sprite(outputs)
    assert meta["tile_height"] == round(160 * 320 / 240)


def _peaks(outputs: media.ProcessOutputs) -> tuple[int, list[float]]:
    data = json.loads(outputs.waveform_path.read_text())
    return data["rate"], data["peaks"]


def test_waveform_of_a_tone(remuxed: tuple[Path, media.ProcessOutputs]) -> None:
    _, outputs = remuxed
    rate, peaks = _peaks(outputs)
    assert rate == 10
    assert abs(len(peaks) - outputs.duration * rate) <= 2
    assert all(0.0 <= p <= 1.0 for p in peaks)
    assert all(p == round(p, 3) for p in peaks)
    assert min(peaks[1:-1]) > 0.35  # the generator's tone has amplitude 0.5


def test_waveform_of_silence_and_of_no_sound(tmp_path: Path) -> None:
    silent = make_film(tmp_path / "silent.mp4", seconds=2, width=160, height=120, silent_audio=True)
    _, peaks = _peaks(media.process(silent, tmp_path / "silent", media.probe(silent)))
    assert len(peaks) >= 19
    assert max(peaks) < 0.01

    mute = make_film(tmp_path / "mute.mp4", seconds=2, width=160, height=120, audio=False)
    outputs = media.process(mute, tmp_path / "mute", media.probe(mute))
    assert not outputs.has_audio
    assert json.loads(outputs.waveform_path.read_text()) == {"rate": 10, "peaks": []}


def test_waveform_of_speech_like_sound_has_loud_and_quiet_parts(tmp_path: Path) -> None:
    src = make_film(tmp_path / "talk.mp4", seconds=5, width=160, height=120, speech_like_audio=True)
    _, peaks = _peaks(media.process(src, tmp_path / "out", media.probe(src)))
    assert max(peaks) > 0.4
    assert sum(p < 0.05 for p in peaks) >= 5  # pauses


def test_progress_is_reported_in_order_and_ends_at_one(tmp_path: Path) -> None:
    src = make_film(tmp_path / "src.webm", seconds=3, codec="vp9", container="webm")
    calls: list[tuple[str, float]] = []
    media.process(
        src, tmp_path / "out", media.probe(src), on_progress=lambda s, f: calls.append((s, f))
    )

    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert fractions.count(1.0) == 1
    assert all(0.0 <= f <= 1.0 for f in fractions)
    names = [name for name, _ in calls]
    step_order = [step.name for step in media.PIPELINE]
    assert step_order == ["make_playable", "poster", "sprite", "waveform"]
    seen = list(dict.fromkeys(names))
    assert seen == step_order
    # ffmpeg's own progress reports are turned into fractions inside the first step's share.
    share = media.PIPELINE[0].weight / sum(step.weight for step in media.PIPELINE)
    assert any(name == "make_playable" and 0 < f < share for name, f in calls)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_surfaces_as_os_error(tmp_path: Path) -> None:
    src = make_film(
        tmp_path / "src.webm", seconds=1, width=160, height=120, codec="vp9", container="webm"
    )
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "film.part.mp4").symlink_to("/dev/full")
    with pytest.raises(OSError) as caught:
        media.process(src, out_dir, media.probe(src))
    assert not isinstance(caught.value, media.MediaError)
    assert not (out_dir / "film.mp4").exists()
    assert not (out_dir / "film.part.mp4").exists()


def test_ffmpeg_failure_is_a_media_error(tmp_path: Path) -> None:
    src = make_film(tmp_path / "src.mp4", seconds=1, width=160, height=120)
    result = media.probe(src)
    src.write_bytes(b"\x00" * 1024)  # replaced between probe and processing
    with pytest.raises(media.MediaError):
        media.process(src, tmp_path / "out", result)
    assert not (tmp_path / "out" / "film.mp4").exists()
