"""Counting the road to accreditation. Plain Python (no Django) so it can be tested over
generated histories.

Each stage's targets are *further* to the stages before, so they add up: with the VIGuk
defaults a trainee finishes stage 1 at 6 completed cycles with 2 clients and 7 hours of
confirmed supervision, stage 2 at 15 cycles, 5 clients and 15 hours, and stage 3 at 27 cycles,
8 clients and 23 hours. What counts is the whole history, in any order: a cycle completed
before stage 1 was signed off still counts if stage 1 had more than it needed.

The current stage is the first one not signed off. A sign-off recorded for a later stage
while an earlier one is still open does not move the trainee on (it is reported as
``out_of_order``), so a mistaken record can never skip a stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

STAGE_COUNT = 3


@dataclass(frozen=True)
class StageTarget:
    cycles: int
    clients: int
    hours: float


DEFAULT_TARGETS = (StageTarget(6, 2, 7), StageTarget(9, 3, 8), StageTarget(12, 3, 8))


@dataclass(frozen=True)
class CompletedCycle:
    """A cycle with a film and its shared review held."""

    client: object  # anything that tells clients apart: the case's id
    completed_on: date


@dataclass(frozen=True)
class Measure:
    done: float
    target: float

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, int(100 * self.done / self.target))


@dataclass(frozen=True)
class StageProgress:
    stage: int
    cycles: Measure
    clients: Measure
    hours: Measure
    signed_off: bool

    @property
    def targets_met(self) -> bool:
        return self.cycles.met and self.clients.met and self.hours.met


@dataclass(frozen=True)
class Progress:
    total_cycles: int
    total_clients: int
    total_hours: float
    stages: tuple[StageProgress, ...]
    current_stage: int  # 1..3, or 4 once every stage is signed off
    out_of_order: tuple[int, ...]  # stages signed off while an earlier one is open

    @property
    def accredited(self) -> bool:
        return self.current_stage > STAGE_COUNT

    @property
    def current(self) -> StageProgress | None:
        return None if self.accredited else self.stages[self.current_stage - 1]


def accreditation_progress(
    *,
    cycles: Iterable[CompletedCycle],
    minutes: Iterable[int],
    signed_off: Iterable[int],
    targets: tuple[StageTarget, ...] = DEFAULT_TARGETS,
) -> Progress:
    """Where a trainee stands: completed cycles, confirmed supervision minutes and the stages
    their supervisor signed off (in any order, repeats allowed)."""
    cycle_list = list(cycles)
    total_cycles = len(cycle_list)
    total_clients = len({c.client for c in cycle_list})
    total_hours = sum(max(0, m) for m in minutes) / 60
    signed = {s for s in signed_off if 1 <= s <= STAGE_COUNT}
    current = 1
    while current <= STAGE_COUNT and current in signed:
        current += 1
    stages = []
    before = StageTarget(0, 0, 0)
    for number, target in enumerate(targets[:STAGE_COUNT], start=1):

        def measure(total: float, earlier: float, wanted: float) -> Measure:
            return Measure(done=max(0.0, min(float(wanted), total - earlier)), target=wanted)

        stages.append(
            StageProgress(
                stage=number,
                cycles=measure(total_cycles, before.cycles, target.cycles),
                clients=measure(total_clients, before.clients, target.clients),
                hours=measure(round(total_hours, 2), before.hours, target.hours),
                signed_off=number < current,
            )
        )
        before = StageTarget(
            before.cycles + target.cycles,
            before.clients + target.clients,
            before.hours + target.hours,
        )
    return Progress(
        total_cycles=total_cycles,
        total_clients=total_clients,
        total_hours=round(total_hours, 2),
        stages=tuple(stages),
        current_stage=current,
        out_of_order=tuple(sorted(s for s in signed if s > current)),
    )
