"""A read-only, seekable file over an encrypted object, for PyAV to demux from.

Only the parts of a film that a clip or still needs are read and decrypted (the index at the
front and the frames of the range), in whole windows kept in a small cache, so exporting an
8-second clip from a long film never decrypts the whole film or writes it to disk.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Callable, Iterable

RangeReader = Callable[[int, int], Iterable[bytes]]

#: The vault encrypts in 1 MiB chunks: reading aligned windows of the same size decrypts each
#: chunk once.
WINDOW = 1024 * 1024
CACHED_WINDOWS = 48


class RangeFile(io.RawIOBase):
    """A file of ``size`` bytes whose bytes ``start..end`` (inclusive) come from ``read_range``."""

    def __init__(self, read_range: RangeReader, size: int, *, window: int = WINDOW) -> None:
        super().__init__()
        self._read_range = read_range
        self._size = size
        self._window = window
        self._pos = 0
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self.bytes_decrypted = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise ValueError("negative seek position")
        self._pos = pos
        return pos

    def _block(self, index: int) -> bytes:
        block = self._cache.get(index)
        if block is not None:
            self._cache.move_to_end(index)
            return block
        start = index * self._window
        end = min(self._size, start + self._window) - 1
        block = b"".join(self._read_range(start, end))
        self.bytes_decrypted += len(block)
        self._cache[index] = block
        if len(self._cache) > CACHED_WINDOWS:
            self._cache.popitem(last=False)
        return block

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), max(0, self._size - self._pos))
        done = 0
        while done < wanted:
            index, offset = divmod(self._pos, self._window)
            block = self._block(index)
            take = min(wanted - done, len(block) - offset)
            if take <= 0:
                break
            view[done : done + take] = block[offset : offset + take]
            done += take
            self._pos += take
        return done
