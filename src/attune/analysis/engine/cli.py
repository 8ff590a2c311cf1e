"""Command-line front end shared by ``python -m attune.analysis.engine`` and
``attune analyse``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TextIO

from attune.analysis.engine.pipeline import analyse
from attune.analysis.engine.result import AnalysisResult
from attune.analysis.engine.suggestions import clock


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def progress_bar(stream: TextIO) -> Callable[[float], None] | None:
    """A one-line progress bar on ``stream`` when it is a terminal, else nothing."""
    if not stream.isatty():
        return None
    started = time.monotonic()

    def show(fraction: float) -> None:
        width = 30
        filled = round(width * fraction)
        elapsed = time.monotonic() - started
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%} {elapsed:5.1f} s")
        if fraction >= 1.0:
            stream.write("\n")
        stream.flush()

    return show


def describe(result: AnalysisResult) -> str:
    """A short plain-English summary of a result."""
    lines = [f"Film length: {clock(result.duration)} ({result.duration:.1f} s)"]
    adult = sum(s.duration for s in result.speech if s.speaker == "adult")
    child = sum(s.duration for s in result.speech if s.speaker == "child")
    lines.append(f"Speech: adult {adult:.1f} s, child {child:.1f} s, {len(result.turns)} turns")
    if result.responses:
        latencies = sorted(r.latency for r in result.responses)
        median = latencies[len(latencies) // 2]
        lines.append(
            f"Serve and return: {len(result.responses)} times the adult responded to the child "
            f"(typical wait {median:.1f} s)"
        )
    if result.faces:
        upset = _count(len(result.distress), "time", "times") + " a face looked upset"
        lines.append(
            f"Faces: {_count(len(result.faces), 'stretch', 'stretches')} in view, "
            f"{_count(len(result.smiles), 'smile', 'smiles')}"
            + (f", {upset}" if result.distress else "")
        )
    for note in result.notes:
        lines.append(f"Note: {note}")
    if result.suggestions:
        lines.append("Suggested moments:")
        for i, s in enumerate(result.suggestions, 1):
            lines.append(
                f"  {i}. {clock(s.start)}–{clock(s.end)}  score {s.score:.2f}  "
                f"[{'; '.join(s.principles)}]\n     {s.reason}"
            )
    else:
        lines.append("No suggested moments.")
    return "\n".join(lines)


def run(
    path: str | Path,
    *,
    as_json: bool,
    out: Writer,
    err: TextIO,
    voiceprints: bool = False,
    pitch_only: bool = False,
) -> int:
    if not Path(path).is_file():
        err.write(f"No such file: {path}\n")
        return 2
    result = analyse(
        path, on_progress=progress_bar(err), voiceprints=voiceprints, pitch_only=pitch_only
    )
    if as_json:
        out.write(result.to_json(indent=2) + "\n")
    else:
        out.write(describe(result) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m attune.analysis.engine",
        description="Find speech, turn-taking and candidate moments in a film.",
    )
    parser.add_argument("film", help="path to a film file")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument(
        "--voiceprints",
        action="store_true",
        help="group voices by voice prints alone (for comparison; the default uses them "
        "together with pitch and spectrum)",
    )
    parser.add_argument(
        "--pitch-only",
        action="store_true",
        help="tell voices apart by pitch and spectrum alone, without voice prints",
    )
    args = parser.parse_args(argv)
    return run(
        args.film,
        as_json=args.json,
        out=sys.stdout,
        err=sys.stderr,
        voiceprints=args.voiceprints,
        pitch_only=args.pitch_only,
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
