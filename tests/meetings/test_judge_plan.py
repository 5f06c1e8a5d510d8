"""Concordance of a plan under the kr-2022.2 positions: the sentence names the actual reason."""

from __future__ import annotations

import pytest

from meetings.concordance import judge_plan
from tests.clinical.builders import make_case, run, session
from tests.clinical.test_rule_set_changes import AFTER_AB as AFTER_AB_THERAPIES
from tests.clinical.test_rule_set_changes import UNKNOWN, WEIGH

# The kr-2022.2 positions, as the engine's own tests build them.
UNASSESSED = UNKNOWN
AFTER_AB = {"systemic_therapies": AFTER_AB_THERAPIES}


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
