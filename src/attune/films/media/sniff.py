"""What the bytes of an upload say before any decoder sees them.

Still pictures and documents are recognised from their first bytes, so a guider is told what
they uploaded instead of "cannot decode". MP4/MOV files are checked box by box ("atoms"), so a
recording copied off a camera before it finished is called incomplete rather than damaged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from attune.films.media.errors import MediaRejected

#: ISO-BMFF brands used for still images (HEIC/HEIF/AVIF photos).
STILL_IMAGE_BRANDS = frozenset({"heic", "heix", "heim", "heis", "mif1", "avif"})

STILL_REASON = "This is a still picture, not a film."


def _plausible_box_type(raw: bytes) -> bool:
    return len(raw) == 4 and all(c == 0xA9 or 0x20 <= c <= 0x7E for c in raw)


def top_level_boxes(path: str | os.PathLike[str]) -> list[tuple[str, int, int]]:
    """List the top-level boxes ("atoms") of an MP4/MOV file as ``(type, offset, size)``.

    Scanning stops at the first thing that does not look like a box header (trailing junk).  A
    box whose declared size runs past the end of the file is still listed, so callers can spot
    truncation by comparing ``offset + size`` with the file size.
    """
    boxes: list[tuple[str, int, int]] = []
    file_size = os.path.getsize(path)
    with open(path, "rb") as fh:
        offset = 0
        while offset + 8 <= file_size:
            fh.seek(offset)
            header = fh.read(16)
            size = int.from_bytes(header[0:4], "big")
            raw_type = header[4:8]
            if not _plausible_box_type(raw_type):
                break
            if size == 1:
                if len(header) < 16:
                    break
                size = int.from_bytes(header[8:16], "big")
                if size < 16:
                    break
            elif size == 0:
                size = file_size - offset
            elif size < 8:
                break
            boxes.append((raw_type.decode("latin-1"), offset, size))
            offset += size
    return boxes


def _child_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(data[pos : pos + 4], "big")
        box_type = data[pos + 4 : pos + 8]
        if size < 8 or pos + size > end:
            return
        yield box_type, pos, size
        pos += size


def iso_track_sizes(path: str, max_moov: int = 64 * 1024 * 1024) -> list[tuple[int, int]]:
    """Picture sizes declared by the track headers (tkhd) of an MP4/MOV file."""
    sizes: list[tuple[int, int]] = []
    moov = next((b for b in top_level_boxes(path) if b[0] == "moov"), None)
    if moov is None or moov[2] > max_moov:
        return sizes
    with open(path, "rb") as fh:
        fh.seek(moov[1])
        data = fh.read(moov[2])
    for box_type, pos, size in _child_boxes(data, 8, len(data)):
        if box_type != b"trak":
            continue
        for child_type, child_pos, child_size in _child_boxes(data, pos + 8, pos + size):
            if child_type == b"tkhd" and child_size >= 84:
                end = child_pos + child_size
                width = int.from_bytes(data[end - 8 : end - 4], "big") >> 16
                height = int.from_bytes(data[end - 4 : end], "big") >> 16
                if width and height:
                    sizes.append((width, height))
    return sizes


def ftyp_brands(head: bytes) -> list[str]:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return []
    size = min(int.from_bytes(head[0:4], "big"), len(head))
    raw = [head[8:12]] + [head[i : i + 4] for i in range(16, size - 3, 4)]
    return [b.decode("latin-1").strip().lower() for b in raw if len(b) == 4]


def check_iso_structure(path: str, file_size: int) -> None:
    boxes = top_level_boxes(path)
    types = {b[0] for b in boxes}
    if not boxes or boxes[0][0] not in {"ftyp", "moov", "mdat", "free", "skip", "wide", "pnot"}:
        return
    if "moov" not in types:
        if "mdat" in types or "ftyp" in types:
            raise MediaRejected(
                "This file is incomplete or damaged (the index at the end of the recording is "
                "missing); try copying it from the camera again."
            )
        return
    _, last_offset, last_size = boxes[-1]
    if last_offset + last_size > file_size:
        raise MediaRejected(
            "This file is incomplete or damaged (it stops part-way through the recording); "
            "try copying it from the camera again."
        )


def is_still_image_header(head: bytes) -> bool:
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return True
    if head.startswith((b"II*\x00", b"MM\x00*", b"\x00\x00\x00\x0cjP  ", b"qoif")):
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    if head[:2] == b"BM" and len(head) >= 18:
        dib_header_size = int.from_bytes(head[14:18], "little")
        if dib_header_size in {12, 40, 52, 56, 64, 108, 124}:
            return True
    brands = ftyp_brands(head)
    return bool(brands) and brands[0] in STILL_IMAGE_BRANDS


def describe_non_media(head: bytes) -> str:
    generic = "This file is not a video we can read."
    if head.startswith(b"%PDF"):
        return "This file is not a video we can read: it looks like a PDF document."
    if head.startswith(b"PK\x03\x04"):
        return "This file is not a video we can read: it looks like a ZIP archive or document."
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html")) or b"<html" in stripped[:1024]:
        return "This file is not a video we can read: it looks like a web page."
    if b"\x00" not in head:
        text = head.decode("utf-8", errors="ignore")
        if text and len(text.encode("utf-8")) >= len(head) - 3:
            printable = sum(ch.isprintable() or ch in "\t\r\n\f" for ch in text)
            if printable >= 0.95 * len(text):
                return "This file is not a video we can read: it looks like plain text."
    return generic
