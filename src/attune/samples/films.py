"""Sample films and pictures, made on the spot: used by the demo, the benchmarks and the tests.

Everything is produced with the FFmpeg binary bundled with ``imageio-ffmpeg`` (synthetic ``lavfi``
sources) and Pillow, so no media files need to be checked in. Files are kept tiny by default.
The hostile files only tests need are built in ``tests/hostile_media.py``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

__all__ = ["make_film", "make_image"]


_VIDEO_CODECS: dict[str, list[str]] = {
    "h264": ["-c:v", "libx264", "-preset", "veryfast"],
    "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"],
    "vp9": [
        "-c:v",
        "libvpx-vp9",
        "-deadline",
        "realtime",
        "-cpu-used",
        "8",
        "-b:v",
        "300k",
    ],
    "mpeg4": ["-c:v", "mpeg4", "-q:v", "5"],
    "mjpeg": ["-c:v", "mjpeg", "-q:v", "5"],
}
_CONTAINER_FORMATS = {
    "mp4": "mp4",
    "mov": "mov",
    "webm": "webm",
    "mkv": "matroska",
    "avi": "avi",
}
_DEFAULT_AUDIO = {
    "mp4": "aac",
    "mov": "aac",
    "webm": "libopus",
    "mkv": "libopus",
    "avi": "pcm_s16le",
}
_PATTERNS = {"testsrc2", "testsrc", "smptebars", "rgbtestsrc", "black"}


def _ffmpeg(*args: str) -> None:
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error"]
    proc = subprocess.run([*cmd, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


def _video_source(pattern: str, width: int, height: int, fps: float, seconds: float) -> str:
    if pattern not in _PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; choose from {sorted(_PATTERNS)}")
    size = f"size={width}x{height}:rate={fps}:duration={seconds}"
    if pattern == "black":
        return f"color=c=black:{size}"
    return f"{pattern}={size}"


def _audio_source(seconds: float, *, speech_like: bool, silent: bool) -> str:
    if silent:
        return f"anullsrc=r=48000:cl=mono:d={seconds}"
    if speech_like:
        # A voice-ish tone whose loudness wobbles at syllable rate, with pauses.
        expr = "0.6*sin(2*PI*180*t)*(0.55+0.45*sin(2*PI*4*t))*gt(sin(2*PI*0.4*t)\\,-0.3)"
    else:
        expr = "0.5*sin(2*PI*440*t)"
    return f"aevalsrc='{expr}':s=48000:d={seconds}"


def make_film(
    path: str | os.PathLike[str],
    *,
    seconds: float = 3,
    width: int = 320,
    height: int = 240,
    fps: float = 25,
    audio: bool = True,
    codec: str = "h264",
    container: str = "mp4",
    rotate: int = 0,
    vfr: bool = False,
    marker: str | None = None,
    pattern: str = "testsrc2",
    speech_like_audio: bool = False,
    silent_audio: bool = False,
    audio_codec: str | None = None,
    pix_fmt: str | None = None,
    faststart: bool = False,
    keyint: int | None = None,
) -> Path:
    """Write a synthetic film to ``path`` and return it as a :class:`Path`.

    ``rotate`` is the clockwise rotation a player must apply (what phones record when held
    upright), stored as display-matrix side data.  ``vfr`` drops frames irregularly so the
    frame rate varies.  ``marker`` is written into the title/comment tags and the video
    track's title and handler name so tests can check nothing leaks into processed output.
    The container is chosen by ``container``, never by the file extension.
    """
    target = Path(path)
    if codec not in _VIDEO_CODECS:
        raise ValueError(f"unknown codec {codec!r}; choose from {sorted(_VIDEO_CODECS)}")
    if container not in _CONTAINER_FORMATS:
        raise ValueError(f"unknown container {container!r}")
    args = ["-f", "lavfi", "-i", _video_source(pattern, width, height, fps, seconds)]
    if audio:
        source = _audio_source(seconds, speech_like=speech_like_audio, silent=silent_audio)
        args += ["-f", "lavfi", "-i", source, "-map", "0:v", "-map", "1:a"]
    if vfr:
        # Drop frames in an irregular pattern, like a phone under load.
        select = "not(eq(mod(n\\,7)\\,3))*not(eq(mod(n\\,11)\\,5))*not(eq(mod(n\\,13)\\,8))"
        args += ["-vf", f"select='{select}'", "-fps_mode", "vfr"]
    args += _VIDEO_CODECS[codec]
    if pix_fmt is None:
        pix_fmt = "yuvj420p" if codec == "mjpeg" else "yuv420p"
    args += ["-pix_fmt", pix_fmt]
    if keyint is not None:
        args += ["-g", str(keyint)]
    if codec == "hevc" and container in {"mp4", "mov"}:
        args += ["-tag:v", "hvc1"]
    if audio:
        args += ["-c:a", audio_codec or _DEFAULT_AUDIO[container]]
        if (audio_codec or _DEFAULT_AUDIO[container]) == "aac":
            args += ["-b:a", "96k"]
    if marker is not None:
        args += ["-metadata", f"title={marker}", "-metadata", f"comment={marker}"]
        args += ["-metadata:s:v:0", f"title={marker}", "-metadata:s:v:0", f"handler_name={marker}"]
    if faststart and container in {"mp4", "mov"}:
        args += ["-movflags", "+faststart"]
    args += ["-t", str(seconds), "-f", _CONTAINER_FORMATS[container]]
    if not rotate:
        _ffmpeg(*args, str(target))
        return target
    temporary = target.with_name(f".{target.name}.unrotated")
    try:
        _ffmpeg(*args, str(temporary))
        remux = ["-display_rotation", str(-rotate), "-i", str(temporary), "-map", "0", "-c", "copy"]
        if faststart and container in {"mp4", "mov"}:
            remux += ["-movflags", "+faststart"]
        _ffmpeg(*remux, "-f", _CONTAINER_FORMATS[container], str(target))
    finally:
        temporary.unlink(missing_ok=True)
    return target


def make_image(
    path: str | os.PathLike[str], *, fmt: str = "PNG", size: tuple[int, int] = (160, 120)
) -> Path:
    """Write a small still picture (a colour gradient) in the given Pillow format."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    target = Path(path)
    image.save(target, fmt)
    return target
