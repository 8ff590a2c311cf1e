"""Encryption core for media at rest.

Pure Python on top of ``cryptography``'s AES-GCM; no framework imports.

Key hierarchy::

    master key --wraps--> case key --wraps--> object key --encrypts--> object

Keys are wrapped with AES-256-GCM (:func:`wrap_key`), binding each wrapped key to a
context string such as ``b"case:<uuid>"`` through the associated data.

Objects are stored in a chunked AES-256-GCM format that supports streaming writes and
random-access reads. See ``docs/vault.md`` for the byte layout and the security argument.
"""

from __future__ import annotations

import os
import struct
import uuid
from collections.abc import Iterator
from types import TracebackType
from typing import NamedTuple, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "FORMAT_VERSION",
    "HEADER_SIZE",
    "KEY_SIZE",
    "MAGIC",
    "MAX_CHUNK_SIZE",
    "TAG_SIZE",
    "WRAPPED_KEY_SIZE",
    "WRAP_VERSION",
    "ChunkDecryptor",
    "ChunkEncryptor",
    "EncryptingWriter",
    "FormatError",
    "Header",
    "IntegrityError",
    "KeyUnavailable",
    "VaultError",
    "case_context",
    "ciphertext_size",
    "decrypt_all",
    "encrypt_stream",
    "new_key",
    "object_context",
    "parse_header",
    "plaintext_length",
    "plaintext_size",
    "read_range",
    "rewrap_key",
    "unwrap_key",
    "wrap_key",
]

KEY_SIZE = 32
"""Size in bytes of every key in the hierarchy (AES-256)."""

NONCE_SIZE = 12
TAG_SIZE = 16

WRAP_VERSION = 1
WRAPPED_KEY_SIZE = 1 + NONCE_SIZE + KEY_SIZE + TAG_SIZE
"""Size of :func:`wrap_key` output: version byte, nonce, encrypted key, tag."""

MAGIC = b"ATV1"
FORMAT_VERSION = 1
DEFAULT_CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
"""Upper bound accepted for a header's chunk size (bounds memory per chunk read)."""

_HEADER = struct.Struct(">4sBI16s")
HEADER_SIZE = _HEADER.size  # 25
_CHUNK_AAD = struct.Struct(">QB")  # chunk index, final flag
_CHUNK_NONCE = struct.Struct(">QB3x")  # chunk index, final flag, 3 zero bytes
_MAX_INDEX = 2**64 - 1

Buffer = bytes | bytearray | memoryview


# --------------------------------------------------------------------------- errors


class VaultError(Exception):
    """Base class for every failure of the vault: malformed, tampered or undecryptable data."""


class FormatError(VaultError):
    """Data is not in a format this module understands (bad magic, version or size)."""


class IntegrityError(VaultError):
    """Authentication failed: wrong key, wrong context, or the data was modified."""


class KeyUnavailable(VaultError):
    """A key needed for decryption no longer exists or cannot be obtained.

    Not raised by this module; key stores raise it, for example after a case key has been
    destroyed (crypto-shredded).
    """


# --------------------------------------------------------------------------- file protocols


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class SeekableReadable(Readable, Protocol):
    def seek(self, offset: int, whence: int, /) -> int: ...


class Writable(Protocol):
    def write(self, data: bytes, /) -> object: ...


# --------------------------------------------------------------------------- keys


def new_key() -> bytes:
    """Return a fresh random 32-byte key."""
    return os.urandom(KEY_SIZE)


def _check_key(key: object, what: str = "key") -> None:
    if not isinstance(key, bytes | bytearray | memoryview) or len(key) != KEY_SIZE:
        raise VaultError(f"{what} must be {KEY_SIZE} bytes")


def case_context(case_id: uuid.UUID) -> bytes:
    """Wrapping context for a case key (wrapped by the master key)."""
    return b"case:" + str(case_id).encode("ascii")


