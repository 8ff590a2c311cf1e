"""Probing an untrusted upload: a :class:`ProbeResult`, or :class:`MediaRejected` with a reason.

The file extension is never consulted. Only the demuxers in :data:`ALLOWED_DEMUXERS` may open
the file, and the first picture is decoded, so what is accepted here can be processed.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
from av.container import InputContainer
from av.stream import Disposition
from av.video.frame import VideoFrame
from av.video.stream import VideoStream

from attune.films.media.errors import MediaRejected
from attune.films.media.sniff import (
    STILL_REASON,
    check_iso_structure,
    describe_non_media,
    ftyp_brands,
    is_still_image_header,
    iso_track_sizes,
)

#: Demuxers we are willing to open.  Anything else (image sequences, playlists, subtitle files,
#: text "video" formats ...) is refused by FFmpeg itself before any parsing happens.
ALLOWED_DEMUXERS = ("mov", "matroska", "avi", "mpegts", "mpeg", "asf", "flv", "dv", "mxf", "ogg")
FORMAT_WHITELIST = ",".join(ALLOWED_DEMUXERS)
_OPEN_OPTIONS = {"format_whitelist": FORMAT_WHITELIST, "protocol_whitelist": "file"}

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
        brands = ftyp_brands(head)
        return "mov" if brands and brands[0] == "qt" else "mp4"
    if "matroska" in names:
        return "webm" if b"webm" in head[:64] else "matroska"
    return names[0]


def _human_duration(seconds: float, *, floor: bool = False) -> str:
    value, unit = (seconds / 60, "minute") if seconds >= 120 else (seconds, "second")
    amount = math.floor(value) if floor else round(value)
    return f"{amount} {unit}" + ("" if amount == 1 else "s")


def pick_video_stream(container: InputContainer) -> VideoStream | None:
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
    if is_still_image_header(head):
        raise MediaRejected(STILL_REASON)
    if ftyp_brands(head) or head[4:8] in {b"moov", b"mdat", b"free", b"wide"}:
        check_iso_structure(path, file_size)

    try:
        container = _open_input(path)
    except av.FFmpegError as exc:
        if isinstance(exc, OSError):
            raise
        raise MediaRejected(describe_non_media(head)) from exc
    try:
        return _probe_container(path, container, head, max_duration_s, max_pixels)
    finally:
        container.close()


def _probe_container(
    path: str, container: InputContainer, head: bytes, max_duration_s: float, max_pixels: int
) -> ProbeResult:
    video = pick_video_stream(container)
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
        raise MediaRejected(STILL_REASON)

    duration = duration_seconds(container, video)
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
        for declared_w, declared_h in iso_track_sizes(path):
            _check_dimensions(declared_w, declared_h, max_pixels)
    if video.frames == 1:
        raise MediaRejected(STILL_REASON)

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
    fps = _constant_rate(video, duration) if variable else frame_rate(video, duration)
    frame_count = int(video.frames) if video.frames else max(1, round(duration * fps))
    if frame_count <= 1:
        raise MediaRejected(STILL_REASON)

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


def duration_seconds(container: InputContainer, video: VideoStream) -> float:
    if video.duration and video.time_base:
        stream_duration = float(video.duration * video.time_base)
    else:
        stream_duration = 0.0
    container_duration = container.duration / av.time_base if container.duration else 0.0
    return max(stream_duration, container_duration)


def frame_rate(video: VideoStream, duration: float) -> float:
    for rate in (video.average_rate, video.guessed_rate, video.base_rate):
        if rate and 0 < float(rate) <= 1000:
            return float(rate)
    if video.frames and duration > 0:
        return video.frames / duration
    return 25.0


#: The rates a variable-rate film is made constant at: the usual camera rates.
CAMERA_RATES = (
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
    fastest = min(60.0, max(claimed, default=frame_rate(video, duration)))
    nearest = min(CAMERA_RATES, key=lambda r: abs(float(r) - fastest))
    return float(nearest) if abs(float(nearest) - fastest) <= 0.02 * fastest else fastest


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
