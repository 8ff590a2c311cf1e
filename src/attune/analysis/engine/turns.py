"""Turn-taking from labelled speech: turns, transitions (gaps and overlaps), serve and return,
runs of short alternating turns, and the adult waiting for the child.

Pure functions over plain data, so the same code builds the analysis, the ground truth of the
synthetic dialogues, and the recomputation after the guider relabels speakers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from attune.analysis.engine.result import Response, Run, Segment, Transition, Wait

#: Pauses shorter than this inside one speaker's speech stay within the turn.
TURN_MERGE_GAP = 1.0
#: An adult turn starting up to this long after the child stopped is a response.
MAX_RESPONSE_LATENCY = 2.0
#: ... and it must start at least this long after the child began (not simultaneous speech).
MIN_RESPONSE_OFFSET = 0.2
#: A turn this short or shorter counts as a "short turn" in a run.
SHORT_TURN = 5.0
#: Consecutive turns in a run follow each other within this many seconds.
RUN_MAX_GAP = 2.0
MIN_RUN_TURNS = 3
#: A pause after the adult stops that the child fills: between these bounds.
WAIT_MIN = 1.5
WAIT_MAX = 8.0
#: A child turn this long after the adult stopped (or with no adult turn before it) is the
#: child's own initiative rather than an answer.
INITIATIVE_AFTER = 2.0


def build_turns(speech: Iterable[Segment], merge_gap: float = TURN_MERGE_GAP) -> list[Segment]:
    """Join one speaker's consecutive speech into turns, unless the other speaker's speech
    comes in between."""
    segments = sorted(speech, key=lambda s: (s.start, s.end))
    turns: list[Segment] = []
    for speaker in {s.speaker for s in segments}:
        own = [s for s in segments if s.speaker == speaker]
        others = [s for s in segments if s.speaker != speaker]
        current: Segment | None = None
        for seg in own:
            if current is not None:
                gap_start, gap_end = current.end, seg.start
                interrupted = any(o.start < gap_end and o.end > gap_start for o in others)
                if gap_end - gap_start < merge_gap and not interrupted:
                    current = Segment(current.start, max(current.end, seg.end), speaker)
                    continue
                turns.append(current)
            current = Segment(seg.start, seg.end, speaker)
        if current is not None:
            turns.append(current)
    return sorted(turns, key=lambda t: (t.start, t.end))


def find_transitions(turns: list[Segment]) -> list[Transition]:
    """Each time the floor passes to the other speaker: the gap (negative for an overlap)."""
    out: list[Transition] = []
    for prev, nxt in itertools.pairwise(turns):
        if prev.speaker != nxt.speaker and nxt.start > prev.start:
            out.append(Transition(nxt.start, prev.speaker, nxt.speaker, nxt.start - prev.end))
    return out


def find_responses(turns: list[Segment]) -> list[Response]:
    """Serve and return: a child's turn followed by the adult's, with the latency."""
    out: list[Response] = []
    for i, turn in enumerate(turns):
        if turn.speaker != "child":
            continue
        for nxt in turns[i + 1 :]:
            if nxt.start > turn.end + MAX_RESPONSE_LATENCY:
                break
            if nxt.speaker == "child":
                break  # the child went on: that later turn is the one answered
            if nxt.start >= turn.start + MIN_RESPONSE_OFFSET:
                out.append(Response(turn.start, turn.end, nxt.start, nxt.end))
                break
    return out


def is_child_initiated(turns: list[Segment], child_turn: Segment) -> bool:
    """True when the child spoke first or after a pause: their own initiative, not an answer."""
    before = [t for t in turns if t.speaker == "adult" and t.start < child_turn.start]
    if not before:
        return True
    return child_turn.start - max(t.end for t in before) >= INITIATIVE_AFTER


def find_runs(turns: list[Segment]) -> list[Run]:
    """Three or more short turns alternating between adult and child, close together."""
    out: list[Run] = []
    current: list[Segment] = []

    def close() -> None:
        if len(current) >= MIN_RUN_TURNS:
            out.append(Run(current[0].start, max(t.end for t in current), len(current)))

    for turn in turns:
        short = turn.duration <= SHORT_TURN
        if (
            current
            and short
            and turn.speaker != current[-1].speaker
            and turn.start - current[-1].end <= RUN_MAX_GAP
        ):
            current.append(turn)
            continue
        close()
        current = [turn] if short else []
    close()
    return out


def find_waits(turns: list[Segment]) -> list[Wait]:
    """The adult stops and leaves a pause that the child fills."""
    out: list[Wait] = []
    for prev, nxt in itertools.pairwise(turns):
        if prev.speaker == "adult" and nxt.speaker == "child":
            pause = nxt.start - prev.end
            if WAIT_MIN <= pause <= WAIT_MAX:
                out.append(Wait(prev.end, nxt.start))
    return out
