"""Time ↔ frame maths for the editor and the exporter. Pure Python, no Django.

Frames are numbered from 0. Frame ``n`` is on screen from ``n / rate`` (inclusive) until
``(n + 1) / rate``. A clip is the half-open frame range ``[start, end)``: it shows ``end - start``
frames and lasts ``(end - start) / rate`` seconds. A still is the one-frame range ``[n, n + 1)``.

The editor parks the player in the *middle* of a frame, ``(n + ½) / rate``, so a timestamp that a
container or a browser rounds a little either way never shows the neighbouring frame, and a step
of one frame is always exactly ``1 / rate`` seconds. ``static/attune/editor.js`` mirrors these
functions; it receives the exact rate as a numerator and denominator from the server.
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = [
    "TOLERANCE",
    "clip_bounds",
    "frame_at",
    "frame_count",
    "frame_middle",
    "frame_rate",
    "frame_start",
    "frames_for_seconds",
    "timecode",
]

#: How close (in frames) a time may fall short of a frame's start and still count as that frame.
#: Containers store times in units such as 1/1000 s, so a frame's stored start can sit slightly
#: before or after its exact start.
TOLERANCE = 1e-3

# NTSC-family rates are stored as k*1000/1001 but reported rounded (29.97, 23.976, 59.94).
_NTSC_BASES = (24, 30, 48, 60, 120, 240)


def frame_rate(fps: float | Fraction) -> Fraction:
    """The exact frame rate for a rate as stored on a film (rounded to three decimals)."""
    if isinstance(fps, Fraction):
        if fps <= 0:
            raise ValueError("a frame rate must be positive")
        return fps
    if not math.isfinite(fps) or fps <= 0:
        raise ValueError("a frame rate must be positive")
    for base in _NTSC_BASES:
        ntsc = Fraction(base * 1000, 1001)
        if abs(fps - float(ntsc)) < 0.002:
            return ntsc
    return Fraction(round(fps * 1000), 1000)


def frame_at(seconds: float, rate: Fraction) -> int:
    """The frame on screen at ``seconds`` (never negative)."""
    return max(0, math.floor(seconds * rate + TOLERANCE))


def frame_start(frame: int, rate: Fraction) -> float:
    """When ``frame`` comes on screen, in seconds."""
    return float(Fraction(frame) / rate)


def frame_middle(frame: int, rate: Fraction) -> float:
    """The middle of ``frame``: where the editor parks the player to show it."""
    return float((Fraction(frame) + Fraction(1, 2)) / rate)


def frames_for_seconds(seconds: float, rate: Fraction) -> int:
    """The nearest whole number of frames to a length of time."""
    return max(0, round(seconds * rate))


def frame_count(duration: float, rate: Fraction) -> int:
    """How many frames a film of ``duration`` seconds has (at least one)."""
    return max(1, frames_for_seconds(duration, rate))


def clip_bounds(start: int, end: int, count: int) -> tuple[int, int]:
    """A valid half-open range ``[start, end)`` inside a film of ``count`` frames.

    The ends are put in order and clamped to the film, and the range always holds at least one
    frame, so ``0 <= start < end <= count``.
    """
    if count < 1:
        raise ValueError("a film has at least one frame")
    if end < start:
        start, end = end, start
    start = min(max(start, 0), count - 1)
    end = min(max(end, start + 1), count)
    return start, end


def timecode(frame: int, rate: Fraction) -> str:
    """``HH:MM:SS:FF``, FF being the frame within its second (counted from the first frame
    that starts in that second)."""
    frame = max(0, frame)
    whole = math.floor(Fraction(frame) / rate + Fraction(TOLERANCE) / rate)
    first = max(0, math.ceil(whole * rate - Fraction(TOLERANCE)))
    within = frame - first
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}:{within:02d}"
