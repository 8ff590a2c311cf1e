"""Frame-accurate clips (H.264 MP4) and stills (PNG and JPEG) from a playable film.

Plain Python on PyAV, no Django: the worker, the benchmarks and the tests call the same
functions. The source is a path or any seekable binary file (the worker passes a
:class:`~attune.vault.reader.RangeFile` over the encrypted film, so only the frames a clip
needs are ever decrypted).

A clip is the half-open frame range ``[start, end)`` (see :mod:`attune.moments.timecode`).

* **Stream copy** when it is exact: the in-point is a key frame and the clip's pictures are,
  in decoding order, one unbroken run from that key frame, so none of them depends on a picture
  left out. Films without B-frames qualify whenever the in-point is a key frame; films with
  B-frames when the out-point also falls on a key frame (or the end of the film).
* **Re-encode** (x264) otherwise: decode from the key frame before the in-point, keep exactly the
  frames of the range, encode them. Joining a re-encoded head to a stream-copied tail would need
  two sets of H.264 parameters in one track, which browsers do not reliably play, so a clip is
  either copied or encoded whole.

The sound is always decoded, trimmed to the sample and encoded as AAC: it costs little and
avoids the clicks of cutting compressed audio between its frames.
"""

from __future__ import annotations

import errno
import io
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import av
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.packet import Packet
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from attune.moments.timecode import frame_at, frame_start

__all__ = ["ClipResult", "ExportError", "export_clip", "export_still", "keyframes"]

Source = str | os.PathLike[str] | IO[bytes] | io.RawIOBase
Progress = Callable[[float], None]

#: x264 settings for re-encoded clips: as fast as the frame-accurate baseline the benchmark
#: compares against, at a quality level that looks like the source on a review screen.
X264_PRESET = "ultrafast"
X264_CRF = 18
AUDIO_BITRATE = 128_000
JPEG_QUALITY = 92
# How far before a key frame to look again when a seek lands after the wanted frame.
_SEEK_BACKOFF_S = (0.0, 2.0, 10.0, 60.0)


class ExportError(Exception):
    """The clip or still could not be made; the message can be shown to the guider."""


@dataclass(frozen=True)
class ClipResult:
    method: str  # "copy" or "encode"
    frames: int
    seconds: float
    has_audio: bool


DISK_FULL_REASON = (
    "The server ran out of disk space while making this {what}. Nothing was kept: ask your "
    "administrator to free some space, then ask for it again."
)


def failure_reason(what: str, exc: av.FFmpegError) -> str:
    """What the guider is told: plain words for a full disk (never the server's file names)."""
    if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return DISK_FULL_REASON.format(what=what)
    return f"The {what} could not be made: {exc.strerror or exc}"


def _open(source: Source) -> InputContainer:
    try:
        if isinstance(source, str | os.PathLike):
            return av.open(os.fspath(source), mode="r")
        source.seek(0)
        return av.open(source, mode="r", format="mp4")
    except av.FFmpegError as exc:
        raise ExportError(f"The film cannot be read: {exc}") from exc


def _video(container: InputContainer) -> VideoStream:
    if not container.streams.video:
        raise ExportError("The film has no picture.")
    video = container.streams.video[0]
    video.codec_context.thread_type = "AUTO"
    return video


def _audio(container: InputContainer) -> AudioStream | None:
    return container.streams.audio[0] if container.streams.audio else None


def _index(seconds: float | None, rate: Fraction) -> int:
    return frame_at(seconds or 0.0, rate)


def _packet_index(packet: Packet, rate: Fraction) -> int | None:
    if packet.pts is None or packet.time_base is None:
        return None
    return frame_at(float(packet.pts * packet.time_base), rate)


def _seek(container: InputContainer, stream: Any, seconds: float) -> None:
    """Seek to the key frame at or before ``seconds`` (in the stream's own time)."""
    target = max(0.0, seconds)
    if target <= 0 or not stream.time_base:
        container.seek(0, stream=stream, backward=True)
        return
    container.seek(int(target / stream.time_base), stream=stream, backward=True)


def _frames_from(
    container: InputContainer, video: VideoStream, rate: Fraction, start: int
) -> Iterator[tuple[int, VideoFrame]]:
    """Decoded frames with their index, from a key frame at or before frame ``start``."""
    wanted = frame_start(start, rate)
    for backoff in _SEEK_BACKOFF_S:
        _seek(container, video, wanted - backoff)
        frames = container.decode(video)
        first = next(frames, None)
        if first is None:
            return
        index = _index(first.time, rate)
        if index <= start or wanted - backoff <= 0:
            yield index, first
            for frame in frames:
                yield _index(frame.time, rate), frame
            return
    raise ExportError("Could not find a key frame before the moment.")


def keyframes(source: Source, rate: Fraction) -> list[int]:
    """The frame indices of a film's key frames (reads packets only; used by tests and benches)."""
    with _open(source) as container:
        video = _video(container)
        found = []
        for packet in container.demux(video):
            index = _packet_index(packet, rate)
            if packet.is_keyframe and index is not None:
                found.append(index)
        return sorted(found)


