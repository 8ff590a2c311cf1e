"""No report ever shows a count of 1 to 4 cases, and the CSV holds exactly what the report holds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from attune.administration.reports import FEWER, csv_rows, small


@given(st.integers(min_value=0, max_value=10_000))
def test_counts_of_one_to_four_read_fewer_than_5(count: int) -> None:
    shown = small(count)
    if 1 <= count <= 4:
        assert shown == FEWER
    else:
        assert shown == count


cells = st.integers(min_value=0, max_value=50).map(small)


@given(
    states=st.dictionaries(st.sampled_from(["Referred", "Closed", "Withdrawn"]), cells),
    hours=st.dictionaries(st.sampled_from(["Tom Hughes", "Grace Okoye"]), st.floats(0, 99)),
)
def test_the_csv_holds_every_figure_of_the_report(
    states: dict[str, object], hours: dict[str, float]
) -> None:
    report = {
        "period": {"start": "2026-01-01", "end": "2026-12-01"},
        "cases": small(7),
        "caseload_by_state": states,
        "caseload_by_guider": {},
        "cycles_per_case": {},
        "completed_vs_withdrawn": {},
        "median_days_referral_to_closure": None,
        "scaling_change": {"cases": 0, "mean_change": None},
        "supervision_hours": hours,
        "suggestions": {"accepted": 1},
    }
    table = {(figure, group): value for figure, group, value in csv_rows(report)[1:]}
    for label, value in states.items():
        assert table[("caseload by state", label)] == str(value)
    for name, value in hours.items():
        assert table[("supervision hours", name)] == str(value)
    assert not any(
        v in {"1", "2", "3", "4"} for (f, _g), v in table.items() if f == "caseload by state"
    )
