"""How fast films are processed and streamed, against plain baselines measured in the same run.

Makes (once, then cached) a 15-minute 1080p30 film in H.264/AAC (a phone's: a key frame every
two seconds) and the same in HEVC, then times on the same machine, in the same run:

* remux path (the H.264 film): probe + process (remux, poster, sprite, waveform) against a plain
  PyAV decode of every picture of the same file. Target <= 0.3 x.
* transcode path (the HEVC film): probe + process against a plain ffmpeg transcode of the same
  file with the same settings (the arguments the pipeline itself uses). Target <= 1.2 x.
* encrypted streaming: 100 MB through the vault's chunk decryption (`read_range` over the stored
  ciphertext), in one sequential stream and in random 512 KiB ranges, against reading the
  plaintext file the same way. Target >= 0.5 x the plaintext throughput.

``--quick`` uses 1-minute films (each case is then run twice, taking turns with its baseline, and
the best of each kept). Prints one JSON line per case.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av

from attune.films import media
from attune.samples.films import make_film
from attune.vault import crypto

TARGET_REMUX = 0.3
TARGET_TRANSCODE = 1.2
TARGET_STREAMING = 0.5
STREAM_BYTES = 100 * 1024 * 1024
RANGE_BYTES = 512 * 1024


def bench_film(cache: Path, minutes: float, codec: str = "h264") -> Path:
    """A 1080p30 film with speech-like sound and a key frame every 2 s, made once and kept in
    ``cache`` (bench/clips.py and bench/editor.py use the same one)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"films-{minutes:g}min-1080p30-{codec}.mp4"
    if path.is_file():
        return path
    print(f"making a {minutes:g}-minute 1080p30 {codec} film (once) ...", file=sys.stderr)
    partial = path.with_suffix(".partial.mp4")
    make_film(
        partial,
        seconds=minutes * 60,
        width=1920,
        height=1080,
        fps=30,
        codec=codec,
        keyint=60,
        speech_like_audio=True,
    )
    os.replace(partial, path)
    return path


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _pipeline(src: Path, scratch: Path) -> tuple[float, media.ProcessOutputs]:
    out = scratch / "out"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    result = media.probe(src)
    outputs = media.process(src, out, result)
    return time.perf_counter() - started, outputs


def _plain_decode(src: Path) -> None:
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            pass


