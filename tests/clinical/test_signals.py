"""PI-MORAL, PI-LESIONS, PI-COUNT, PI-MARKERS (RULES.md §3)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from .builders import flag_ids, lab, make_case, only, run, session


def sig(doc: dict[str, object], signal_id: str) -> tuple[str, dict[str, Any], tuple[str, ...]]:
    s = run(doc).signal(signal_id).to_dict()
    return str(s["status"]), dict(s.get("evidence", {})), tuple(s.get("missing", ()))


SESSIONS = [session("2026-04-01", "PR"), session("2026-07-01", "SD"), session("2026-09-15", "SD")]


def _moral_case(
    post_pivka: float, pre_pivka: float = 49.0, post_date: str = "2026-05-01"
) -> dict[str, object]:
    # AFP 0 keeps the arithmetic plain: MoRAL = 11 × √PIVKA.
    return make_case(
        labs=[
            lab(),
            only("2026-03-25", afp_ng_ml=0, pivka_mau_ml=pre_pivka),
            only(post_date, afp_ng_ml=0, pivka_mau_ml=post_pivka),
        ],
        tace_sessions=SESSIONS,
    )


def test_pi_moral_met_at_89_5_and_5_percent_rise() -> None:
    post = (89.5 / 11) ** 2  # MoRAL exactly 89.5
    status, evidence, _ = sig(_moral_case(post), "PI-MORAL")
    assert status == "met"
    assert evidence["post"] == {"date": "2026-05-01", "moral": 89.5}


def test_pi_moral_below_89_5_not_met() -> None:
    assert sig(_moral_case(66.0), "PI-MORAL")[0] == "not_met"  # 11 × √66 = 89.37


def test_pi_moral_rise_under_5_percent_not_met() -> None:
    pre = 64.0  # 88
    post = (88 * 1.049 / 11) ** 2  # 4.9 % above, ≥ 89.5
    assert 11 * math.sqrt(post) >= 89.5
    assert sig(_moral_case(post, pre_pivka=pre), "PI-MORAL")[0] == "not_met"


def test_pi_moral_post_pair_after_second_tace_does_not_count() -> None:
    status, _, missing = sig(_moral_case(100.0, post_date="2026-07-02"), "PI-MORAL")
    assert status == "insufficient_data"
    assert missing == ("labs.afp_ng_ml", "labs.pivka_mau_ml")


def test_pi_moral_met_raises_a_warning() -> None:
    a = run(_moral_case(100.0))
    f = a.flag("PI-MORAL")
    assert f is not None and f.severity == "warning"


@pytest.mark.parametrize(
    "values, status",
    [
        ([True, True, False], "met"),
        ([True, None, True], "not_met"),  # the unrecorded session breaks the run (RULES.md)
        ([True, False, True], "not_met"),
        ([None, None, True], "insufficient_data"),
        ([False, True, True], "met"),
    ],
)
def test_pi_lesions(values: list[bool | None], status: str) -> None:
    sessions = [
        session(d, "SD", insufficient_lesion_response=v)
        for d, v in zip(["2026-03-01", "2026-06-01", "2026-09-01"], values, strict=False)
    ]
    assert sig(make_case(tace_sessions=sessions), "PI-LESIONS")[0] == status


@pytest.mark.parametrize(
    "baseline, after, status",
    [
        (2, [3, 4], "met"),
        (None, [2, 3, 4], "met"),
        (2, [3, 3, 4], "not_met"),
        (2, [3, None, 4], "met"),  # the session without a count is left out
        (None, [2, 3], "insufficient_data"),
        (5, [2, 3, 4], "met"),
        (3, [2, 3, 2], "not_met"),
    ],
)
def test_pi_count(baseline: int | None, after: list[int | None], status: str) -> None:
    dates = ["2026-03-01", "2026-06-01", "2026-09-01"]
    sessions = [session(d, "SD", tumor_count_after=c) for d, c in zip(dates, after, strict=False)]
    assert sig(make_case(tace_sessions=sessions, baseline_tumor_count=baseline), "PI-COUNT")[0] == status


def test_pi_markers_afp_rising_three_times() -> None:
    labs = [
        only("2026-03-01", afp_ng_ml=50),
        only("2026-02-01", afp_ng_ml=500),
        only("2026-05-01", afp_ng_ml=60),
        only("2026-08-01", afp_ng_ml=70),
    ]
    status, evidence, _ = sig(make_case(labs=labs, tace_sessions=SESSIONS), "PI-MARKERS")
    assert status == "met"
    assert [p["value"] for p in evidence["afp_ng_ml"]] == [50, 60, 70]  # type: ignore[index]


def test_pi_markers_only_values_from_the_last_pre_tace_on() -> None:
    # 10 → 20 before TACE, then 30: the sequence is [20, 30] only → insufficient.
    labs = [
        only("2026-01-01", afp_ng_ml=10),
        only("2026-03-01", afp_ng_ml=20),
        only("2026-05-01", afp_ng_ml=30),
    ]
    assert sig(make_case(labs=labs, tace_sessions=SESSIONS), "PI-MARKERS")[0] == "insufficient_data"


def test_pi_markers_must_end_rising() -> None:
    labs = [
        only("2026-03-01", pivka_mau_ml=10),
        only("2026-05-01", pivka_mau_ml=20),
        only("2026-08-01", pivka_mau_ml=30),
        only("2026-10-01", pivka_mau_ml=30),
    ]
    assert sig(make_case(labs=labs, tace_sessions=SESSIONS), "PI-MARKERS")[0] == "not_met"


def test_signals_not_applicable_without_tace() -> None:
    a = run(make_case(tace_sessions=[]))
    assert {s.status for s in a.signals} == {"not_applicable"}
    assert not [f for f in flag_ids(a) if f.startswith("PI-")]