def object_context(object_id: uuid.UUID) -> bytes:
    """Wrapping context for an object key (wrapped by its case key)."""
    return b"object:" + str(object_id).encode("ascii")


def wrap_key(kek: bytes, key: bytes, *, context: bytes) -> bytes:
    """Encrypt ``key`` under the key-encryption key ``kek``, bound to ``context``.

    Returns ``version (1) || nonce (12) || ciphertext+tag (48)``. ``context`` is
    authenticated as associated data, so the result only unwraps with the same context.
    """
    _check_key(kek, "key-encryption key")
    _check_key(key, "wrapped key")
    nonce = os.urandom(NONCE_SIZE)
    return bytes((WRAP_VERSION,)) + nonce + AESGCM(kek).encrypt(nonce, bytes(key), context)


def unwrap_key(kek: bytes, wrapped: bytes, *, context: bytes) -> bytes:
    """Reverse :func:`wrap_key`. Raises :class:`VaultError` on any failure."""
    _check_key(kek, "key-encryption key")
    if len(wrapped) != WRAPPED_KEY_SIZE:
        raise FormatError(f"wrapped key must be {WRAPPED_KEY_SIZE} bytes, got {len(wrapped)}")
    if wrapped[0] != WRAP_VERSION:
        raise FormatError(f"unsupported wrapped key version {wrapped[0]}")
    nonce = wrapped[1 : 1 + NONCE_SIZE]
    try:
        key = AESGCM(kek).decrypt(nonce, wrapped[1 + NONCE_SIZE :], context)
    except InvalidTag:
        raise IntegrityError("wrapped key failed authentication (wrong key or context)") from None
    return key


def rewrap_key(old_kek: bytes, new_kek: bytes, wrapped: bytes, *, context: bytes) -> bytes:
    """Unwrap with ``old_kek`` and wrap again under ``new_kek`` (same context)."""
    return wrap_key(new_kek, unwrap_key(old_kek, wrapped, context=context), context=context)


# --------------------------------------------------------------------------- object format


class Header(NamedTuple):
    version: int
    chunk_size: int
    object_id: uuid.UUID


def _check_chunk_size(chunk_size: int) -> None:
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise FormatError(f"chunk size must be between 1 and {MAX_CHUNK_SIZE}, got {chunk_size}")


def _pack_header(chunk_size: int, object_id: uuid.UUID) -> bytes:
    return _HEADER.pack(MAGIC, FORMAT_VERSION, chunk_size, object_id.bytes)


def parse_header(data: bytes) -> Header:
    """Parse and validate the fixed-size object header (unauthenticated until a chunk verifies)."""
    if len(data) != HEADER_SIZE:
        raise FormatError(f"header must be {HEADER_SIZE} bytes, got {len(data)}")
    magic, version, chunk_size, raw_id = _HEADER.unpack(data)
    if magic != MAGIC:
        raise FormatError("not a vault object (bad magic)")
    if version != FORMAT_VERSION:
        raise FormatError(f"unsupported object format version {version}")
    _check_chunk_size(chunk_size)
    return Header(version, chunk_size, uuid.UUID(bytes=raw_id))