# --- clips ---------------------------------------------------------------------------------------


def _copyable_packets(
    container: InputContainer, video: VideoStream, rate: Fraction, start: int, end: int
) -> list[Packet] | None:
    """The packets of frames ``[start, end)`` when copying them is exact; else None."""
    _seek(container, video, frame_start(start, rate))
    run: list[Packet] = []
    for packet in container.demux(video):
        if packet.size == 0:
            continue
        index = _packet_index(packet, rate)
        if index is None or packet.dts is None:
            return None
        if not run and (not packet.is_keyframe or index != start):
            return None
        run.append(packet)
        # Presentation never comes before decoding, so once a packet decodes at or after the
        # out-point, it and every later packet show at or after it too.
        if packet.time_base and frame_at(float(packet.dts * packet.time_base), rate) >= end:
            break
    inside = [start <= (_packet_index(p, rate) or 0) < end for p in run]
    count = sum(inside)
    if count != end - start or not all(inside[:count]):
        return None
    return run[:count]


def _sound(
    container: InputContainer, audio: AudioStream, start_s: float, end_s: float
) -> Iterator[AudioFrame]:
    """Decoded sound from ``start_s`` to ``end_s``, cut to the sample, as planar float."""
    rate = audio.codec_context.sample_rate or audio.rate or 48000
    layout = audio.codec_context.layout.name if audio.codec_context.layout else "stereo"
    to_float = av.AudioResampler(format="fltp", layout=layout, rate=rate)
    first = round(start_s * rate)
    last = round(end_s * rate)
    _seek(container, audio, start_s - 0.5)
    position: int | None = None
    for decoded in container.decode(audio):
        for frame in to_float.resample(decoded):
            if frame.time is not None and position is None:
                position = round(frame.time * rate)
            elif position is None:
                position = 0
            samples = frame.to_ndarray()
            begin, stop = position, position + samples.shape[1]
            position = stop
            if stop <= first:
                continue
            if begin >= last:
                return
            piece = samples[:, max(0, first - begin) : min(stop, last) - begin]
            if piece.shape[1]:
                out = AudioFrame.from_ndarray(piece.copy(), format="fltp", layout=layout)
                out.sample_rate = rate
                yield out


def _encode_sound(
    container: InputContainer,
    audio: AudioStream,
    output: OutputContainer,
    start_s: float,
    end_s: float,
) -> list[Packet]:
    """Encode the clip's sound as AAC; the packets are muxed later, interleaved with video."""
    rate = audio.codec_context.sample_rate or 48000
    layout = audio.codec_context.layout.name if audio.codec_context.layout else "stereo"
    stream = output.add_stream("aac", rate=rate)
    stream.codec_context.layout = layout
    stream.codec_context.bit_rate = AUDIO_BITRATE
    fifo = av.AudioFifo()
    packets: list[Packet] = []
    written = 0

    def encode(frame: AudioFrame | None) -> None:
        nonlocal written
        if frame is not None:
            frame.pts = written
            frame.time_base = Fraction(1, rate)
            written += frame.samples
        packets.extend(stream.encode(frame))

    for piece in _sound(container, audio, start_s, end_s):
        piece.pts = None
        fifo.write(piece)
        while fifo.samples >= 1024:
            encode(fifo.read(1024))
    if fifo.samples:
        encode(fifo.read())
    encode(None)
    return packets


class _Muxer:
    """Writes video packets as they come, slotting in the (already encoded) sound by time."""

    def __init__(self, output: OutputContainer, sound: list[Packet]) -> None:
        self.output = output
        self.sound = sorted(sound, key=lambda p: float((p.dts or 0) * (p.time_base or 1)))

    def _sound_until(self, seconds: float) -> None:
        while self.sound and float((self.sound[0].dts or 0) * (self.sound[0].time_base or 1)) <= (
            seconds
        ):
            self.output.mux(self.sound.pop(0))

    def video(self, packet: Packet) -> None:
        if packet.dts is not None and packet.time_base is not None:
            self._sound_until(float(packet.dts * packet.time_base))
        self.output.mux(packet)

    def finish(self) -> None:
        for packet in self.sound:
            self.output.mux(packet)
        self.sound = []


