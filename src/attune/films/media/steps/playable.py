"""``film.mp4``: the film as every browser plays it (H.264/AAC, faststart), which later steps read.

The picture is copied when it is already browser-safe (a remux, seconds for an hour), and
encoded otherwise. Sound is copied when it is AAC, converted otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
from av.container import InputContainer
from av.video.frame import VideoFrame

from attune.films.media.contract import Output, PipelineContext, Step
from attune.films.media.errors import MediaError
from attune.films.media.ffmpeg import run_ffmpeg
from attune.films.media.probe import (
    CAMERA_RATES,
    FORMAT_WHITELIST,
    ProbeResult,
    duration_seconds,
    frame_rate,
    pick_video_stream,
)

FILM = Output(
    attr="film_path",
    field="playable",
    kind="playable",
    content_type="video/mp4",
    filename="film.mp4",
)
# ffmpeg writes here and the file is renamed when complete, so no half-written film.mp4 is read.
_PARTIAL_NAME = "film.part.mp4"


def require_film(ctx: PipelineContext) -> Path:
    """The playable film, for the steps that read it."""
    path = ctx.files.get(FILM.attr)
    if path is None:
        raise MediaError("The playable film has not been made yet.")
    return path


def open_output(path: Path) -> InputContainer:
    return av.open(f"file:{path.resolve()}")


def frame_seconds(frame: VideoFrame) -> float:
    return float(frame.time) if frame.time is not None else 0.0


class MakePlayable(Step):
    """Write ``film.mp4``: remux when the picture is already browser-safe, else transcode."""

    name = "make_playable"
    weight = 0.6
    outputs = (FILM,)
    # Guard against ffmpeg hanging on a pathological file: generous, scaled to the length.
    min_timeout_s = 600.0
    timeout_factor = 20.0

    def run(self, ctx: PipelineContext) -> None:
        partial = ctx.out_dir / _PARTIAL_NAME
        copy_video = ctx.probe.video_copyable
        if copy_video:
            try:
                self._ffmpeg(ctx, partial, copy_video=True)
            except MediaError:
                copy_video = False  # odd timestamps and the like: fall back to encoding
        if not copy_video:
            self._ffmpeg(ctx, partial, copy_video=False)
        os.replace(partial, ctx.path_for(FILM))
        ctx.made(FILM)
        ctx.remuxed = copy_video
        _describe_output(ctx)
        ctx.report(1.0)

    def cleanup(self, ctx: PipelineContext) -> None:
        # A failed or interrupted encode leaves its partial file; a finished one was renamed.
        partial = ctx.out_dir / _PARTIAL_NAME
        if partial.exists():
            partial.unlink()

    def _ffmpeg(self, ctx: PipelineContext, target: Path, *, copy_video: bool) -> None:
        pr = ctx.probe
        run_ffmpeg(
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
        FORMAT_WHITELIST,
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


def _scale_filter(max_height: int) -> str:
    # Keep square pixels, an even size (yuv420p needs it) and never upscale.
    # Interlaced camcorder footage is deinterlaced; progressive frames pass through untouched.
    h = f"trunc(min({max_height}\\,ih)/2)*2"
    scale = f"scale=w='trunc({h}*dar/2)*2':h='{h}':out_range=tv,setsar=1"
    return f"yadif=mode=send_frame:deint=interlaced,{scale}"


def _rate_argument(fps: float) -> str:
    """``fps`` as ffmpeg's ``-r`` wants it, exact for the NTSC rates (30000/1001, not 29.97)."""
    for rate in CAMERA_RATES:
        if abs(float(rate) - fps) < 0.002:
            return f"{rate.numerator}/{rate.denominator}"
    return f"{fps:.3f}"


def _describe_output(ctx: PipelineContext) -> None:
    film = require_film(ctx)
    try:
        with open_output(film) as container:
            video = pick_video_stream(container)
            if video is None:
                raise MediaError("The converted film has no picture.")
            ctx.duration = round(duration_seconds(container, video), 3)
            ctx.fps = round(frame_rate(video, ctx.duration), 3)
            ctx.width = int(video.codec_context.width)
            ctx.height = int(video.codec_context.height)
            ctx.has_audio = bool(container.streams.audio)
    except av.FFmpegError as exc:
        raise MediaError(f"Cannot read the converted film: {exc}") from exc
