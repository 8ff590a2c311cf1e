"""A test film whose every frame shows its own number, and a reader for it.

Each frame is ten vertical stripes, one per bit of the frame's index (least significant bit on
the left): light for 1, dark for 0. Broad stripes survive compression, so the number can be read
back from any decoded picture, which is how tests check that a clip starts on the frame asked
for. Used by tests and benchmarks; generated with the ffmpeg that ``imageio-ffmpeg`` bundles.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from av.video.frame import VideoFrame
from PIL import Image

BITS = 10
MAX_FRAMES = 2**BITS


def make_counter_film(
    path: str | os.PathLike[str],
    *,
    frames: int = 100,
    fps: int = 25,
    width: int = 160,
    height: int = 96,
    keyint: int = 25,
    bframes: int | None = None,
    audio: bool = True,
) -> Path:
    """Write an H.264/AAC MP4 (faststart) of ``frames`` frames, each showing its own index."""
    if not 1 < frames <= MAX_FRAMES:
        raise ValueError(f"between 2 and {MAX_FRAMES} frames")
    seconds = frames / fps
    stripes = f"if(mod(floor(N/pow(2\\,floor(X*{BITS}/W)))\\,2)\\,235\\,16)"
    source = (
        f"color=c=black:size={width}x{height}:rate={fps}:duration={seconds},"
        f"format=yuv420p,geq=lum='{stripes}':cb=128:cr=128"
    )
    args = ["-f", "lavfi", "-i", source]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
        args += ["-map", "0:v", "-map", "1:a", "-c:a", "aac", "-b:a", "64k"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]
    args += ["-g", str(keyint), "-keyint_min", str(keyint), "-sc_threshold", "0"]
    if bframes is not None:
        args += ["-bf", str(bframes)]
    args += ["-frames:v", str(frames), "-movflags", "+faststart", "-f", "mp4"]
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error"]
    target = Path(path)
    proc = subprocess.run([*cmd, *args, str(target)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {proc.stderr.strip()[-2000:]}")
    return target


def read_counter(picture: VideoFrame | Image.Image) -> int:
    """The frame number shown in a picture made by :func:`make_counter_film`."""
    image = picture.to_image() if isinstance(picture, VideoFrame) else picture
    grey = np.asarray(image.convert("L"), dtype=np.float32)
    height, width = grey.shape
    band = grey[height // 4 : 3 * height // 4]
    value = 0
    for bit in range(BITS):
        left = int((bit + 0.3) * width / BITS)
        right = max(left + 1, int((bit + 0.7) * width / BITS))
        if band[:, left:right].mean() > 128:
            value |= 1 << bit
    return value
