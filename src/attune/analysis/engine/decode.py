"""One decoding pass over a film: sound for the speech analysers, pictures for the face analyser.

The film is demuxed once.  Sound is resampled to 16 kHz mono float32 and kept in memory (about
4 MB a minute).  Pictures are sampled at about ``fps`` frames a second, scaled down and turned
upright, and handed to the frame sinks as they are decoded, so a 15-minute film never sits in
memory as pictures.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import av
import numpy as np

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000

#: Receives (time in seconds, RGB picture as an H x W x 3 uint8 array).
FrameSink = Callable[[float, np.ndarray], None]
#: Receives a fraction between 0 and 1.
Progress = Callable[[float], None]


class DecodeError(Exception):
    """The file could not be read as a film at all."""


@dataclass
class Decoded:
    duration: float
    audio: np.ndarray | None
    has_video: bool
    frames_sampled: int = 0
    notes: list[str] = field(default_factory=list)


def _scaled_size(width: int, height: int, max_width: int) -> tuple[int, int]:
    if width <= max_width:
        return width - width % 2, height - height % 2
    scale = max_width / width
    return max_width, max(2, round(height * scale / 2) * 2)


def _upright(picture: np.ndarray, rotation: int) -> np.ndarray:
    """Turn a picture the way a player would (``rotation`` is PyAV's anticlockwise degrees)."""
    turns = (round(rotation / 90) % 4) if rotation else 0
    return np.ascontiguousarray(np.rot90(picture, turns)) if turns else picture


def decode(
    path: str | Path | IO[bytes] | io.RawIOBase,
    *,
    frame_sinks: Sequence[FrameSink] = (),
    fps: float = 5.0,
    max_width: int = 640,
    want_audio: bool = True,
    on_progress: Progress | None = None,
) -> Decoded:
    """Decode ``path`` once, feeding every sink; return the sound and what was found."""
    try:
        container = av.open(str(path) if isinstance(path, str | Path) else path, mode="r")
    except (av.FFmpegError, OSError) as exc:
        raise DecodeError(f"The file could not be opened as a film: {exc}") from exc
    notes: list[str] = []
    with container:
        audio_stream = container.streams.audio[0] if container.streams.audio else None
        video_stream = container.streams.video[0] if container.streams.video else None
        if audio_stream is None and video_stream is None:
            raise DecodeError("The file has neither sound nor picture.")
        duration = container.duration / 1_000_000 if container.duration else 0.0
        streams: list[av.stream.Stream] = []
        resampler = None
        if audio_stream is not None and want_audio:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            streams.append(audio_stream)
        need_video = video_stream is not None and bool(frame_sinks)
        if video_stream is not None and need_video:
            video_stream.thread_type = "AUTO"
            # Pictures are only sampled a few times a second, so frames nothing refers to
            # (most B-frames) need not be decoded at all.
            video_stream.codec_context.skip_frame = "NONREF"
            # The deblocking filter smooths block edges nobody sees at 480 pixels wide; skipping
            # it saves a good part of the decoding time (the small drift it causes within a
            # group of pictures does not matter to face detection).
            video_stream.codec_context.options = {"skip_loop_filter": "all"}
            streams.append(video_stream)
        if not streams:  # nothing wanted (demuxing no stream would mean every stream)
            return Decoded(duration=duration, audio=None, has_video=video_stream is not None)
        chunks: list[np.ndarray] = []
        audio_start: float | None = None
        next_frame_time = 0.0
        step = 1.0 / fps
        sampled = 0
        last_time = 0.0
        last_report = -1.0
        size: tuple[int, int] | None = None
        broken_packets = 0
        for packet in container.demux(streams):
            try:
                frames = packet.decode()
            except av.FFmpegError:
                broken_packets += 1
                continue
            for frame in frames:
                if isinstance(frame, av.AudioFrame) and resampler is not None:
                    time = float(frame.time) if frame.time is not None else last_time
                    last_time = max(last_time, time)
                    if audio_start is None:
                        audio_start = max(0.0, time)
                    for out in resampler.resample(frame):
                        chunks.append(out.to_ndarray().reshape(-1))
                elif isinstance(frame, av.VideoFrame):
                    time = float(frame.time) if frame.time is not None else last_time
                    last_time = max(last_time, time)
                    if time + 1e-6 < next_frame_time:
                        continue
                    if size is None:
                        size = _scaled_size(frame.width, frame.height, max_width)
                    picture = frame.to_ndarray(
                        width=size[0], height=size[1], format="rgb24", interpolation="FAST_BILINEAR"
                    )
                    picture = _upright(picture, frame.rotation)
                    for sink in frame_sinks:
                        sink(time, picture)
                    sampled += 1
                    next_frame_time = max(next_frame_time + step, time + step / 2)
            if on_progress is not None and duration > 0 and last_time - last_report >= 1.0:
                last_report = last_time
                on_progress(min(1.0, last_time / duration))
        if resampler is not None:
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    if broken_packets:
        notes.append(f"{broken_packets} damaged packets in the film were skipped.")
    audio: np.ndarray | None = None
    if resampler is not None:
        audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
        lead = round((audio_start or 0.0) * SAMPLE_RATE)
        if lead > 0:  # keep sound aligned with the film's clock
            audio = np.concatenate([np.zeros(lead, np.float32), audio])
        duration = max(duration, len(audio) / SAMPLE_RATE)
    duration = max(duration, last_time)
    if on_progress is not None:
        on_progress(1.0)
    return Decoded(
        duration=duration,
        audio=audio,
        has_video=video_stream is not None,
        frames_sampled=sampled,
        notes=notes,
    )


def plain_decode(path: str | Path) -> int:
    """Decode every frame of every stream and do nothing else (the speed baseline)."""
    count = 0
    with av.open(str(path)) as container:
        for stream in container.streams.video:
            stream.thread_type = "AUTO"
        for packet in container.demux():
            for _frame in packet.decode():
                count += 1
    return count
