"""Hostile and awkward media files for the tests: broken boxes, impossible dimensions, files that
pretend to be films. Each kind is listed in ``EXPECTATIONS`` with what the media layer must do.
"""

from __future__ import annotations

import os
import random
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from attune.samples.films import _audio_source, _ffmpeg, make_film, make_image

Outcome = Literal["accept_remux", "accept_transcode", "reject"]

__all__ = ["EXPECTATIONS", "HOSTILE_KINDS", "Expect", "make_film", "make_hostile"]

# ---------------------------------------------------------------------------------------------
# ISO-BMFF surgery used to build broken files
# ---------------------------------------------------------------------------------------------

_CONTAINER_BOXES = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta"}
_VISUAL_SAMPLE_ENTRIES = {b"avc1", b"avc3", b"hvc1", b"hev1", b"mp4v"}


@dataclass(frozen=True)
class _Box:
    type: bytes
    offset: int
    size: int


def _walk(data: bytes | bytearray, start: int = 0, end: int | None = None) -> Iterator[_Box]:
    end = len(data) if end is None else end
    pos = start
    while pos + 8 <= end:
        size, box_type = struct.unpack_from(">I4s", data, pos)
        if size == 0:
            size = end - pos
        if size < 8:
            return
        yield _Box(box_type, pos, size)
        if box_type in _CONTAINER_BOXES:
            yield from _walk(data, pos + 8, pos + size)
        elif box_type == b"stsd":
            yield from _walk(data, pos + 16, pos + size)
        elif box_type in _VISUAL_SAMPLE_ENTRIES:
            yield from _walk(data, pos + 8 + 78, pos + size)
        pos += size


