"""Clips and stills start on the frame asked for: checked by reading the frame number that every
picture of the counter film shows. Stream copy is used only where it is exact."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest
from PIL import Image

from attune.moments import export
from attune.vault.reader import RangeFile
from tests.moments.conftest import FPS
from tests.moments.counter_film import make_counter_film, read_counter

RATE = Fraction(FPS)


@pytest.fixture(scope="module")
def no_bframes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Like a phone's H.264: no B-frames, a key frame every second."""
    return make_counter_film(
        tmp_path_factory.mktemp("nob") / "nob.mp4", frames=100, fps=FPS, keyint=25, bframes=0
    )


def shown_frames(path: Path) -> list[int]:
    with av.open(str(path)) as container:
        return [read_counter(frame) for frame in container.decode(video=0)]


def sound_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.rate


def test_the_counter_film_shows_each_frames_number(counter_film: Path) -> None:
    assert shown_frames(counter_film) == list(range(100))
    assert export.keyframes(counter_film, RATE) == [0, 25, 50, 75]


@pytest.mark.parametrize(("start", "end"), [(30, 61), (1, 2), (74, 100), (99, 100)])
def test_a_clip_from_between_key_frames_is_encoded_frame_exact(
    counter_film: Path, tmp_path: Path, start: int, end: int
) -> None:
    out = tmp_path / "clip.mp4"
    result = export.export_clip(counter_film, out, rate=RATE, start=start, end=end)

    assert result.method == "encode"
    assert shown_frames(out) == list(range(start, end))
    assert sound_seconds(out) == pytest.approx((end - start) / FPS, abs=0.03)


def test_a_clip_from_key_frame_to_key_frame_is_copied(counter_film: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    result = export.export_clip(counter_film, out, rate=RATE, start=25, end=75)

    assert result.method == "copy"
    assert shown_frames(out) == list(range(25, 75))
    with av.open(str(out)) as container:
        assert next(container.decode(video=0)).time == pytest.approx(0)


def test_without_b_frames_any_out_point_after_a_key_frame_is_copied(
    no_bframes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "clip.mp4"
    result = export.export_clip(no_bframes, out, rate=RATE, start=50, end=63)

    assert result.method == "copy"
    assert shown_frames(out) == list(range(50, 63))


def test_copy_can_be_refused(counter_film: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    result = export.export_clip(counter_film, out, rate=RATE, start=25, end=75, allow_copy=False)

    assert result.method == "encode"
    assert shown_frames(out) == list(range(25, 75))


def test_a_clip_is_h264_and_aac_in_mp4_with_the_index_first(
    counter_film: Path, tmp_path: Path
) -> None:
    out = tmp_path / "clip.mp4"
    export.export_clip(counter_film, out, rate=RATE, start=10, end=40)

    with av.open(str(out)) as container:
        assert container.format.name.startswith("mov,mp4")
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
    head = out.read_bytes()[:4096]
    assert head.index(b"moov") < out.read_bytes().index(b"mdat")  # faststart


@pytest.mark.parametrize("frame", [0, 37, 50, 99])
def test_a_still_is_the_frame_asked_for(counter_film: Path, tmp_path: Path, frame: int) -> None:
    png, jpeg = tmp_path / "s.png", tmp_path / "s.jpg"
    size = export.export_still(counter_film, rate=RATE, frame=frame, png=png, jpeg=jpeg)

    assert size == (160, 96)
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert read_counter(image) == frame
    with Image.open(jpeg) as image:
        assert image.format == "JPEG"
        assert read_counter(image) == frame


def test_export_reads_only_what_it_needs_from_a_seekable_file(
    counter_film: Path, tmp_path: Path
) -> None:
    data = counter_film.read_bytes()
    reads: list[tuple[int, int]] = []

    def read_range(start: int, end: int) -> list[bytes]:
        reads.append((start, end))
        return [data[start : end + 1]]

    source = RangeFile(read_range, len(data), window=4096)
    out = tmp_path / "clip.mp4"
    export.export_clip(source, out, rate=RATE, start=60, end=70)

    assert shown_frames(out) == list(range(60, 70))
    assert source.bytes_decrypted < len(data)  # not the whole film


def test_a_clip_needs_frames(counter_film: Path, tmp_path: Path) -> None:
    with pytest.raises(export.ExportError):
        export.export_clip(counter_film, tmp_path / "c.mp4", rate=RATE, start=5, end=5)
    with pytest.raises(export.ExportError):
        export.export_clip(counter_film, tmp_path / "c.mp4", rate=RATE, start=150, end=160)
