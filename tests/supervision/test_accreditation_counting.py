"""Accreditation counting over generated histories: cycles with clients, confirmed hours and
sign-offs in any order."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from attune.supervision.accreditation import (
    DEFAULT_TARGETS,
    CompletedCycle,
    StageTarget,
    accreditation_progress,
)

cycles = st.lists(
    st.builds(
        CompletedCycle,
        client=st.integers(min_value=1, max_value=12),
        completed_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)),
    ),
    max_size=40,
)
minutes = st.lists(st.integers(min_value=0, max_value=240), max_size=30)
sign_offs = st.lists(st.integers(min_value=0, max_value=4), max_size=6)


@given(cycles, minutes, sign_offs, st.randoms())
def test_the_order_of_the_history_does_not_matter(cs, ms, ss, rnd) -> None:  # type: ignore[no-untyped-def]
    first = accreditation_progress(cycles=cs, minutes=ms, signed_off=ss)
    rnd.shuffle(cs)
    rnd.shuffle(ms)
    rnd.shuffle(ss)
    assert accreditation_progress(cycles=cs, minutes=ms, signed_off=ss) == first


@given(cycles, minutes, sign_offs)
def test_totals_are_counted_from_the_whole_history(cs, ms, ss) -> None:  # type: ignore[no-untyped-def]
    progress = accreditation_progress(cycles=cs, minutes=ms, signed_off=ss)
    assert progress.total_cycles == len(cs)
    assert progress.total_clients == len({c.client for c in cs})
    assert abs(progress.total_hours - sum(ms) / 60) < 0.01


@given(cycles, minutes, sign_offs)
def test_each_stage_counts_only_what_the_stages_before_did_not_need(cs, ms, ss) -> None:  # type: ignore[no-untyped-def]
    progress = accreditation_progress(cycles=cs, minutes=ms, signed_off=ss)
    counted = sum(s.cycles.done for s in progress.stages)
    assert counted == min(len(cs), sum(t.cycles for t in DEFAULT_TARGETS))
    for stage in progress.stages:
        for measure in (stage.cycles, stage.clients, stage.hours):
            assert 0 <= measure.done <= measure.target
            assert 0 <= measure.percent <= 100
    # A later stage only fills once every earlier one is full.
    for earlier, later in zip(progress.stages, progress.stages[1:], strict=False):
        if later.cycles.done > 0:
            assert earlier.cycles.met


@given(cycles, minutes, sign_offs)
def test_a_sign_off_never_skips_a_stage(cs, ms, ss) -> None:  # type: ignore[no-untyped-def]
    progress = accreditation_progress(cycles=cs, minutes=ms, signed_off=ss)
    signed = set(ss)
    expected = 1
    while expected <= 3 and expected in signed:
        expected += 1
    assert progress.current_stage == expected
    assert progress.accredited == (expected == 4)
    assert set(progress.out_of_order) == {s for s in signed if 1 <= s <= 3 and s > expected}
    for stage in progress.stages:
        assert stage.signed_off == (stage.stage < expected)


@given(cycles, minutes, sign_offs, st.integers(min_value=1, max_value=12), minutes)
def test_more_work_never_means_less_progress(cs, ms, ss, client, more) -> None:  # type: ignore[no-untyped-def]
    before = accreditation_progress(cycles=cs, minutes=ms, signed_off=ss)
    extra = [*cs, CompletedCycle(client=client, completed_on=date(2025, 5, 1))]
    after = accreditation_progress(cycles=extra, minutes=[*ms, *more], signed_off=ss)
    for b, a in zip(before.stages, after.stages, strict=True):
        assert a.cycles.done >= b.cycles.done
        assert a.clients.done >= b.clients.done
        assert a.hours.done >= b.hours.done


def test_the_vigiuk_defaults_part_way_through_stage_1() -> None:
    history = [
        CompletedCycle(client=c, completed_on=date(2026, 1, 1) + timedelta(days=i))
        for i, c in enumerate([1, 1, 2, 1])
    ]
    progress = accreditation_progress(cycles=history, minutes=[60, 90, 60], signed_off=[])
    stage1 = progress.stages[0]
    assert (stage1.cycles.done, stage1.cycles.target) == (4, 6)
    assert (stage1.clients.done, stage1.clients.target) == (2, 2)
    assert (stage1.hours.done, stage1.hours.target) == (3.5, 7)
    assert not stage1.targets_met
    assert progress.current_stage == 1


def test_service_targets_replace_the_defaults() -> None:
    targets = (StageTarget(1, 1, 1), StageTarget(1, 1, 1), StageTarget(1, 1, 1))
    history = [CompletedCycle(client=1, completed_on=date(2026, 1, 1))]
    progress = accreditation_progress(cycles=history, minutes=[60], signed_off=[], targets=targets)
    assert progress.stages[0].targets_met
    assert progress.stages[1].cycles.done == 0
