"""A photographed or scanned consent form keeps its pixels and nothing else: no EXIF (so no GPS
position of the family's home); a picture that claims to be enormous is refused, not decoded."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from attune.cases.models import Case
from attune.consent.models import ConsentRecord, Scope, SignatureMethod
from attune.consent.selectors import record_document
from attune.core.errors import ServiceError
from attune.vault.services import object_read_all
from tests.consent.helpers import sign


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (320, 240), (200, 190, 180))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: turned 90 degrees
    gps = {1: "N", 2: (52.0, 11.0, 30.0), 3: "W", 4: (2.0, 13.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ten gigapixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def test_a_photographed_form_is_kept_without_its_exif(agreed: Case) -> None:
    photo = photo_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get(0x8825)  # the phone wrote a position

    record = sign(
        agreed, agreed.adults.get(), [Scope.FILMING], method=SignatureMethod.PAPER, paper=photo
    )

    obj = record_document(record)
    assert obj is not None and obj.content_type == "image/jpeg"
    kept = Image.open(io.BytesIO(object_read_all(obj)))
    assert dict(kept.getexif()) == {}
    assert kept.size == (240, 320)  # turned upright as the camera meant


def test_a_decompression_bomb_is_refused_with_a_reason(agreed: Case) -> None:
    with pytest.raises(ServiceError, match=r"signed form|too large"):
        sign(
            agreed,
            agreed.adults.get(),
            [Scope.FILMING],
            method=SignatureMethod.PAPER,
            paper=png_bomb(),
        )
    assert not ConsentRecord.objects.exists()
