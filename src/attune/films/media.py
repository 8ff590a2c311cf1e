"""Probing and processing of uploaded films.

This module is deliberately free of Django so it can be used from workers, management
commands, benchmarks and tests alike.

* :func:`probe` inspects an untrusted file and either returns a :class:`ProbeResult` or raises
  :class:`MediaRejected` with a sentence a guider can read.
* :func:`process` turns an accepted file into the set of files the review screens use:
  ``film.mp4`` (H.264/AAC, faststart), ``poster.jpg``, ``sprite.jpg`` + ``sprite.json`` and
  ``waveform.json``.  It runs :data:`PIPELINE`, a list of steps with one contract.

Only ``OSError`` (for example a full disk) escapes untouched; unexpected processing failures are
raised as :class:`MediaError`.
"""

from __future__ import annotations

import collections
import ctypes
import dataclasses
import errno
import itertools
import json
import math
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, Protocol

import av
import imageio_ffmpeg
import numpy as np
from av.container import InputContainer
from av.stream import Disposition
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

__all__ = [
    "PIPELINE",
    "MakePlayable",
    "MediaError",
    "MediaRejected",
    "PipelineContext",
    "Poster",
    "ProbeResult",
    "ProcessOutputs",
    "ProgressCallback",
    "Sprite",
    "Step",
    "Waveform",
    "ffmpeg_exe",
    "playable_args",
    "probe",
    "process",
    "sprite_layout",
    "top_level_boxes",
]

ProgressCallback = Callable[[str, float], None]

#: Demuxers we are willing to open.  Anything else (image sequences, playlists, subtitle files,
#: text "video" formats ...) is refused by FFmpeg itself before any parsing happens.
ALLOWED_DEMUXERS = ("mov", "matroska", "avi", "mpegts", "mpeg", "asf", "flv", "dv", "mxf", "ogg")
_FORMAT_WHITELIST = ",".join(ALLOWED_DEMUXERS)
_OPEN_OPTIONS = {"format_whitelist": _FORMAT_WHITELIST, "protocol_whitelist": "file"}

#: ISO-BMFF brands used for still images (HEIC/HEIF/AVIF photos).
STILL_IMAGE_BRANDS = frozenset({"heic", "heix", "heim", "heis", "mif1", "avif"})

BROWSER_H264_PROFILES = frozenset(
    {"baseline", "constrained baseline", "main", "high", "constrained high", "progressive high"}
)
# 8-bit 4:2:0; "yuvj420p" is the same with full-range levels (common on Android phones).
BROWSER_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})
# Containers whose H.264 can be copied into MP4 without re-encoding.
_COPYABLE_CONTAINERS = frozenset({"mp4", "mov", "matroska", "webm"})

MIN_DIMENSION = 8
MAX_DIMENSION = 16384
# How far we look for the first decodable picture before calling a file damaged.
_MAX_PROBE_PACKETS = 600
_VFR_SAMPLE_PACKETS = 120

SPRITE_TILE_WIDTH = 160
SPRITE_COLUMNS = 10
SPRITE_MAX_TILES = 100
SPRITE_MIN_INTERVAL = 2.0
WAVEFORM_RATE = 10
WAVEFORM_SAMPLE_RATE = 8000
POSTER_MAX_WIDTH = 640


class MediaRejected(Exception):
    """The uploaded file cannot be accepted; ``reason`` is a sentence a guider can read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MediaError(Exception):
    """Processing an accepted file failed unexpectedly."""


def ffmpeg_exe() -> str:
    """Path of the FFmpeg binary bundled with ``imageio-ffmpeg``."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


# ---------------------------------------------------------------------------------------------
# ISO base media file format (MP4/MOV) helpers
# ---------------------------------------------------------------------------------------------


def _plausible_box_type(raw: bytes) -> bool:
    return len(raw) == 4 and all(c == 0xA9 or 0x20 <= c <= 0x7E for c in raw)


def top_level_boxes(path: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """List the top-level boxes ("atoms") of an MP4/MOV file as ``(type, offset, size)``.

    Scanning stops at the first thing that does not look like a box header (trailing junk).  A
    box whose declared size runs past the end of the file is still listed, so callers can spot
    truncation by comparing ``offset + size`` with the file size.
    """
    boxes: list[tuple[str, int, int]] = []
    file_size = os.path.getsize(path)
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= file_size:
            fh.seek(offset)
            header = fh.read(16)
            size = int.from_bytes(header[0:4], "big")
            raw_type = header[4:8]
            if not _plausible_box_type(raw_type):
                break
            if size == 1:
                if len(header) < 16:
                    break
                size = int.from_bytes(header[8:16], "big")
                if size < 16:
                    break
            elif size == 0:
                size = file_size - offset
            elif size < 8:
                break
            boxes.append((raw_type.decode("latin-1"), offset, size))
            offset += size
    return boxes


def _child_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos : pos + 4], "big")
        box_type = data[pos + 4 : pos + 8]
        if size < 8 or pos + size > end:
            return
        yield box_type, pos, size
        pos += size


