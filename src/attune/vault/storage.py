"""Encrypted objects over Django's storage API: the local filesystem by default, S3 at scale.

The backend is chosen by ATTUNE_STORAGE: unset or "local" keeps objects under the data dir;
"s3://bucket/prefix" uses django-storages with the standard AWS_* variables (AWS_S3_ENDPOINT_URL
for an S3-compatible server). Backends only ever receive ciphertext.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

from attune.vault import crypto


@cache
def vault_storage() -> Storage:
    spec = settings.ATTUNE_STORAGE
    if not spec or spec == "local":
        return FileSystemStorage(
            location=Path(settings.DATA_DIR) / "vault",
            file_permissions_mode=0o600,
            directory_permissions_mode=0o700,
        )
    parsed = urlparse(spec)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ValueError(f"ATTUNE_STORAGE must be 'local' or s3://bucket/prefix, not {spec!r}")
    from storages.backends.s3 import S3Storage

    return S3Storage(
        bucket_name=parsed.netloc,
        location=parsed.path.strip("/"),
        endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        default_acl=None,
        querystring_auth=False,
        file_overwrite=True,
    )


class EncryptingReader(io.RawIOBase):
    """Reads plaintext from `src` and gives back the vault's ciphertext, chunk by chunk."""

    def __init__(
        self,
        src: IO[bytes],
        key: bytes,
        object_id: uuid.UUID,
        chunk_size: int = crypto.DEFAULT_CHUNK_SIZE,
    ) -> None:
        self._src = src
        self._enc = crypto.ChunkEncryptor(key, object_id, chunk_size)
        self._buffer = bytearray(self._enc.header())
        self._index = 0
        self._ahead = self._read_chunk()
        self._done = False
        self.plaintext_size = 0
        self.ciphertext_size = 0

    def _read_chunk(self) -> bytes:
        size = self._enc.chunk_size
        parts = []
        while size:
            data = self._src.read(size)
            if not data:
                break
            parts.append(data)
            size -= len(data)
        return b"".join(parts)

    def _fill(self, want: int) -> None:
        while len(self._buffer) < want and not self._done:
            current, self._ahead = self._ahead, self._read_chunk()
            final = not self._ahead
            self._buffer += self._enc.encrypt_chunk(self._index, current, final=final)
            self.plaintext_size += len(current)
            self._index += 1
            self._done = final

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            self._fill(1 << 62)
            size = len(self._buffer)
        else:
            self._fill(size)
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.ciphertext_size += len(out)
        return out

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _ChunkedFile(File):
    """A Django File over a non-seekable stream (so storages read it once, in order)."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        size = chunk_size or self.DEFAULT_CHUNK_SIZE
        assert self.file is not None
        while data := self.file.read(size):
            yield data

    def seek(self, *args: Any) -> int:
        raise io.UnsupportedOperation("not seekable")


def write_encrypted(
    name: str,
    src: IO[bytes],
    key: bytes,
    object_id: uuid.UUID,
    chunk_size: int = crypto.DEFAULT_CHUNK_SIZE,
) -> tuple[int, int]:
    """Encrypt `src` into storage under `name`. Returns (plaintext bytes, ciphertext bytes)."""
    reader = EncryptingReader(src, key, object_id, chunk_size)
    saved = vault_storage().save(name, _ChunkedFile(reader, name=name))  # type: ignore[arg-type]
    if saved != name:
        raise RuntimeError("Storage renamed a vault object; object names must be unique.")
    return reader.plaintext_size, reader.ciphertext_size


class _RangedS3Reader(io.RawIOBase):
    """A seekable reader over one S3 object that fetches only the bytes asked for."""

    def __init__(self, storage: Any, name: str) -> None:
        self._obj = storage.bucket.Object(storage._normalize_name(name))
        self._size: int = self._obj.content_length
        self._pos = 0

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        if self._pos >= self._size:
            return b""
        end = self._size - 1 if size is None or size < 0 else min(self._size, self._pos + size) - 1
        body = self._obj.get(Range=f"bytes={self._pos}-{end}")["Body"].read()
        self._pos += len(body)
        return body

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_ciphertext(name: str) -> IO[bytes]:
    """A seekable reader of the stored ciphertext (ranged GETs on S3, a file handle locally)."""
    storage = vault_storage()
    if isinstance(storage, FileSystemStorage):
        return open(storage.path(name), "rb")
    return _RangedS3Reader(storage, name)  # type: ignore[return-value]


def delete_ciphertext(name: str) -> None:
    vault_storage().delete(name)


def list_names(prefix: str = "") -> list[str]:
    """Every stored name under `prefix` (used by tests and by the orphan sweep)."""
    storage = vault_storage()
    found: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        found.extend(f"{path}/{f}".lstrip("/") for f in files)
        for d in dirs:
            walk(f"{path}/{d}".lstrip("/"))

    walk(prefix)
    return found
