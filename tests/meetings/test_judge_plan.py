"""Concordance of a plan under the kr-2022.2 positions: the sentence names the actual reason."""

from __future__ import annotations

import pytest

from meetings.concordance import judge_plan
from tests.clinical.builders import imaging, make_case, run, session, therapy

WEIGH = {
    "baseline_tumor_count": 2,
    "tace_sessions": [
        session("2026-04-01", "PR", tumor_count_after=3),
        session("2026-07-01", "PR", tumor_count_after=4),
        session("2026-09-15", "SD", tumor_count_after=4),
    ],
}
UNASSESSED = {
    "imaging": [imaging(portal_vein_invasion=None)],
    "tace_sessions": [session("2026-04-01", "PR"), session("2026-09-15", "PR")],
}
AFTER_AB = {
    "systemic_therapies": [therapy("atezolizumab_bevacizumab", "2025-07-01", "progression", end="2026-09-20")]
}


@pytest.mark.parametrize(
    "case, plan, concordant, says",
    [
        (WEIGH, "continue_tace", True, "ALG-WEIGH-SWITCH"),
        (WEIGH, "atezolizumab_bevacizumab", True, "ALG-WEIGH-SWITCH"),
        (UNASSESSED, "continue_tace", True, "ALG-TACE-UNASSESSED"),
        (UNASSESSED, "atezolizumab_bevacizumab", False, "insufficient data"),
        (AFTER_AB, "pembrolizumab", True, "OPT-2L-AFTER-IO"),
        ({"patient__ecog": 3}, "best_supportive_care", True, "ECOG 3–4"),
        (
            {"tace_sessions": [session("2026-04-01", "PR"), session("2026-07-01", "CR")]},
            "continue_tace",
            True,
            "criteria for TACE failure are not met",
        ),
    ],
)
def test_plan_concordance_names_its_reason(
    case: dict[str, object], plan: str, concordant: bool, says: str
) -> None:
    verdict = judge_plan(plan, run(make_case(**case), plan))
    assert verdict.concordant is concordant
    assert says in verdict.why
    assert "OPT-2L-UNDEFINED" not in verdict.why