def _iso_track_sizes(path: str, max_moov: int = 64 * 1024 * 1024) -> list[tuple[int, int]]:
    """Picture sizes declared by the track headers (tkhd) of an MP4/MOV file."""
    sizes: list[tuple[int, int]] = []
    moov = next((b for b in top_level_boxes(path) if b[0] == "moov"), None)
    if moov is None or moov[2] > max_moov:
        return sizes
    with open(path, "rb") as fh:
        fh.seek(moov[1])
        data = fh.read(moov[2])
    for box_type, pos, size in _child_boxes(data, 8, len(data)):
        if box_type != b"trak":
            continue
        for child_type, child_pos, child_size in _child_boxes(data, pos + 8, pos + size):
            if child_type == b"tkhd" and child_size >= 84:
                end = child_pos + child_size
                width = int.from_bytes(data[end - 8 : end - 4], "big") >> 16
                height = int.from_bytes(data[end - 4 : end], "big") >> 16
                if width and height:
                    sizes.append((width, height))
    return sizes


def _ftyp_brands(head: bytes) -> list[str]:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return []
    size = min(int.from_bytes(head[0:4], "big"), len(head))
    raw = [head[8:12]] + [head[i : i + 4] for i in range(16, size - 3, 4)]
    return [b.decode("latin-1").strip().lower() for b in raw if len(b) == 4]


def _check_iso_structure(path: str, file_size: int) -> None:
    boxes = top_level_boxes(path)
    types = {b[0] for b in boxes}
    if not boxes or boxes[0][0] not in {"ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"}:
        return
    if "moov" not in types:
        if "mdat" in types or "ftyp" in types:
            raise MediaRejected(
                "This file is incomplete or damaged (the index at the end of the recording is "
                "missing); try copying it from the camera again."
            )
        return
    _, last_offset, last_size = boxes[-1]
    if last_offset + last_size > file_size:
        raise MediaRejected(
            "This file is incomplete or damaged (it stops part-way through the recording); "
            "try copying it from the camera again."
        )


# ---------------------------------------------------------------------------------------------
# Sniffing of things that are not films
# ---------------------------------------------------------------------------------------------

_STILL_REASON = "This is a still picture, not a film."