def _plain_transcode(src: Path, scratch: Path) -> None:
    result = media.probe(src)
    target = scratch / "baseline.mp4"
    args = media.playable_args(result, src, target, max_height=720, copy_video=False)
    cmd = [media.ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", "-v", "error", *args]
    subprocess.run(cmd, check=True)
    target.unlink()


def _line(case: str, seconds: float, baseline: str, base: float, **extra: Any) -> dict[str, Any]:
    return {
        "case": case,
        "seconds": round(seconds, 3),
        "baseline": baseline,
        "baseline_seconds": round(base, 3),
        "ratio": round(seconds / base, 3),
        **extra,
    }


def _alternate(
    baseline: Callable[[], Any], film: Path, scratch: Path, repeat: int
) -> tuple[float, float, media.ProcessOutputs]:
    """Baseline and pipeline, taking turns `repeat` times; the best of each (a shared machine's
    load then weighs on both alike)."""
    bases, runs = [], []
    outputs = None
    for _ in range(repeat):
        bases.append(_timed(baseline))
        seconds, outputs = _pipeline(film, scratch)
        runs.append(seconds)
    assert outputs is not None
    return min(runs), min(bases), outputs


def bench_remux(film: Path, scratch: Path, minutes: float, repeat: int) -> dict[str, Any]:
    seconds, base, outputs = _alternate(lambda: _plain_decode(film), film, scratch, repeat)
    assert outputs.remuxed, "the H.264 film should have been remuxed"
    return _line(
        "remux_h264_1080p30",
        seconds,
        "pyav_decode",
        base,
        target=f"<= {TARGET_REMUX}",
        film_minutes=minutes,
        repeat=repeat,
    )


def bench_transcode(film: Path, scratch: Path, minutes: float, repeat: int) -> dict[str, Any]:
    seconds, base, outputs = _alternate(
        lambda: _plain_transcode(film, scratch), film, scratch, repeat
    )
    assert not outputs.remuxed, "the HEVC film should have been transcoded"
    return _line(
        "transcode_hevc_1080p30",
        seconds,
        "ffmpeg_transcode_same_settings",
        base,
        target=f"<= {TARGET_TRANSCODE}",
        film_minutes=minutes,
        repeat=repeat,
    )


def _ranges(size: int, count: int, seed: int = 7) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    starts = [rng.randrange(0, size - RANGE_BYTES) for _ in range(count)]
    return [(s, s + RANGE_BYTES - 1) for s in starts]


def bench_streaming(scratch: Path) -> Iterator[dict[str, Any]]:
    plain_path = scratch / "plain.bin"
    cipher_path = scratch / "cipher.atv"
    key, object_id = crypto.new_key(), uuid.uuid4()
    with open(plain_path, "wb") as fh:
        for _ in range(STREAM_BYTES // (1024 * 1024)):
            fh.write(os.urandom(1024 * 1024))
    with open(plain_path, "rb") as src, open(cipher_path, "wb") as sink:
        crypto.encrypt_stream(src, sink, key, object_id)
    size = STREAM_BYTES
    chunk = crypto.DEFAULT_CHUNK_SIZE

    def plain_stream() -> None:
        with open(plain_path, "rb") as fh:
            while fh.read(chunk):
                pass

    def vault_stream() -> None:
        with open(cipher_path, "rb") as fh:
            for _ in crypto.read_range(fh, key, 0, size - 1, object_id=object_id):
                pass

    ranges = _ranges(size, 200)

    def plain_ranges() -> None:
        with open(plain_path, "rb") as fh:
            for start, end in ranges:
                fh.seek(start)
                fh.read(end - start + 1)

    def vault_ranges() -> None:
        with open(cipher_path, "rb") as fh:
            for start, end in ranges:
                for _ in crypto.read_range(fh, key, start, end, object_id=object_id):
                    pass

    for name, plain, vault, moved in [
        ("stream_100MB_sequential", plain_stream, vault_stream, size),
        ("stream_200_random_512KiB_ranges", plain_ranges, vault_ranges, len(ranges) * RANGE_BYTES),
    ]:
        plain(), vault()  # warm the page cache for both, so both read from memory
        base = min(_timed(plain) for _ in range(3))
        seconds = min(_timed(vault) for _ in range(3))
        mb = moved / 1e6
        yield {
            "case": name,
            "seconds": round(seconds, 3),
            "baseline": "plaintext_file_read",
            "baseline_seconds": round(base, 3),
            "ratio": round(seconds / base, 3),
            "throughput_MBps": round(mb / seconds, 1),
            "baseline_throughput_MBps": round(mb / base, 1),
            "throughput_fraction": round(base / seconds, 3),
            "target": f"throughput_fraction >= {TARGET_STREAMING}",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1-minute films")
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("ATTUNE_BENCH_CACHE", "var/bench"))
    )
    parser.add_argument(
        "--only", choices=["remux", "transcode", "streaming"], action="append", default=None
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs of each, best kept (default 2; 1 full)"
    )
    args = parser.parse_args()
    minutes = args.minutes or (1.0 if args.quick else 15.0)
    only = set(args.only or ["remux", "transcode", "streaming"])
    repeat = args.repeat or (2 if minutes <= 5 else 1)
    with tempfile.TemporaryDirectory(prefix="attune-bench-") as tmp:
        scratch = Path(tmp)
        if "remux" in only:
            film = bench_film(args.cache, minutes, "h264")
            print(json.dumps(bench_remux(film, scratch, minutes, repeat)), flush=True)
        if "transcode" in only:
            film = bench_film(args.cache, minutes, "hevc")
            print(json.dumps(bench_transcode(film, scratch, minutes, repeat)), flush=True)
        if "streaming" in only:
            for line in bench_streaming(scratch):
                print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
