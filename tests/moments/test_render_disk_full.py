"""A render that runs out of scratch space fails with plain words, never the server's paths."""

from __future__ import annotations

import errno

import av.error
import pytest

from attune.moments.export import failure_reason


def ffmpeg_error(code: int, filename: str) -> av.error.FFmpegError:
    try:
        av.error.err_check(-code, filename)
    except av.error.FFmpegError as exc:
        return exc
    raise AssertionError("PyAV raised nothing")


@pytest.mark.parametrize("what", ["clip", "still"])
def test_a_full_disk_is_told_plainly_without_the_scratch_path(what: str) -> None:
    exc = ffmpeg_error(errno.ENOSPC, "/srv/attune/scratch/render-1-abc-1/clip.mp4")

    reason = failure_reason(what, exc)

    assert reason.startswith(f"The server ran out of disk space while making this {what}.")
    assert "/srv" not in reason and "Errno" not in reason


def test_other_failures_name_the_problem_but_not_the_path() -> None:
    exc = ffmpeg_error(errno.EINVAL, "/srv/attune/scratch/render-1-abc-1/clip.mp4")

    reason = failure_reason("clip", exc)

    assert reason.startswith("The clip could not be made: ")
    assert "/srv" not in reason