def _is_still_image_header(head: bytes) -> bool:
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    if head.startswith((b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x0cjP  ", b"qoif")):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head[:2] == b"BM" and len(head) >= 18:
        dib_header_size = int.from_bytes(head[14:18], "little")
        if dib_header_size in {12, 40, 52, 56, 64, 108, 124}:
            return True
    brands = _ftyp_brands(head)
    return bool(brands) and brands[0] in STILL_IMAGE_BRANDS


def _describe_non_media(head: bytes) -> str:
    generic = "This file is not a video we can read."
    if head.startswith(b"%PDF"):
        return "This file is not a video we can read: it looks like a PDF document."
    if head.startswith(b"PK\x03\x04"):
        return "This file is not a video we can read: it looks like a ZIP archive or document."
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<html" in stripped[:1024]:
        return "This file is not a video we can read: it looks like a web page."
    if b"\x00" not in head:
        text = head.decode("utf-8", errors="ignore")
        if text and len(text.encode("utf-8")) >= len(head) - 3:
            printable = sum(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
            if printable >= 0.95 * len(text):
                return "This file is not a video we can read: it looks like plain text."
    return generic


# ---------------------------------------------------------------------------------------------
# Probe
# ---------------------------------------------------------------------------------------------


@dataclass
class ProbeResult:
    """What we learned about an uploaded film."""

    container: str
    duration: float
    video_codec: str
    profile: str | None
    pix_fmt: str | None
    width: int
    height: int
    rotation: int
    display_width: int
    display_height: int
    fps: float
    frame_count: int
    has_audio: bool
    audio_codec: str | None
    audio_sample_rate: int | None
    audio_channels: int | None
    is_variable_frame_rate: bool
    browser_playable: bool
    video_stream_index: int = 0
    audio_stream_index: int | None = None
    #: Why the film cannot be played as it is (empty when ``browser_playable``).
    transcode_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def video_copyable(self) -> bool:
        """The picture can be copied into an MP4 as it is (no re-encoding needed)."""
        return (
            self.container in _COPYABLE_CONTAINERS
            and self.video_codec == "h264"
            and (self.profile or "").lower() in BROWSER_H264_PROFILES
            and self.pix_fmt in BROWSER_PIX_FMTS
            and self.rotation == 0
            and not self.is_variable_frame_rate
        )

    @property
    def audio_copyable(self) -> bool:
        return not self.has_audio or self.audio_codec == "aac"


def _container_name(fmt_name: str, head: bytes) -> str:
    names = fmt_name.split(",")
    if "mov" in names:
        brands = _ftyp_brands(head)
        return "mov" if brands and brands[0] == "qt" else "mp4"
    if "matroska" in names:
        return "webm" if b"webm" in head[:64] else "matroska"
    return names[0]


def _human_duration(seconds: float, *, floor: bool = False) -> str:
    value, unit = (seconds / 60, "minute") if seconds >= 120 else (seconds, "second")
    amount = math.floor(value) if floor else round(value)
    return f"{amount} {unit}" + ("" if amount == 1 else "s")


def _pick_video_stream(container: InputContainer) -> VideoStream | None:
    for stream in container.streams.video:
        if stream.disposition & Disposition.attached_pic:
            continue
        return stream
    return None


def _rotation_clockwise(ccw_degrees: float) -> int:
    return round(-ccw_degrees / 90.0) * 90 % 360


def _open_input(path: str) -> InputContainer:
    return av.open(f"file:{os.path.abspath(path)}", container_options=dict(_OPEN_OPTIONS))


def _read_head(path: str, size: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def probe(
    path: str | os.PathLike[str],
    *,
    max_duration_s: float = 3600,
    max_pixels: int = 8192 * 8192,
) -> ProbeResult:
    """Inspect an untrusted upload.

    Raises :class:`MediaRejected` (with a readable ``reason``) for anything that is not a
    readable film within the limits.  The file extension is never consulted.
    """
    path = os.fspath(path)
    file_size = os.path.getsize(path)
    if file_size == 0:
        raise MediaRejected("The file is empty (0 bytes); the upload may not have finished.")
    head = _read_head(path)
    if _is_still_image_header(head):
        raise MediaRejected(_STILL_REASON)
    if _ftyp_brands(head) or head[4:8] in {b"moov", b"mdat", b"free", b"wide"}:
        _check_iso_structure(path, file_size)

    try:
        container = _open_input(path)
    except av.FFmpegError as exc:
        if isinstance(exc, OSError):
            raise
        raise MediaRejected(_describe_non_media(head)) from exc
    try:
        return _probe_container(path, container, head, max_duration_s, max_pixels)
    finally:
        container.close()


def _probe_container(
    path: str, container: InputContainer, head: bytes, max_duration_s: float, max_pixels: int
) -> ProbeResult:
    video = _pick_video_stream(container)
    if video is None:
        if container.streams.audio:
            raise MediaRejected("The file has no video picture, only sound.")
        raise MediaRejected("This file is not a video we can read: it contains no picture.")

    container_name = _container_name(container.format.name, head)
    ctx = video.codec_context
    codec_name = ctx.name if ctx is not None else None
    if ctx is None or not codec_name or codec_name == "none":
        raise MediaRejected("The film uses a picture format we cannot decode.")
    # Image files never get this far (sniffed above, and image demuxers are not allowed), so a
    # still picture here is a one-frame "film" or a stream flagged as a still image.  Codecs
    # such as PNG or JPEG 2000 are legitimate moving-picture codecs inside MOV/MXF.
    if video.disposition & Disposition.still_image:
        raise MediaRejected(_STILL_REASON)

    duration = _duration_seconds(container, video)
    if duration > max_duration_s:
        length = _human_duration(duration)
        limit = _human_duration(max_duration_s, floor=True)
        if length == limit:
            length = f"just over {length}"
        raise MediaRejected(f"The film is {length} long; the limit is {limit}.")

    width, height = int(ctx.width or 0), int(ctx.height or 0)
    if width and height:
        _check_dimensions(width, height, max_pixels)
    else:
        # FFmpeg zeroes sizes it refuses to handle; fall back to what the file declares.
        for declared_w, declared_h in _iso_track_sizes(path):
            _check_dimensions(declared_w, declared_h, max_pixels)
    if video.frames == 1:
        raise MediaRejected(_STILL_REASON)

    first_frame, packet_times = _decode_first_frame(container, video)
    if (first_frame.width, first_frame.height) != (width, height):
        width, height = first_frame.width, first_frame.height
        _check_dimensions(width, height, max_pixels)
    if duration <= 0:
        raise MediaRejected(
            "This file is incomplete or damaged (we could not tell how long it is); "
            "try copying it from the camera again."
        )

    rotation = _rotation_clockwise(first_frame.rotation or 0)
    if rotation == 0:
        tag_rotation = video.metadata.get("rotate")
        if tag_rotation and tag_rotation.lstrip("-").isdigit():
            rotation = round(int(tag_rotation) / 90) * 90 % 360
    swapped = rotation in (90, 270)
    display_width, display_height = (height, width) if swapped else (width, height)

    variable = _looks_variable(packet_times)
    # A variable-rate film is made constant at the camera's own rate (dropped frames repeat).
    fps = _constant_rate(video, duration) if variable else _frame_rate(video, duration)
    frame_count = int(video.frames) if video.frames else max(1, round(duration * fps))
    if frame_count <= 1:
        raise MediaRejected(_STILL_REASON)

    audio_stream = None
    for candidate in container.streams.audio:
        if candidate.codec_context is not None and candidate.codec_context.name:
            audio_stream = candidate
            break
    audio_ctx = audio_stream.codec_context if audio_stream is not None else None

    profile = ctx.profile if isinstance(ctx.profile, str) else None
    pix_fmt = ctx.pix_fmt or first_frame.format.name
    result = ProbeResult(
        container=container_name,
        duration=round(duration, 3),
        video_codec=codec_name,
        profile=profile,
        pix_fmt=pix_fmt,
        width=width,
        height=height,
        rotation=rotation,
        display_width=display_width,
        display_height=display_height,
        fps=round(fps, 3),
        frame_count=frame_count,
        has_audio=audio_ctx is not None,
        audio_codec=audio_ctx.name if audio_ctx is not None else None,
        audio_sample_rate=int(audio_ctx.sample_rate) if audio_ctx is not None else None,
        audio_channels=int(audio_ctx.channels) if audio_ctx is not None else None,
        is_variable_frame_rate=variable,
        browser_playable=False,
        video_stream_index=video.index,
        audio_stream_index=audio_stream.index if audio_stream is not None else None,
    )
    result.transcode_reasons = _transcode_reasons(result)
    result.browser_playable = not result.transcode_reasons
    return result


def _check_dimensions(width: int, height: int, max_pixels: int) -> None:
    if (
        width < MIN_DIMENSION
        or height < MIN_DIMENSION
        or width > MAX_DIMENSION
        or height > MAX_DIMENSION
        or width * height > max_pixels
    ):
        raise MediaRejected(
            f"The picture size {width}\N{MULTIPLICATION SIGN}{height} is not plausible "
            "for a camera recording."
        )


def _duration_seconds(container: InputContainer, video: VideoStream) -> float:
    if video.duration and video.time_base:
        stream_duration = float(video.duration * video.time_base)
    else:
        stream_duration = 0.0
    container_duration = container.duration / av.time_base if container.duration else 0.0
    return max(stream_duration, container_duration)


def _frame_rate(video: VideoStream, duration: float) -> float:
    for rate in (video.average_rate, video.guessed_rate, video.base_rate):
        if rate and 0 < float(rate) <= 1000:
            return float(rate)
    if video.frames and duration > 0:
        return video.frames / duration
    return 25.0


#: The rates a variable-rate film is made constant at: the usual camera rates.
_CAMERA_RATES = (
    Fraction(24000, 1001),
    Fraction(24),
    Fraction(25),
    Fraction(30000, 1001),
    Fraction(30),
    Fraction(50),
    Fraction(60000, 1001),
    Fraction(60),
)


def _constant_rate(video: VideoStream, duration: float) -> float:
    """The rate to make a variable-rate film constant at: the fastest the stream claims (its
    nominal rate; the average is lower where frames were dropped), snapped to a usual camera
    rate within 2 %, never above 60."""
    claimed = [
        float(rate)
        for rate in (video.base_rate, video.guessed_rate, video.average_rate)
        if rate and 0 < float(rate) <= 240
    ]
    fastest = min(60.0, max(claimed, default=_frame_rate(video, duration)))
    nearest = min(_CAMERA_RATES, key=lambda r: abs(float(r) - fastest))
    return float(nearest) if abs(float(nearest) - fastest) <= 0.02 * fastest else fastest


def _rate_argument(fps: float) -> str:
    """``fps`` as ffmpeg's ``-r`` wants it, exact for the NTSC rates (30000/1001, not 29.97)."""
    for rate in _CAMERA_RATES:
        if abs(float(rate) - fps) < 0.002:
            return f"{rate.numerator}/{rate.denominator}"
    return f"{fps:.3f}"


def _decode_first_frame(
    container: InputContainer, video: VideoStream
) -> tuple[VideoFrame, list[float]]:
    """Decode the first picture (proving the file is readable) and sample packet times."""
    packet_times: list[float] = []
    first: VideoFrame | None = None
    damaged = (
        "This file is incomplete or damaged (the first picture cannot be decoded); "
        "try copying it from the camera again."
    )
    try:
        for count, packet in enumerate(container.demux(video), start=1):
            if packet.pts is not None and packet.time_base is not None:
                packet_times.append(float(packet.pts * packet.time_base))
            if first is None:
                for frame in video.decode(packet):
                    first = frame
                    break
            if first is not None and len(packet_times) >= _VFR_SAMPLE_PACKETS:
                break
            if first is None and count >= _MAX_PROBE_PACKETS:
                break
        if first is None:
            for frame in video.decode(None):
                first = frame
                break
    except av.FFmpegError as exc:
        if first is None:
            raise MediaRejected(damaged) from exc
    if first is None:
        raise MediaRejected(damaged)
    return first, packet_times


def _looks_variable(packet_times: list[float]) -> bool:
    times = sorted(set(packet_times))
    # The last few packets in decode order may leave holes (B-frames); ignore the tail.
    deltas = [b - a for a, b in itertools.pairwise(times)][:-4]
    deltas = [d for d in deltas if d > 0]
    if len(deltas) < 8:
        return False
    deltas.sort()
    typical = deltas[len(deltas) // 2]
    irregular = sum(1 for d in deltas if abs(d - typical) > 0.25 * typical)
    return irregular >= max(2, len(deltas) // 20)


def _transcode_reasons(result: ProbeResult) -> list[str]:
    reasons: list[str] = []
    if result.container not in {"mp4", "mov"}:
        reasons.append(f"container {result.container}")
    if result.video_codec != "h264":
        reasons.append(f"video codec {result.video_codec}")
    elif (result.profile or "").lower() not in BROWSER_H264_PROFILES:
        reasons.append(f"H.264 profile {result.profile}")
    if result.pix_fmt not in BROWSER_PIX_FMTS:
        reasons.append(f"pixel format {result.pix_fmt}")
    if result.has_audio and result.audio_codec != "aac":
        reasons.append(f"audio codec {result.audio_codec}")
    if result.rotation:
        reasons.append(f"rotated {result.rotation}°")
    if result.is_variable_frame_rate:
        # Frame-exact stepping, clips and stills need every frame at a fixed time.
        reasons.append("variable frame rate")
    return reasons


# ---------------------------------------------------------------------------------------------
# Pipeline
# ---------------------------------------------------------------------------------------------


@dataclass
class ProcessOutputs:
    """Files written by :func:`process` and facts about the playable film."""

    film_path: Path
    poster_path: Path
    sprite_path: Path
    sprite_json_path: Path
    waveform_path: Path
    duration: float
    fps: float
    width: int
    height: int
    has_audio: bool
    #: True when the picture was copied without re-encoding (sound may still be converted).
    remuxed: bool

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key, value in data.items():
            if isinstance(value, Path):
                data[key] = str(value)
        return data


@dataclass
class PipelineContext:
    """State shared by the steps of one processing run."""

    src_path: Path
    out_dir: Path
    probe: ProbeResult
    max_height: int = 720
    report: Callable[[float], None] = lambda fraction: None
    film_path: Path | None = None
    poster_path: Path | None = None
    sprite_path: Path | None = None
    sprite_json_path: Path | None = None
    waveform_path: Path | None = None
    remuxed: bool = False
    duration: float = 0.0
    fps: float = 0.0
    width: int = 0
    height: int = 0
    has_audio: bool = False

    def require_film(self) -> Path:
        if self.film_path is None:
            raise MediaError("The playable film has not been made yet.")
        return self.film_path


class Step(Protocol):
    """One stage of the media pipeline.

    ``run`` reads and fills the shared :class:`PipelineContext`, writes only inside
    ``ctx.out_dir`` and reports its own progress through ``ctx.report(fraction)``.
    """

    name: str
    weight: float

    def run(self, ctx: PipelineContext) -> None: ...


class _StderrTail:
    """Drain a pipe on a thread, keeping the last lines."""

    def __init__(self, stream: IO[str], keep: int = 30) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=keep)
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[str]) -> None:
        for line in stream:
            if line.strip():
                self.lines.append(line.rstrip())

    def join(self) -> str:
        self._thread.join(timeout=10)
        return "\n".join(self.lines)


# Looked up once, in the parent: the child between fork and exec should do as little as possible.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the ffmpeg child: die with the worker (a SIGKILLed worker runs no cleanup), so a
    killed job leaves no encoder writing into its scratch dir."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _run_ffmpeg(
    args: Sequence[str],
    *,
    duration: float,
    report: Callable[[float], None],
    timeout_s: float | None = None,
) -> None:
    """Run the bundled ffmpeg, turning ``-progress`` output into ``report(fraction)`` calls.

    A full disk is raised as ``OSError(ENOSPC)``; any other failure as :class:`MediaError`
    carrying the last lines ffmpeg wrote to stderr.
    """
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error", "-nostats"]
    cmd += ["-progress", "pipe:1", *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        preexec_fn=_die_with_parent if _PRCTL is not None else None,
    )
    assert proc.stdout is not None and proc.stderr is not None
    tail = _StderrTail(proc.stderr)
    watchdog = threading.Timer(timeout_s, proc.kill) if timeout_s else None
    if watchdog is not None:
        watchdog.daemon = True
        watchdog.start()
    try:
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.lstrip("-").isdigit() and duration > 0:
                report(min(1.0, max(0.0, int(value) / 1e6 / duration)))
        returncode = proc.wait()
    finally:
        if watchdog is not None:
            watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    message = tail.join()
    if returncode != 0:
        if "No space left on device" in message:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        if watchdog is not None and watchdog.finished.is_set() and returncode < 0:
            raise MediaError(f"ffmpeg was stopped after {timeout_s:.0f} s without finishing.")
        raise MediaError(f"ffmpeg exited with status {returncode}: {message[-2000:]}")


def _scale_filter(max_height: int) -> str:
    # Keep square pixels, an even size (yuv420p needs it) and never upscale.
    # Interlaced camcorder footage is deinterlaced; progressive frames pass through untouched.
    h = f"trunc(min({max_height}\\,ih)/2)*2"
    scale = f"scale=w='trunc({h}*dar/2)*2':h='{h}':out_range=tv,setsar=1"
    return f"yadif=mode=send_frame:deint=interlaced,{scale}"


class MakePlayable:
    """Write ``film.mp4``: remux when the picture is already browser-safe, else transcode."""

    name = "make_playable"
    weight = 0.6
    filename = "film.mp4"
    # Guard against ffmpeg hanging on a pathological file: generous, scaled to the length.
    min_timeout_s = 600.0
    timeout_factor = 20.0

    def run(self, ctx: PipelineContext) -> None:
        final = ctx.out_dir / self.filename
        partial = ctx.out_dir / "film.part.mp4"
        pr = ctx.probe
        copy_video = pr.video_copyable
        try:
            if copy_video:
                try:
                    self._ffmpeg(ctx, partial, copy_video=True)
                except MediaError:
                    copy_video = False  # odd timestamps and the like: fall back to encoding
            if not copy_video:
                self._ffmpeg(ctx, partial, copy_video=False)
            os.replace(partial, final)
        finally:
            if partial.exists():
                partial.unlink()
        ctx.film_path = final
        ctx.remuxed = copy_video
        _describe_output(ctx)
        ctx.report(1.0)

    def _ffmpeg(self, ctx: PipelineContext, target: Path, *, copy_video: bool) -> None:
        pr = ctx.probe
        _run_ffmpeg(
            playable_args(
                pr, ctx.src_path, target, max_height=ctx.max_height, copy_video=copy_video
            ),
            duration=pr.duration,
            report=lambda f: ctx.report(0.98 * f),
            timeout_s=max(self.min_timeout_s, self.timeout_factor * pr.duration),
        )


def playable_args(
    pr: ProbeResult, src: Path, target: Path, *, max_height: int, copy_video: bool
) -> list[str]:
    """The ffmpeg arguments that make ``film.mp4`` (also used by the benchmark's baseline)."""
    args = [
        "-protocol_whitelist",
        "file",
        "-format_whitelist",
        _FORMAT_WHITELIST,
        "-i",
        f"file:{src.resolve()}",
        "-map",
        f"0:{pr.video_stream_index}",
    ]
    if pr.has_audio and pr.audio_stream_index is not None:
        args += ["-map", f"0:{pr.audio_stream_index}"]
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn"]
    if copy_video:
        args += ["-c:v", "copy"]
    else:
        gop = max(2, min(600, round(2 * (pr.fps or 25))))
        args += [
            "-vf",
            _scale_filter(max_height),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            "-profile:v",
            "high",
            "-g",
            str(gop),
        ]
        if pr.is_variable_frame_rate:
            args += ["-fps_mode", "cfr", "-r", _rate_argument(pr.fps)]
    if pr.has_audio:
        if pr.audio_copyable:
            args += ["-c:a", "copy"]
        else:
            args += ["-c:a", "aac", "-b:a", "128k"]
            if (pr.audio_channels or 0) > 2:
                args += ["-ac", "2"]
    else:
        args += ["-an"]
    args += [
        "-max_muxing_queue_size",
        "1024",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        f"file:{target.resolve()}",
    ]
    return args


def _describe_output(ctx: PipelineContext) -> None:
    film = ctx.require_film()
    try:
        with _open_output(film) as container:
            video = _pick_video_stream(container)
            if video is None:
                raise MediaError("The converted film has no picture.")
            ctx.duration = round(_duration_seconds(container, video), 3)
            ctx.fps = round(_frame_rate(video, ctx.duration), 3)
            ctx.width = int(video.codec_context.width)
            ctx.height = int(video.codec_context.height)
            ctx.has_audio = bool(container.streams.audio)
    except av.FFmpegError as exc:
        raise MediaError(f"Cannot read the converted film: {exc}") from exc


def _seconds(frame: VideoFrame) -> float:
    return float(frame.time) if frame.time is not None else 0.0


def _open_output(path: Path) -> InputContainer:
    return av.open(f"file:{path.resolve()}")


class Poster:
    """``poster.jpg``: the picture at about 10% of the film, at most 640 px wide."""

    name = "poster"
    weight = 0.05
    filename = "poster.jpg"
    # Never decode more than this many seconds past the seek point looking for the target.
    max_decode_s = 10.0

    def run(self, ctx: PipelineContext) -> None:
        film = ctx.require_film()
        target = 0.1 * ctx.duration
        chosen: VideoFrame | None = None
        try:
            with _open_output(film) as container:
                video = container.streams.video[0]
                video.codec_context.thread_type = "AUTO"
                if target > 0 and video.time_base:
                    container.seek(int(target / video.time_base), stream=video, backward=True)
                start: float | None = None
                for frame in container.decode(video):
                    t = _seconds(frame)
                    start = t if start is None else start
                    chosen = frame
                    if t >= target - 1e-3 or t - start > self.max_decode_s:
                        break
                if chosen is None:
                    raise MediaError("The converted film has no decodable picture.")
                image = chosen.to_image()
        except av.FFmpegError as exc:
            raise MediaError(f"Cannot make the poster: {exc}") from exc
        if image.width > POSTER_MAX_WIDTH:
            new_height = max(1, round(image.height * POSTER_MAX_WIDTH / image.width))
            image = image.resize((POSTER_MAX_WIDTH, new_height), Image.Resampling.LANCZOS)
        path = ctx.out_dir / self.filename
        image.convert("RGB").save(path, "JPEG", quality=85, optimize=True)
        ctx.poster_path = path
        ctx.report(1.0)


def sprite_layout(duration: float) -> tuple[float, int]:
    """Seconds between sprite tiles and the number of tiles for a film."""
    interval = max(SPRITE_MIN_INTERVAL, duration / SPRITE_MAX_TILES)
    count = max(1, math.ceil(duration / interval - 1e-6))
    return round(interval, 3), min(count, SPRITE_MAX_TILES)


class Sprite:
    """``sprite.jpg`` + ``sprite.json``: a grid of small pictures used when scrubbing.

    Only key frames are decoded (fast); when the film has too few key frames for the tile
    interval (some cameras write one every 10 s or more), every frame is decoded instead.
    """

    name = "sprite"
    weight = 0.2
    image_name = "sprite.jpg"
    json_name = "sprite.json"

    def run(self, ctx: PipelineContext) -> None:
        film = ctx.require_film()
        interval, count = sprite_layout(ctx.duration)
        times = [round(i * interval, 3) for i in range(count)]
        tile_w = SPRITE_TILE_WIDTH
        tile_h = max(2, round(tile_w * ctx.height / max(ctx.width, 1)))
        try:
            tiles = self._pick(film, times, interval, (tile_w, tile_h), ctx, keyframes_only=True)
            if tiles is None:
                ctx.report(0.0)
                tiles = self._pick(
                    film, times, interval, (tile_w, tile_h), ctx, keyframes_only=False
                )
        except av.FFmpegError as exc:
            raise MediaError(f"Cannot make the thumbnail sprite: {exc}") from exc
        if tiles is None or all(tile is None for tile in tiles):
            raise MediaError("The converted film has no decodable picture for the sprite.")
        columns = min(SPRITE_COLUMNS, count)
        rows = math.ceil(count / columns)
        sheet = Image.new("RGB", (columns * tile_w, rows * tile_h), (0, 0, 0))
        for i, tile in enumerate(tiles):
            if tile is not None:
                sheet.paste(tile, ((i % columns) * tile_w, (i // columns) * tile_h))
        image_path = ctx.out_dir / self.image_name
        sheet.save(image_path, "JPEG", quality=70, optimize=True)
        meta = {
            "interval": interval,
            "tile_width": tile_w,
            "tile_height": tile_h,
            "columns": columns,
            "rows": rows,
            "count": count,
            "times": times,
        }
        json_path = ctx.out_dir / self.json_name
        json_path.write_text(json.dumps(meta, separators=(",", ":")), encoding="utf-8")
        ctx.sprite_path, ctx.sprite_json_path = image_path, json_path
        ctx.report(1.0)

    @staticmethod
    def _pick(
        film: Path,
        times: list[float],
        interval: float,
        tile_size: tuple[int, int],
        ctx: PipelineContext,
        *,
        keyframes_only: bool,
    ) -> list[Image.Image | None] | None:
        """For each tile time take the nearest decoded picture (frames arrive in time order).

        Returns None in key-frame mode when key frames are too sparse for the interval.
        """
        tiles: list[Image.Image | None] = [None] * len(times)
        worst_gap = 0.0
        cache: tuple[VideoFrame, Image.Image] | None = None

        def thumb(frame: VideoFrame) -> Image.Image:
            nonlocal cache
            if cache is None or cache[0] is not frame:
                small = frame.reformat(width=tile_size[0], height=tile_size[1], format="rgb24")
                cache = (frame, small.to_image())
            return cache[1]

        duration = max(ctx.duration, 1e-3)
        index = 0
        previous: tuple[VideoFrame, float] | None = None
        with _open_output(film) as container:
            video = container.streams.video[0]
            video.codec_context.thread_type = "AUTO"
            # Key frames only when they are dense enough; otherwise skip just the frames
            # nothing else depends on (B-frames), which is still correct for thumbnails.
            video.codec_context.skip_frame = "NONKEY" if keyframes_only else "NONREF"
            for frame in container.decode(video):
                t = _seconds(frame)
                while index < len(times) and t >= times[index]:
                    target = times[index]
                    if previous is not None and target - previous[1] < t - target:
                        tiles[index] = thumb(previous[0])
                        worst_gap = max(worst_gap, target - previous[1])
                    else:
                        tiles[index] = thumb(frame)
                        worst_gap = max(worst_gap, t - target)
                    index += 1
                previous = (frame, t)
                ctx.report(min(0.95, t / duration))
                if index >= len(times):
                    break
        if previous is not None:
            while index < len(times):
                tiles[index] = thumb(previous[0])
                worst_gap = max(worst_gap, times[index] - previous[1])
                index += 1
        if keyframes_only and worst_gap > interval / 2 + 1e-3:
            return None
        return tiles


class Waveform:
    """``waveform.json``: loudness peaks (0..1), ten per second, for the timeline."""

    name = "waveform"
    weight = 0.15
    filename = "waveform.json"

    def run(self, ctx: PipelineContext) -> None:
        film = ctx.require_film()
        peaks: list[float] = []
        if ctx.has_audio:
            try:
                peaks = list(_audio_peaks(film, ctx))
            except av.FFmpegError as exc:
                raise MediaError(f"Cannot read the sound for the waveform: {exc}") from exc
        path = ctx.out_dir / self.filename
        payload = {"rate": WAVEFORM_RATE, "peaks": peaks}
        path.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
        ctx.waveform_path = path
        ctx.report(1.0)


def _audio_peaks(film: Path, ctx: PipelineContext) -> Iterator[float]:
    bucket = WAVEFORM_SAMPLE_RATE // WAVEFORM_RATE
    pending = np.zeros(0, dtype=np.float32)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=WAVEFORM_SAMPLE_RATE)
    duration = max(ctx.duration, 1e-3)

    def drain(samples: np.ndarray[Any, Any], final: bool) -> Iterator[float]:
        usable = len(samples) if final else len(samples) - len(samples) % bucket
        for start in range(0, usable, bucket):
            chunk = samples[start : start + bucket]
            peak = float(np.max(np.abs(chunk))) if len(chunk) else 0.0
            yield round(min(1.0, peak), 3)

    with _open_output(film) as container:
        audio = container.streams.audio[0]
        for frame in container.decode(audio):
            for out in resampler.resample(frame):
                pending = np.concatenate([pending, out.to_ndarray().reshape(-1)])
            if len(pending) >= bucket:
                usable = len(pending) - len(pending) % bucket
                yield from drain(pending[:usable], final=False)
                pending = pending[usable:]
            if frame.time is not None:
                ctx.report(min(0.95, float(frame.time) / duration))
        for out in resampler.resample(None):
            pending = np.concatenate([pending, out.to_ndarray().reshape(-1)])
    if len(pending):
        yield from drain(pending, final=True)


PIPELINE: list[Step] = [MakePlayable(), Poster(), Sprite(), Waveform()]


def process(
    src_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    probe_result: ProbeResult,
    *,
    max_height: int = 720,
    on_progress: ProgressCallback | None = None,
) -> ProcessOutputs:
    """Run :data:`PIPELINE` for an accepted film, writing only inside ``out_dir``.

    ``on_progress(step_name, fraction)`` receives the overall fraction (0..1, never
    decreasing) of the whole pipeline; the last call is exactly ``1.0``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ctx = PipelineContext(
        src_path=Path(src_path), out_dir=out, probe=probe_result, max_height=max_height
    )
    _run_pipeline(ctx, PIPELINE, on_progress)
    if not (
        ctx.film_path
        and ctx.poster_path
        and ctx.sprite_path
        and ctx.sprite_json_path
        and ctx.waveform_path
    ):
        raise MediaError("The media pipeline did not produce every file.")
    return ProcessOutputs(
        film_path=ctx.film_path,
        poster_path=ctx.poster_path,
        sprite_path=ctx.sprite_path,
        sprite_json_path=ctx.sprite_json_path,
        waveform_path=ctx.waveform_path,
        duration=ctx.duration,
        fps=ctx.fps,
        width=ctx.width,
        height=ctx.height,
        has_audio=ctx.has_audio,
        remuxed=ctx.remuxed,
    )


def _run_pipeline(
    ctx: PipelineContext, steps: Sequence[Step], on_progress: ProgressCallback | None
) -> None:
    total = sum(max(step.weight, 0.0) for step in steps) or 1.0
    last_sent = -1.0
    name = steps[0].name if steps else ""

    def emit(overall: float, *, force: bool = False) -> None:
        nonlocal last_sent
        overall = min(1.0, max(last_sent, overall, 0.0))
        if force or overall - last_sent >= 0.01:
            if on_progress is not None:
                on_progress(name, overall)
            last_sent = overall

    done = 0.0
    for step in steps:
        name = step.name
        share = max(step.weight, 0.0) / total
        base = done

        def report(fraction: float, *, _base: float = base, _share: float = share) -> None:
            emit(_base + _share * min(1.0, max(0.0, fraction)))

        ctx.report = report
        emit(base, force=True)  # announce the step, even when the fraction has not moved
        step.run(ctx)
        done = base + share
    emit(1.0, force=last_sent < 1.0)
