"""The controlled vocabulary of the case exchange format (CASE_FORMAT.md, hcc-case/1).

These tuples are the single source of truth for choice values: the engine parses against
them, and the Django models' TextChoices are checked against them by a test.
"""

from __future__ import annotations

from typing import Final

SEXES: Final = ("M", "F", "X")
ETIOLOGIES: Final = ("hbv", "hcv", "alcohol", "masld", "other")
ASCITES: Final = ("none", "mild", "moderate_severe")
ENCEPHALOPATHY: Final = ("none", "grade_1_2", "grade_3_4")
PORTAL_VEIN_INVASION: Final = ("none", "vp1", "vp2", "vp3", "vp4")
VARICES: Final = ("none", "small", "large")
TACE_TECHNIQUES: Final = ("ctace", "debtace")
MRECIST_RESPONSES: Final = ("CR", "PR", "SD", "PD", "NE", "pending")
ASSESSED_RESPONSES: Final = ("CR", "PR", "SD", "PD")
THERAPY_OUTCOMES: Final = ("ongoing", "progression", "intolerance", "stopped")

# The eight regimens the engine gives an option for, in the output's stable order (CASE_FORMAT.md).
OPTION_REGIMENS: Final = (
    "atezolizumab_bevacizumab",
    "durvalumab_tremelimumab",
    "lenvatinib",
    "sorafenib",
    "regorafenib",
    "cabozantinib",
    "pembrolizumab",
    "ramucirumab",
)
# A recorded systemic therapy may also be "other" (no option is given for it).
REGIMENS: Final = (*OPTION_REGIMENS, "other")

# The board's proposal keys (RULES.md §7).
PROPOSALS: Final = (
    "continue_tace",
    "tace_sorafenib",
    "adjuvant_sorafenib_after_tace",
    "tace_lenvatinib",
    "tace_lenvatinib_pd1",
    "tace_durvalumab_bevacizumab",
    *OPTION_REGIMENS,
    "resection",
    "transplant_referral",
    "clinical_trial",
    "best_supportive_care",
)

FORMAT_CASE: Final = "hcc-case/1"
FORMAT_ASSESSMENT: Final = "hcc-assessment/1"
RULE_SET: Final = "kr-2022.2"
