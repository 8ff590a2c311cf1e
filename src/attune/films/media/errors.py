"""The two ways a film can fail: refused at the door, or broken on the way through."""

from __future__ import annotations


class MediaRejected(Exception):
    """The uploaded file cannot be accepted; ``reason`` is a sentence a guider can read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MediaError(Exception):
    """Processing an accepted file failed unexpectedly."""
