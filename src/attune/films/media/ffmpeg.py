"""Running the ffmpeg bundled with ``imageio-ffmpeg``: progress, a readable failure, no orphans.

PyAV decodes and probes; ffmpeg encodes, because its muxer writes a faststart MP4 and its
filters deinterlace and scale in one pass.
"""

from __future__ import annotations

import collections
import ctypes
import errno
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO

import imageio_ffmpeg

from attune.films.media.errors import MediaError


def ffmpeg_exe() -> str:
    """Path of the FFmpeg binary bundled with ``imageio-ffmpeg``."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


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


def run_ffmpeg(
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