class _BitReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def bit(self) -> int:
        byte = self.data[self.pos // 8]
        value = (byte >> (7 - self.pos % 8)) & 1
        self.pos += 1
        return value

    def bits(self, n: int) -> int:
        value = 0
        for _ in range(n):
            value = (value << 1) | self.bit()
        return value

    def ue(self) -> int:
        zeros = 0
        while self.bit() == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.bits(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)

    def rest(self) -> str:
        total = len(self.data) * 8
        bits = "".join(str((self.data[i // 8] >> (7 - i % 8)) & 1) for i in range(self.pos, total))
        return bits


class _BitWriter:
    def __init__(self) -> None:
        self.out: list[str] = []

    def bits(self, value: int, n: int) -> None:
        if n:
            self.out.append(format(value, f"0{n}b"))

    def ue(self, value: int) -> None:
        code = value + 1
        length = code.bit_length()
        self.out.append("0" * (length - 1) + format(code, "b"))

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def raw(self, bits: str) -> None:
        self.out.append(bits)

    def to_bytes(self) -> bytes:
        bits = "".join(self.out)
        bits += "0" * (-len(bits) % 8)
        return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


def _unescape(nal: bytes) -> bytes:
    out = bytearray()
    zeros = 0
    for byte in nal:
        if zeros >= 2 and byte == 3:
            zeros = 0
            continue
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def _escape(rbsp: bytes) -> bytes:
    out = bytearray()
    zeros = 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


def _rewrite_sps_size(sps_nal: bytes, width: int, height: int) -> bytes:
    """Return an H.264 SPS NAL unit whose coded picture size is ``width`` x ``height``."""
    rbsp = _unescape(sps_nal)
    reader = _BitReader(rbsp)
    writer = _BitWriter()
    writer.bits(reader.bits(8), 8)  # NAL header
    profile_idc = reader.bits(8)
    writer.bits(profile_idc, 8)
    writer.bits(reader.bits(16), 16)  # constraint flags + level
    writer.ue(reader.ue())  # seq_parameter_set_id
    if profile_idc in _HIGH_PROFILES:
        chroma_format_idc = reader.ue()
        writer.ue(chroma_format_idc)
        if chroma_format_idc == 3:
            writer.bits(reader.bit(), 1)
        writer.ue(reader.ue())  # bit_depth_luma_minus8
        writer.ue(reader.ue())  # bit_depth_chroma_minus8
        writer.bits(reader.bit(), 1)  # qpprime_y_zero_transform_bypass_flag
        scaling = reader.bit()
        if scaling:
            raise ValueError("SPS with scaling matrices is not supported")
        writer.bits(0, 1)
    writer.ue(reader.ue())  # log2_max_frame_num_minus4
    poc_type = reader.ue()
    writer.ue(poc_type)
    if poc_type == 0:
        writer.ue(reader.ue())
    elif poc_type == 1:
        writer.bits(reader.bit(), 1)
        writer.se(reader.se())
        writer.se(reader.se())
        cycle = reader.ue()
        writer.ue(cycle)
        for _ in range(cycle):
            writer.se(reader.se())
    writer.ue(reader.ue())  # max_num_ref_frames
    writer.bits(reader.bit(), 1)  # gaps_in_frame_num_value_allowed_flag
    reader.ue()  # pic_width_in_mbs_minus1
    reader.ue()  # pic_height_in_map_units_minus1
    writer.ue((width + 15) // 16 - 1)
    writer.ue((height + 15) // 16 - 1)
    rest = reader.rest().rstrip("0")  # keeps the rbsp stop bit as the last '1'
    writer.raw(rest)
    return _escape(writer.to_bytes())


def _patch_dimensions(data: bytearray, width: int, height: int) -> bytearray:
    """Claim a picture size of ``width`` x ``height`` in tkhd, avc1 and the SPS.

    Only valid for files whose moov comes after mdat (so chunk offsets do not move).
    """
    boxes = list(_walk(data))
    avcc = next(b for b in boxes if b.type == b"avcC")
    for box in boxes:
        if box.type == b"avc1":
            struct.pack_into(">HH", data, box.offset + 32, width, height)
        elif box.type == b"tkhd":
            fields = data[box.offset + box.size - 8 : box.offset + box.size]
            if fields != bytes(8):  # the video track (audio tracks have zero size)
                struct.pack_into(">II", data, box.offset + box.size - 8, width << 16, height << 16)
    body = bytes(data[avcc.offset + 8 : avcc.offset + avcc.size])
    sps_count = body[5] & 0x1F
    pos = 6
    new_body = bytearray(body[:6])
    for _ in range(sps_count):
        length = struct.unpack_from(">H", body, pos)[0]
        sps = _rewrite_sps_size(body[pos + 2 : pos + 2 + length], width, height)
        new_body += struct.pack(">H", len(sps)) + sps
        pos += 2 + length
    new_body += body[pos:]
    delta = len(new_body) - len(body)
    for box in boxes:
        if box.offset < avcc.offset < box.offset + box.size:
            struct.pack_into(">I", data, box.offset, box.size + delta)
    new_box = struct.pack(">I4s", len(new_body) + 8, b"avcC") + new_body
    data[avcc.offset : avcc.offset + avcc.size] = new_box
    return data


def _rename_sample_entry(data: bytearray, old: bytes, new: bytes) -> bytearray:
    entry = next(b for b in _walk(data) if b.type == old)
    data[entry.offset + 4 : entry.offset + 8] = new
    return data


def _top_level(data: bytes | bytearray) -> list[_Box]:
    boxes = []
    pos = 0
    while pos + 8 <= len(data):
        size, box_type = struct.unpack_from(">I4s", data, pos)
        size = size or len(data) - pos
        if size < 8:
            break
        boxes.append(_Box(box_type, pos, size))
        pos += size
    return boxes


# ---------------------------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """What the media layer must do with a hostile file."""

    outcome: Outcome
    #: For rejects: a word or phrase that must appear in ``MediaRejected.reason``.
    keyword: str | None = None
    #: The file name suffix the file is given (often deliberately misleading).
    suffix: str = ".mp4"
    description: str = ""


EXPECTATIONS: dict[str, Expect] = {
    "zero_bytes": Expect("reject", "empty", ".mp4", "an empty upload"),
    "text_as_mp4": Expect("reject", "plain text", ".mp4", "a text file named .mp4"),
    "html_as_mov": Expect("reject", "web page", ".mov", "a web page with a script named .mov"),
    "random_bytes": Expect("reject", "not a video", ".mp4", "64 KiB of random bytes"),
    "truncated_mp4": Expect(
        "reject", "incomplete", ".mp4", "a faststart MP4 cut off at 40% (index intact)"
    ),
    "mp4_without_moov": Expect(
        "reject", "index", ".mp4", "an MP4 whose recording stopped before the index was written"
    ),
    "audio_only": Expect("reject", "only sound", ".mp4", "AAC sound in an MP4, no picture"),
    "audio_with_cover_art": Expect(
        "reject", "only sound", ".m4a", "AAC sound with an attached cover picture"
    ),
    "still_image_png": Expect("reject", "still picture", ".mp4", "a PNG named .mp4"),
    "still_image_jpeg": Expect("reject", "still picture", ".mov", "a JPEG named .mov"),
    "one_frame": Expect("reject", "still picture", ".mp4", "an H.264 MP4 with a single frame"),
    "absurd_dimensions": Expect(
        "reject",
        "not plausible",
        ".mp4",
        "an MP4 whose headers and SPS claim a 40000x40000 picture",
    ),
    "unknown_codec": Expect(
        "reject", "cannot decode", ".mp4", "an MP4 whose picture format tag is unknown"
    ),
    "long_declared": Expect(
        "reject", "limit", ".mp4", "a tiny MP4 whose last frame is shown for 75 minutes"
    ),
    "polyglot_png_mp4": Expect(
        "reject", "still picture", ".mp4", "a PNG with a complete MP4 appended"
    ),
    "polyglot_mp4_html": Expect(
        "accept_remux", None, ".mp4", "a valid MP4 carrying an HTML script in a free box"
    ),
    "wrong_extension": Expect("accept_remux", None, ".avi", "a valid H.264/AAC MP4 named .avi"),
    "no_audio": Expect("accept_remux", None, ".mp4", "a valid H.264 MP4 without sound"),
    "mov_pcm_audio": Expect(
        "accept_remux", None, ".mov", "H.264 with PCM sound in MOV: picture copied, sound encoded"
    ),
    "rotated_90": Expect("accept_transcode", None, ".mp4", "H.264 with a 90 degree rotation"),
    "vfr_phone": Expect(
        "accept_transcode", None, ".mov", "variable frame rate and rotated, like a phone"
    ),
    "hevc": Expect("accept_transcode", None, ".mp4", "HEVC (H.265) in MP4"),
    "webm_vp9": Expect("accept_transcode", None, ".webm", "VP9 and Opus in WebM"),
    "h264_yuv444": Expect(
        "accept_transcode", None, ".mp4", "H.264 High 4:4:4, which browsers do not play"
    ),
    "avi_mjpeg": Expect(
        "accept_transcode", None, ".avi", "Motion-JPEG in AVI, as old cameras record"
    ),
}

HOSTILE_KINDS: tuple[str, ...] = tuple(EXPECTATIONS)


def _small_film(path: Path, **options: Any) -> Path:
    """A one-second 160x120 film: enough to exercise the media layer quickly."""
    return make_film(path, seconds=1.0, width=160, height=120, **options)


def make_hostile(kind: str, path: str | os.PathLike[str]) -> None:
    """Write the hostile file ``kind`` (a key of :data:`EXPECTATIONS`) to ``path``."""
    target = Path(path)
    if kind not in EXPECTATIONS:
        raise ValueError(f"unknown hostile kind {kind!r}")
    if kind == "zero_bytes":
        target.write_bytes(b"")
    elif kind == "text_as_mp4":
        target.write_text("Notes from the session.\nThis is not a film.\n" * 40, encoding="utf-8")
    elif kind == "html_as_mov":
        target.write_text(
            "<!DOCTYPE html>\n<html><head><title>film</title></head>\n"
            "<body><script>alert('hello')</script></body></html>\n",
            encoding="utf-8",
        )
    elif kind == "random_bytes":
        target.write_bytes(random.Random(20240611).randbytes(64 * 1024))
    elif kind == "truncated_mp4":
        make_film(target, seconds=2, faststart=True)
        data = target.read_bytes()
        target.write_bytes(data[: int(len(data) * 0.4)])
    elif kind == "mp4_without_moov":
        make_film(target, seconds=2, faststart=False)
        data = target.read_bytes()
        moov = next(b for b in _top_level(data) if b.type == b"moov")
        target.write_bytes(data[: moov.offset])
    elif kind == "audio_only":
        source = _audio_source(1.0, speech_like=False, silent=False)
        _ffmpeg("-f", "lavfi", "-i", source, "-c:a", "aac", "-f", "mp4", str(target))
    elif kind == "audio_with_cover_art":
        cover = target.with_name(f".{target.name}.cover.png")
        try:
            make_image(cover)
            source = _audio_source(1.0, speech_like=False, silent=False)
            _ffmpeg(
                *("-f", "lavfi", "-i", source, "-i", str(cover), "-map", "0:a", "-map", "1:v"),
                *("-c:a", "aac", "-c:v", "png", "-disposition:v:0", "attached_pic"),
                *("-f", "mp4", str(target)),
            )
        finally:
            cover.unlink(missing_ok=True)
    elif kind == "still_image_png":
        make_image(target, fmt="PNG")
    elif kind == "still_image_jpeg":
        make_image(target, fmt="JPEG")
    elif kind == "one_frame":
        _ffmpeg(
            *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "1"),
            *("-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", str(target)),
        )
    elif kind == "absurd_dimensions":
        _small_film(target, audio=False, faststart=False)
        target.write_bytes(_patch_dimensions(bytearray(target.read_bytes()), 40000, 40000))
    elif kind == "unknown_codec":
        _small_film(target, audio=False)
        target.write_bytes(_rename_sample_entry(bytearray(target.read_bytes()), b"avc1", b"zzzz"))
    elif kind == "long_declared":
        last = 9
        _ffmpeg(
            *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", str(last + 1)),
            *(
                "-vf",
                f"setpts='if(eq(N\\,{last})\\,4500/TB\\,N/25/TB)'",
                "-fps_mode",
                "passthrough",
            ),
            *("-c:v", "libx264", "-bf", "0", "-pix_fmt", "yuv420p", "-f", "mp4", str(target)),
        )
    elif kind == "polyglot_png_mp4":
        film = target.with_name(f".{target.name}.film")
        try:
            _small_film(film)
            make_image(target, fmt="PNG")
            with open(target, "ab") as fh:
                fh.write(film.read_bytes())
        finally:
            film.unlink(missing_ok=True)
    elif kind == "polyglot_mp4_html":
        _small_film(target)
        html = b"<html><body><script>document.title='polyglot'</script></body></html>"
        with open(target, "ab") as fh:
            fh.write(struct.pack(">I4s", len(html) + 8, b"free") + html)
    elif kind == "wrong_extension":
        _small_film(target)
    elif kind == "no_audio":
        _small_film(target, audio=False)
    elif kind == "mov_pcm_audio":
        _small_film(target, container="mov", audio_codec="pcm_s16le")
    elif kind == "rotated_90":
        make_film(target, seconds=1.0, width=320, height=240, rotate=90)
    elif kind == "vfr_phone":
        make_film(target, seconds=2.0, fps=30, container="mov", vfr=True, rotate=90)
    elif kind == "hevc":
        _small_film(target, codec="hevc")
    elif kind == "webm_vp9":
        _small_film(target, codec="vp9", container="webm")
    elif kind == "h264_yuv444":
        _small_film(target, pix_fmt="yuv444p")
    elif kind == "avi_mjpeg":
        _small_film(target, codec="mjpeg", container="avi")
    else:  # pragma: no cover - EXPECTATIONS and this function are kept in step
        raise AssertionError(kind)