def _layout(ciphertext_size: int, chunk_size: int) -> tuple[int, int]:
    """Return ``(number_of_chunks, plaintext_size)`` for a stored object size."""
    _check_chunk_size(chunk_size)
    body = ciphertext_size - HEADER_SIZE
    if body < TAG_SIZE:
        raise FormatError(f"object of {ciphertext_size} bytes is too short to be valid")
    stride = chunk_size + TAG_SIZE
    n_chunks = -(-body // stride)
    last = body - (n_chunks - 1) * stride
    if last < TAG_SIZE:
        raise FormatError(f"object of {ciphertext_size} bytes ends inside a chunk tag")
    return n_chunks, body - n_chunks * TAG_SIZE


def plaintext_size(ciphertext_size: int, chunk_size: int) -> int:
    """Plaintext length of a stored object of ``ciphertext_size`` bytes.

    Raises :class:`FormatError` for sizes no valid object can have.
    """
    return _layout(ciphertext_size, chunk_size)[1]


def ciphertext_size(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Stored size of an object holding ``plaintext_size`` bytes (as written by this module)."""
    _check_chunk_size(chunk_size)
    if plaintext_size < 0:
        raise ValueError("plaintext size must be non-negative")
    n_chunks = max(1, -(-plaintext_size // chunk_size))
    return HEADER_SIZE + plaintext_size + n_chunks * TAG_SIZE


def _check_index(index: int) -> None:
    if not 0 <= index <= _MAX_INDEX:
        raise ValueError(f"chunk index out of range: {index}")


class _ChunkCipher:
    """State shared by encryptor and decryptor: one AESGCM object and the header bytes."""

    def __init__(self, key: bytes, header: bytes, chunk_size: int, object_id: uuid.UUID) -> None:
        _check_key(key, "object key")
        self._aead = AESGCM(key)
        self._header = header
        self.chunk_size = chunk_size
        self.object_id = object_id

    def header(self) -> bytes:
        return self._header

    def _nonce_aad(self, index: int, final: bool) -> tuple[bytes, bytes]:
        _check_index(index)
        flag = 1 if final else 0
        return _CHUNK_NONCE.pack(index, flag), self._header + _CHUNK_AAD.pack(index, flag)


class ChunkEncryptor(_ChunkCipher):
    """Encrypts the chunks of one object under its object key.

    Every (index, final) pair yields a distinct nonce. An object key must encrypt exactly
    one object, and each chunk position only ever one plaintext: re-encrypting a chunk (for
    example when resuming an upload) is safe only with byte-identical plaintext.
    """

    def __init__(
        self, key: bytes, object_id: uuid.UUID, chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        _check_chunk_size(chunk_size)
        super().__init__(key, _pack_header(chunk_size, object_id), chunk_size, object_id)

    def encrypt_chunk(self, index: int, plaintext: Buffer, *, final: bool) -> bytes:
        """Return ``ciphertext || tag`` for chunk ``index``.

        ``plaintext`` must be exactly ``chunk_size`` bytes unless ``final`` (then at most).
        """
        size = memoryview(plaintext).nbytes
        if final:
            if size > self.chunk_size:
                raise ValueError(f"final chunk larger than chunk size ({size})")
        elif size != self.chunk_size:
            raise ValueError(f"non-final chunk must be {self.chunk_size} bytes, got {size}")
        nonce, aad = self._nonce_aad(index, final)
        return self._aead.encrypt(nonce, plaintext, aad)


class ChunkDecryptor(_ChunkCipher):
    """Decrypts chunks of one object; validates the header on construction.

    If ``object_id`` is given, the header must name that object.
    """

    def __init__(self, key: bytes, header: bytes, *, object_id: uuid.UUID | None = None) -> None:
        parsed = parse_header(bytes(header))
        if object_id is not None and parsed.object_id != object_id:
            raise IntegrityError(f"object id mismatch: stored object is {parsed.object_id}")
        super().__init__(key, bytes(header), parsed.chunk_size, parsed.object_id)

    def decrypt_chunk(self, index: int, ciphertext: Buffer, *, final: bool) -> bytes:
        """Authenticate and decrypt chunk ``index``; raises :class:`IntegrityError`."""
        size = memoryview(ciphertext).nbytes
        stride = self.chunk_size + TAG_SIZE
        if size < TAG_SIZE or size > stride or (not final and size != stride):
            raise IntegrityError(f"chunk {index} has impossible size {size} (truncated?)")
        nonce, aad = self._nonce_aad(index, final)
        try:
            return self._aead.decrypt(nonce, ciphertext, aad)
        except InvalidTag:
            raise IntegrityError(f"chunk {index} failed authentication") from None


# --------------------------------------------------------------------------- streaming


def _read_full(src: Readable, size: int) -> bytes:
    """Read ``size`` bytes, looping over short reads; fewer only at end of stream."""
    data = src.read(size)
    if not data or len(data) == size:
        return data or b""
    parts = [data]
    got = len(data)
    while got < size:
        more = src.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _read_into(src: Readable, view: memoryview) -> int:
    """Fill `view` from `src` (looping over short reads); returns the bytes read."""
    readinto = getattr(src, "readinto", None)
    got = 0
    while got < len(view):
        if readinto is not None:
            n = readinto(view[got:])
        else:
            data = src.read(len(view) - got)
            n = len(data)
            view[got : got + n] = data
        if not n:
            break
        got += n
    return got


class EncryptingWriter:
    """File-like writer that encrypts into ``sink`` in the chunked object format.

    Accepts ``write()`` calls of any size; the header is written immediately. A full chunk
    is held back until more data arrives, so :meth:`close` can always mark the last chunk
    as final. :meth:`close` does not close ``sink``.

    Used as a context manager, an exception in the block calls :meth:`abort` instead of
    :meth:`close`: no final chunk is written, so the partial object never verifies.
    """

    def __init__(
        self,
        sink: Writable,
        key: bytes,
        object_id: uuid.UUID,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self._encryptor = ChunkEncryptor(key, object_id, chunk_size)
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self.bytes_in = 0
        self.bytes_out = 0
        self.closed = False
        self._emit(self._encryptor.header())

    @property
    def object_id(self) -> uuid.UUID:
        return self._encryptor.object_id

    @property
    def chunk_size(self) -> int:
        return self._encryptor.chunk_size

    def _emit(self, data: bytes) -> None:
        self._sink.write(data)
        self.bytes_out += len(data)

    def _emit_chunk(self, plaintext: Buffer, *, final: bool) -> None:
        self._emit(self._encryptor.encrypt_chunk(self._index, plaintext, final=final))
        self._index += 1

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        if self.closed:
            raise ValueError("write to closed EncryptingWriter")
        view = memoryview(data).cast("B")
        size = len(view)
        if not size:
            return 0
        self.bytes_in += size
        chunk_size = self._encryptor.chunk_size
        buffer = self._buffer
        pos = 0
        if buffer:
            pos = min(chunk_size - len(buffer), size)
            buffer += view[:pos]
            if pos == size:
                return size
            # The buffer is full and more data follows, so it is not the final chunk.
            self._emit_chunk(buffer, final=False)
            buffer.clear()
        while size - pos > chunk_size:
            self._emit_chunk(view[pos : pos + chunk_size], final=False)
            pos += chunk_size
        buffer += view[pos:]
        return size

    def close(self) -> None:
        """Write the final chunk (possibly empty). Idempotent."""
        if self.closed:
            return
        self._emit_chunk(self._buffer, final=True)
        self._buffer.clear()
        self.closed = True

    def abort(self) -> None:
        """Stop without writing the final chunk; what was written will fail verification."""
        self._buffer.clear()
        self.closed = True

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def encrypt_stream(
    src: Readable,
    sink: Writable,
    key: bytes,
    object_id: uuid.UUID,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Encrypt everything readable from ``src`` into ``sink``; return the plaintext length."""
    encryptor = ChunkEncryptor(key, object_id, chunk_size)
    sink.write(encryptor.header())
    total = 0
    index = 0
    current = _read_full(src, chunk_size)
    while True:
        following = _read_full(src, chunk_size) if len(current) == chunk_size else b""
        final = not following
        sink.write(encryptor.encrypt_chunk(index, current, final=final))
        total += len(current)
        if final:
            return total
        current = following
        index += 1


def decrypt_all(
    fileobj: Readable, key: bytes, *, object_id: uuid.UUID | None = None
) -> Iterator[bytes]:
    """Yield the plaintext of a whole object, reading ``fileobj`` sequentially from here.

    The header is read and validated before this returns. Each yielded chunk is
    authenticated, but truncation is only detected at the end: treat an exception part-way
    as failure of the whole object. Works on non-seekable streams.
    """
    decryptor = ChunkDecryptor(key, _read_full(fileobj, HEADER_SIZE), object_id=object_id)
    return _decrypt_all(fileobj, decryptor)


def _decrypt_all(fileobj: Readable, decryptor: ChunkDecryptor) -> Iterator[bytes]:
    stride = decryptor.chunk_size + TAG_SIZE
    index = 0
    current = _read_full(fileobj, stride)
    while True:
        following = _read_full(fileobj, stride) if len(current) == stride else b""
        final = not following
        yield decryptor.decrypt_chunk(index, current, final=final)
        if final:
            return
        current = following
        index += 1


def _object_size(fileobj: SeekableReadable) -> int:
    return fileobj.seek(0, os.SEEK_END)


def plaintext_length(fileobj: SeekableReadable) -> int:
    """Plaintext length of a stored object, from its size and header (no key needed).

    Unauthenticated: a truncated object is only detected when its last chunk is read.
    Moves the file position.
    """
    size = _object_size(fileobj)
    fileobj.seek(0, os.SEEK_SET)
    header = parse_header(_read_full(fileobj, HEADER_SIZE))
    return plaintext_size(size, header.chunk_size)


def read_range(
    fileobj: SeekableReadable,
    key: bytes,
    start: int,
    end: int,
    *,
    size: int | None = None,
    object_id: uuid.UUID | None = None,
) -> Iterator[bytes]:
    """Yield plaintext bytes ``start..end`` inclusive (HTTP byte-range semantics).

    Only the chunks overlapping the range are read and decrypted; the last chunk is checked
    as final whenever the range reaches it. ``size`` is the stored (ciphertext) size; when
    None it is found by seeking to the end. ``end`` past the end of the plaintext is clamped.
    Raises :class:`ValueError` for an unsatisfiable range (``start`` beyond the end, or
    ``end < start``) and :class:`VaultError` for malformed or tampered data. The header and
    range are validated before this returns.
    """
    if size is None:
        size = _object_size(fileobj)
    fileobj.seek(0, os.SEEK_SET)
    decryptor = ChunkDecryptor(key, _read_full(fileobj, HEADER_SIZE), object_id=object_id)
    n_chunks, length = _layout(size, decryptor.chunk_size)
    if start < 0 or end < start or start >= length:
        raise ValueError(f"range {start}-{end} not satisfiable for length {length}")
    end = min(end, length - 1)
    return _read_range(fileobj, decryptor, start, end, size, n_chunks)


def _read_range(
    fileobj: SeekableReadable,
    decryptor: ChunkDecryptor,
    start: int,
    end: int,
    size: int,
    n_chunks: int,
) -> Iterator[bytes]:
    chunk_size = decryptor.chunk_size
    stride = chunk_size + TAG_SIZE
    first, last = start // chunk_size, end // chunk_size
    fileobj.seek(HEADER_SIZE + first * stride, os.SEEK_SET)
    # One buffer for every chunk's ciphertext: a fresh megabyte per chunk costs page faults.
    buffer = memoryview(bytearray(min(stride, size - HEADER_SIZE - first * stride)))
    for index in range(first, last + 1):
        final = index == n_chunks - 1
        expected = size - HEADER_SIZE - index * stride if final else stride
        ciphertext = buffer[:expected]
        if _read_into(fileobj, ciphertext) != expected:
            raise IntegrityError(f"chunk {index} is shorter than the object size implies")
        plaintext = decryptor.decrypt_chunk(index, ciphertext, final=final)
        lo = start - index * chunk_size if index == first else 0
        hi = end - index * chunk_size + 1 if index == last else len(plaintext)
        yield plaintext if lo == 0 and hi == len(plaintext) else plaintext[lo:hi]