def export_clip(
    source: Source,
    dest: str | os.PathLike[str],
    *,
    rate: Fraction,
    start: int,
    end: int,
    allow_copy: bool = True,
    preset: str = X264_PRESET,
    crf: int = X264_CRF,
    on_progress: Progress | None = None,
) -> ClipResult:
    """Write frames ``[start, end)`` of ``source`` to ``dest`` as an H.264/AAC MP4."""
    if not 0 <= start < end:
        raise ExportError("A clip needs at least one frame.")
    report = on_progress or (lambda fraction: None)
    start_s, end_s = frame_start(start, rate), frame_start(end, rate)
    with _open(source) as container:
        video = _video(container)
        audio = _audio(container)
        packets = _copyable_packets(container, video, rate, start, end) if allow_copy else None
        target = Path(dest)
        try:
            with av.open(
                os.fspath(target), mode="w", format="mp4", options={"movflags": "+faststart"}
            ) as output:
                if packets is not None:
                    video_out = output.add_stream_from_template(video)
                else:
                    video_out = _x264_stream(output, video, rate, preset, crf)
                sound = _encode_sound(container, audio, output, start_s, end_s) if audio else []
                muxer = _Muxer(output, sound)
                if packets is not None:
                    shift = packets[0].pts or 0
                    for packet in packets:
                        packet.pts = (packet.pts or 0) - shift
                        packet.dts = (packet.dts or 0) - shift
                        packet.stream = video_out
                        muxer.video(packet)
                    written = len(packets)
                else:
                    written = _encode_frames(
                        container, video, video_out, muxer, rate, start, end, report
                    )
                muxer.finish()
        except av.FFmpegError as exc:
            target.unlink(missing_ok=True)
            raise ExportError(failure_reason("clip", exc)) from exc
    if written == 0:
        target.unlink(missing_ok=True)
        raise ExportError("The film has no pictures at that point; check the moment's frames.")
    report(1.0)
    return ClipResult(
        method="copy" if packets is not None else "encode",
        frames=written,
        seconds=end_s - start_s,
        has_audio=audio is not None,
    )


def _x264_stream(
    output: OutputContainer, video: VideoStream, rate: Fraction, preset: str, crf: int
) -> Any:
    stream = output.add_stream("libx264", rate=rate)
    context = video.codec_context
    stream.width = context.width
    stream.height = context.height
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1) / rate
    stream.codec_context.time_base = Fraction(1) / rate
    stream.options = {"preset": preset, "crf": str(crf)}
    # PyAV defaults encoders to slice threads; x264 is faster with frame threads, as ffmpeg uses.
    stream.codec_context.thread_type = "AUTO"
    return stream


def _decoded(
    container: InputContainer, video: VideoStream, rate: Fraction, start: int, end: int
) -> Iterator[VideoFrame]:
    """The frames ``[start, end)``, decoded on a thread of their own.

    PyAV lets go of the GIL while FFmpeg decodes and encodes, so decoding the next pictures
    while x264 encodes the last ones keeps both busy, as ffmpeg's own pipeline does.
    """
    frames: queue.Queue[VideoFrame | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def put(item: VideoFrame | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                frames.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def decode() -> None:
        last = -1
        try:
            for index, frame in _frames_from(container, video, rate, start):
                if index >= end:
                    break
                if index < start or index == last:
                    continue
                last = index
                if not put(frame):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)
            return
        put(None)

    worker = threading.Thread(target=decode, name="clip-decode", daemon=True)
    worker.start()
    try:
        while (item := frames.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _encode_frames(
    container: InputContainer,
    video: VideoStream,
    stream: Any,
    muxer: _Muxer,
    rate: Fraction,
    start: int,
    end: int,
    report: Progress,
) -> int:
    written = 0
    total = end - start
    for frame in _decoded(container, video, rate, start, end):
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        frame.pts = written
        frame.time_base = Fraction(1) / rate
        for packet in stream.encode(frame):
            muxer.video(packet)
        written += 1
        if written % 25 == 0:
            report(min(0.99, written / total))
    for packet in stream.encode(None):
        muxer.video(packet)
    return written


# --- stills --------------------------------------------------------------------------------------


# FFmpeg's numbers for the colour matrices a film may declare (AVColorSpace).
_BT709, _UNSPECIFIED, _BT470BG, _SMPTE170M = 1, 2, 5, 6


def _picture(frame: VideoFrame) -> Image.Image:
    """The frame as RGB, converted with the colour matrix a browser would use to show it: the
    one the film declares, or for an undeclared one BT.709 in HD and BT.601 below."""
    space = frame.colorspace
    if space == _UNSPECIFIED:
        matrix: str | None = "ITU709" if frame.height >= 720 else "ITU601"
    elif space == _BT709:
        matrix = "ITU709"
    elif space in (_BT470BG, _SMPTE170M):
        matrix = "ITU601"
    else:
        matrix = None
    return frame.reformat(format="rgb24", src_colorspace=matrix).to_image()


def export_still(
    source: Source,
    *,
    rate: Fraction,
    frame: int,
    png: str | os.PathLike[str] | None = None,
    jpeg: str | os.PathLike[str] | None = None,
) -> tuple[int, int]:
    """Write frame ``frame`` of ``source`` as a PNG and/or a JPEG. Returns its (width, height)."""
    chosen: VideoFrame | None = None
    with _open(source) as container:
        video = _video(container)
        try:
            for index, decoded in _frames_from(container, video, rate, frame):
                if index > frame:
                    break
                chosen = decoded
                if index == frame:
                    break
            if chosen is None:
                raise ExportError("That frame is not in the film.")
            image = _picture(chosen)
        except av.FFmpegError as exc:
            raise ExportError(failure_reason("still", exc)) from exc
    if png is not None:
        image.save(os.fspath(png), "PNG")
    if jpeg is not None:
        image.convert("RGB").save(os.fspath(jpeg), "JPEG", quality=JPEG_QUALITY)
    return image.width, image.height
