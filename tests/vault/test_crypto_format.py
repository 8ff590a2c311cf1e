"""Chunked object format: round trips, random access and tamper detection."""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.vault.crypto import (
    DEFAULT_CHUNK_SIZE,
    HEADER_SIZE,
    MAGIC,
    TAG_SIZE,
    ChunkDecryptor,
    ChunkEncryptor,
    EncryptingWriter,
    FormatError,
    IntegrityError,
    VaultError,
    ciphertext_size,
    decrypt_all,
    encrypt_stream,
    new_key,
    parse_header,
    plaintext_length,
    plaintext_size,
    read_range,
)

CHUNK = 64
STRIDE = CHUNK + TAG_SIZE
KEY = bytes(range(32))
OBJECT_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")

SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 17]


def payload(size: int) -> bytes:
    return bytes((i * 7 + i // 251) % 256 for i in range(size))


def encrypt(data: bytes, key: bytes = KEY, object_id: uuid.UUID = OBJECT_ID) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, key, object_id, CHUNK)
    return out.getvalue()


def decrypt(blob: bytes, key: bytes = KEY) -> bytes:
    return b"".join(decrypt_all(io.BytesIO(blob), key))


def chunks_of(blob: bytes) -> list[bytes]:
    body = blob[HEADER_SIZE:]
    return [body[i : i + STRIDE] for i in range(0, len(body), STRIDE)]


class ShortReads(io.RawIOBase):
    """A non-seekable stream that returns at most 7 bytes per read."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._data.read(min(7, size if size is not None and size >= 0 else 7))


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("size", SIZES)
def test_encrypt_stream_round_trips_through_decrypt_all(size: int) -> None:
    data = payload(size)
    blob = encrypt(data)
    assert decrypt(blob) == data


@pytest.mark.parametrize("size", SIZES)
def test_stored_size_follows_layout_and_gives_back_plaintext_size(size: int) -> None:
    blob = encrypt(payload(size))
    assert len(blob) == ciphertext_size(size, CHUNK)
    assert plaintext_size(len(blob), CHUNK) == size
    assert plaintext_length(io.BytesIO(blob)) == size


@pytest.mark.parametrize("size", SIZES)
def test_writer_output_matches_encrypt_stream_for_any_write_pattern(size: int) -> None:
    data = payload(size)
    expected = encrypt(data)
    for step in (1, 3, CHUNK - 1, CHUNK, CHUNK + 5, 1000):
        sink = io.BytesIO()
        with EncryptingWriter(sink, KEY, OBJECT_ID, CHUNK) as writer:
            for pos in range(0, size, step):
                writer.write(memoryview(data)[pos : pos + step])
        assert sink.getvalue() == expected
        assert writer.bytes_in == size
        assert writer.bytes_out == len(expected)


def test_empty_object_is_header_plus_one_tag_only_chunk() -> None:
    blob = encrypt(b"")
    assert len(blob) == HEADER_SIZE + TAG_SIZE
    assert decrypt(blob) == b""


def test_header_only_object_is_rejected_not_read_as_empty() -> None:
    blob = encrypt(b"")[:HEADER_SIZE]
    with pytest.raises(IntegrityError):
        decrypt(blob)
    with pytest.raises(FormatError):
        plaintext_length(io.BytesIO(blob))


def test_header_records_object_id_and_chunk_size() -> None:
    header = parse_header(encrypt(b"abc")[:HEADER_SIZE])
    assert header.object_id == OBJECT_ID
    assert header.chunk_size == CHUNK
    assert encrypt(b"")[:4] == MAGIC


def test_default_chunk_size_is_one_mebibyte() -> None:
    assert DEFAULT_CHUNK_SIZE == 1024 * 1024
    assert parse_header(ChunkEncryptor(KEY, OBJECT_ID).header()).chunk_size == DEFAULT_CHUNK_SIZE


def test_streams_with_short_reads_round_trip() -> None:
    data = payload(3 * CHUNK + 5)
    out = io.BytesIO()
    assert encrypt_stream(ShortReads(data), out, KEY, OBJECT_ID, CHUNK) == len(data)
    assert out.getvalue() == encrypt(data)
    assert b"".join(decrypt_all(ShortReads(out.getvalue()), KEY)) == data


def test_chunk_api_supports_writing_whole_chunks_independently() -> None:
    data = payload(2 * CHUNK + 10)
    encryptor = ChunkEncryptor(KEY, OBJECT_ID, CHUNK)
    parts = [
        encryptor.encrypt_chunk(2, data[2 * CHUNK :], final=True),
        encryptor.encrypt_chunk(0, data[:CHUNK], final=False),
        encryptor.encrypt_chunk(1, data[CHUNK : 2 * CHUNK], final=False),
    ]
    blob = encryptor.header() + parts[1] + parts[2] + parts[0]
    assert blob == encrypt(data)
    decryptor = ChunkDecryptor(KEY, encryptor.header())
    assert decryptor.decrypt_chunk(1, parts[2], final=False) == data[CHUNK : 2 * CHUNK]


def test_trailing_empty_final_chunk_is_accepted() -> None:
    data = payload(2 * CHUNK)
    encryptor = ChunkEncryptor(KEY, OBJECT_ID, CHUNK)
    blob = (
        encryptor.header()
        + encryptor.encrypt_chunk(0, data[:CHUNK], final=False)
        + encryptor.encrypt_chunk(1, data[CHUNK:], final=False)
        + encryptor.encrypt_chunk(2, b"", final=True)
    )
    assert plaintext_length(io.BytesIO(blob)) == len(data)
    assert decrypt(blob) == data
    assert b"".join(read_range(io.BytesIO(blob), KEY, 0, len(data) - 1)) == data


def test_non_final_chunk_of_wrong_size_is_refused() -> None:
    encryptor = ChunkEncryptor(KEY, OBJECT_ID, CHUNK)
    with pytest.raises(ValueError):
        encryptor.encrypt_chunk(0, b"x" * (CHUNK - 1), final=False)
    with pytest.raises(ValueError):
        encryptor.encrypt_chunk(0, b"x" * (CHUNK + 1), final=True)


def test_writer_aborted_by_exception_leaves_an_object_that_does_not_verify() -> None:
    sink = io.BytesIO()
    with pytest.raises(RuntimeError), EncryptingWriter(sink, KEY, OBJECT_ID, CHUNK) as writer:
        writer.write(payload(3 * CHUNK))
        raise RuntimeError("upload interrupted")
    with pytest.raises(VaultError):
        decrypt(sink.getvalue())


def test_write_after_close_is_an_error() -> None:
    writer = EncryptingWriter(io.BytesIO(), KEY, OBJECT_ID, CHUNK)
    writer.close()
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"more")


@pytest.mark.parametrize(
    ("stored_size", "valid"),
    [
        (HEADER_SIZE - 1, False),
        (HEADER_SIZE, False),
        (HEADER_SIZE + TAG_SIZE - 1, False),
        (HEADER_SIZE + TAG_SIZE, True),
        (HEADER_SIZE + STRIDE, True),
        (HEADER_SIZE + STRIDE + 1, False),
        (HEADER_SIZE + STRIDE + TAG_SIZE - 1, False),
        (HEADER_SIZE + STRIDE + TAG_SIZE + 1, True),
    ],
)
def test_plaintext_size_rejects_impossible_stored_sizes(stored_size: int, valid: bool) -> None:
    if valid:
        assert plaintext_size(stored_size, CHUNK) >= 0
    else:
        with pytest.raises(FormatError):
            plaintext_size(stored_size, CHUNK)


# --------------------------------------------------------------------------- random access


@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=st.integers(min_value=1, max_value=6 * CHUNK + 3))
def test_read_range_matches_plaintext_slice(data: st.DataObject, size: int) -> None:
    plaintext = payload(size)
    blob = encrypt(plaintext)
    start = data.draw(st.integers(min_value=0, max_value=size - 1), label="start")
    end = data.draw(st.integers(min_value=start, max_value=size + CHUNK), label="end")
    got = b"".join(read_range(io.BytesIO(blob), KEY, start, end))
    assert got == plaintext[start : end + 1]
    with_size = read_range(io.BytesIO(blob), KEY, start, end, size=len(blob))
    assert b"".join(with_size) == got


class CountingFile(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def test_read_range_reads_only_overlapping_chunks() -> None:
    plaintext = payload(10 * CHUNK)
    source = CountingFile(encrypt(plaintext))
    got = b"".join(read_range(source, KEY, 4 * CHUNK + 3, 5 * CHUNK + 1))
    assert got == plaintext[4 * CHUNK + 3 : 5 * CHUNK + 2]
    assert source.bytes_read == HEADER_SIZE + 2 * STRIDE


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (10, 9), (100, 200), (101, 101)])
def test_read_range_rejects_unsatisfiable_ranges(start: int, end: int) -> None:
    blob = encrypt(payload(100))
    with pytest.raises(ValueError):
        read_range(io.BytesIO(blob), KEY, start, end)


def test_read_range_on_empty_object_is_unsatisfiable() -> None:
    with pytest.raises(ValueError):
        read_range(io.BytesIO(encrypt(b"")), KEY, 0, 0)


def test_read_range_checks_expected_object_id() -> None:
    blob = encrypt(payload(10))
    assert b"".join(read_range(io.BytesIO(blob), KEY, 0, 9, object_id=OBJECT_ID)) == payload(10)
    with pytest.raises(IntegrityError):
        read_range(io.BytesIO(blob), KEY, 0, 9, object_id=uuid.uuid4())


# --------------------------------------------------------------------------- tampering

TAMPER_SIZE = 3 * CHUNK + 9


@pytest.mark.parametrize("position", range(ciphertext_size(TAMPER_SIZE, CHUNK)))
def test_flipping_any_stored_byte_fails(position: int) -> None:
    blob = bytearray(encrypt(payload(TAMPER_SIZE)))
    blob[position] ^= 0x01
    with pytest.raises(VaultError):
        decrypt(bytes(blob))
    with pytest.raises(VaultError):
        b"".join(read_range(io.BytesIO(bytes(blob)), KEY, 0, TAMPER_SIZE - 1))


def test_tampered_chunk_fails_random_access_to_that_chunk() -> None:
    blob = bytearray(encrypt(payload(TAMPER_SIZE)))
    blob[HEADER_SIZE + STRIDE + 5] ^= 0x80
    with pytest.raises(IntegrityError):
        b"".join(read_range(io.BytesIO(bytes(blob)), KEY, CHUNK, CHUNK))


def test_swapping_two_chunks_fails() -> None:
    blob = encrypt(payload(4 * CHUNK))
    chunks = chunks_of(blob)
    chunks[1], chunks[2] = chunks[2], chunks[1]
    swapped = blob[:HEADER_SIZE] + b"".join(chunks)
    with pytest.raises(IntegrityError):
        decrypt(swapped)
    with pytest.raises(IntegrityError):
        b"".join(read_range(io.BytesIO(swapped), KEY, CHUNK, CHUNK))


@pytest.mark.parametrize("size", [2 * CHUNK, 3 * CHUNK + 1])
def test_dropping_the_last_chunk_fails(size: int) -> None:
    blob = encrypt(payload(size))
    truncated = blob[:HEADER_SIZE] + b"".join(chunks_of(blob)[:-1])
    with pytest.raises(IntegrityError):
        decrypt(truncated)
    with pytest.raises(IntegrityError):
        b"".join(read_range(io.BytesIO(truncated), KEY, 0, size))


def test_truncating_inside_the_last_chunk_fails() -> None:
    blob = encrypt(payload(3 * CHUNK + 40))
    with pytest.raises(VaultError):
        decrypt(blob[:-10])
    with pytest.raises(VaultError):
        b"".join(read_range(io.BytesIO(blob[:-10]), KEY, 3 * CHUNK, 3 * CHUNK + 40))


def test_appending_a_copied_chunk_fails() -> None:
    blob = encrypt(payload(2 * CHUNK))
    extended = blob + chunks_of(blob)[0]
    with pytest.raises(IntegrityError):
        decrypt(extended)


def test_appending_a_validly_encrypted_final_chunk_fails() -> None:
    data = payload(2 * CHUNK)
    blob = encrypt(data)
    extra = ChunkEncryptor(KEY, OBJECT_ID, CHUNK).encrypt_chunk(2, b"more", final=True)
    with pytest.raises(IntegrityError):
        decrypt(blob + extra)


def test_chunk_copied_from_another_object_with_the_same_key_fails() -> None:
    data = payload(3 * CHUNK)
    blob = encrypt(data)
    other = encrypt(data, object_id=uuid.UUID("00000000-0000-4000-8000-000000000002"))
    chunks = chunks_of(blob)
    chunks[1] = chunks_of(other)[1]
    spliced = blob[:HEADER_SIZE] + b"".join(chunks)
    with pytest.raises(IntegrityError):
        decrypt(spliced)


def test_header_of_another_object_with_the_same_key_fails() -> None:
    blob = encrypt(payload(CHUNK))
    other = encrypt(payload(CHUNK), object_id=uuid.uuid4())
    with pytest.raises(IntegrityError):
        decrypt(other[:HEADER_SIZE] + blob[HEADER_SIZE:])


def test_wrong_key_fails() -> None:
    blob = encrypt(payload(CHUNK + 1))
    with pytest.raises(IntegrityError):
        decrypt(blob, key=new_key())
    with pytest.raises(IntegrityError):
        b"".join(read_range(io.BytesIO(blob), new_key(), 0, 0))


def test_header_with_bad_magic_fails() -> None:
    blob = b"XTV1" + encrypt(payload(10))[4:]
    with pytest.raises(FormatError):
        decrypt(blob)
    with pytest.raises(FormatError):
        plaintext_length(io.BytesIO(blob))


def test_header_with_unknown_version_fails() -> None:
    blob = bytearray(encrypt(payload(10)))
    blob[4] = 2
    with pytest.raises(FormatError):
        decrypt(bytes(blob))


def test_decryptor_rejects_short_header() -> None:
    with pytest.raises(FormatError):
        ChunkDecryptor(KEY, MAGIC)


def test_decryptor_checks_expected_object_id() -> None:
    header = ChunkEncryptor(KEY, OBJECT_ID, CHUNK).header()
    assert ChunkDecryptor(KEY, header, object_id=OBJECT_ID).object_id == OBJECT_ID
    with pytest.raises(IntegrityError):
        ChunkDecryptor(KEY, header, object_id=uuid.uuid4())


def test_keys_must_be_32_bytes() -> None:
    with pytest.raises(VaultError):
        ChunkEncryptor(os.urandom(16), OBJECT_ID, CHUNK)
