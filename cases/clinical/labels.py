"""Human labels for the engine's keys, so every screen and document uses the same words."""

from __future__ import annotations

from typing import Final

REGIMEN_LABELS: Final[dict[str, str]] = {
    "atezolizumab_bevacizumab": "Atezolizumab + bevacizumab",
    "durvalumab_tremelimumab": "Durvalumab + tremelimumab",
    "lenvatinib": "Lenvatinib",
    "sorafenib": "Sorafenib",
    "regorafenib": "Regorafenib",
    "cabozantinib": "Cabozantinib",
    "pembrolizumab": "Pembrolizumab",
    "ramucirumab": "Ramucirumab",
    "other": "Other regimen",
}

# Short notes shown next to an option (not part of the JSON output).
REGIMEN_NOTES: Final[dict[str, str]] = {
    "atezolizumab_bevacizumab": "Preferred first line after TACE failure (IMbrave150). "
    "Needs a recent endoscopy with varices absent or treated.",
    "durvalumab_tremelimumab": "An alternative first line (HIMALAYA; ASCO 2024); after immunotherapy, using "
    "it is the board's call. It is not part of "
    "the KLCA-NCC 2022 algorithm, so the tool never recommends it.",
    "lenvatinib": "First-line alternative (REFLECT), and a second-line choice after immunotherapy. REFLECT excluded main portal vein invasion and "
    "50 % or more of the liver involved. Dose depends on weight.",
    "sorafenib": "First-line alternative (SHARP), and a second-line choice after immunotherapy.",
    "regorafenib": "Second line after sorafenib, only if sorafenib was tolerated (RESORCE).",
    "cabozantinib": "Second line after sorafenib (CELESTIAL) or after immunotherapy (ASCO 2024).",
    "pembrolizumab": "Second line after sorafenib (KEYNOTE-240; KEYNOTE-394 in Asian patients).",
    "ramucirumab": "Second line, after sorafenib or immunotherapy, only with AFP of 400 ng/mL or more "
    "(REACH-2).",
}

PROPOSAL_LABELS: Final[dict[str, str]] = {
    "continue_tace": "Continue TACE",
    "tace_sorafenib": "TACE + sorafenib",
    "adjuvant_sorafenib_after_tace": "Adjuvant sorafenib after TACE",
    "tace_lenvatinib": "TACE + lenvatinib",
    "tace_lenvatinib_pd1": "TACE + lenvatinib + PD-1 inhibitor",
    "tace_durvalumab_bevacizumab": "TACE + durvalumab + bevacizumab",
    **{k: v for k, v in REGIMEN_LABELS.items() if k != "other"},
    "resection": "Resection",
    "transplant_referral": "Referral for transplant assessment",
    "clinical_trial": "Clinical trial",
    "best_supportive_care": "Best supportive care",
}

OPTION_STATUS_LABELS: Final[dict[str, str]] = {
    "recommended": "Recommended",
    "eligible": "Eligible",
    "needs_workup": "Needs work-up",
    "contraindicated": "Contraindicated",
    "not_indicated": "Not indicated",
    "no_guidance": "No guidance — board decision",
    "insufficient_data": "Insufficient data",
}

FINDING_STATUS_LABELS: Final[dict[str, str]] = {
    "met": "Met",
    "not_met": "Not met",
    "insufficient_data": "Insufficient data",
    "not_applicable": "Not applicable",
    "ok": "Calculated",
}

REFRACTORINESS_LABELS: Final[dict[str, str]] = {
    "refractory": "TACE-refractory",
    "not_refractory": "Not refractory",
    "insufficient_data": "Insufficient data",
    "not_applicable": "No TACE recorded",
}

# Every status word the engine emits, one dictionary for templates.
STATUS_LABELS: Final[dict[str, str]] = {
    **FINDING_STATUS_LABELS,
    **REFRACTORINESS_LABELS,
    **OPTION_STATUS_LABELS,
}

SEVERITY_LABELS: Final[dict[str, str]] = {
    "stop": "Stop",
    "warning": "Warning",
    "info": "Information",
}

STEP_LABELS: Final[dict[str, str]] = {
    "ALG-1": "1. Assess TACE response after two sessions within six months",
    "ALG-2": "2. TACE-refractory: confirm Child-Pugh A and ECOG 0–1, endoscopy, then atezolizumab + bevacizumab",
    "ALG-3": "3. Atezolizumab + bevacizumab not possible: lenvatinib (no Vp4, involvement < 50 %) or sorafenib",
    "ALG-4": "4. Progression on first line, still Child-Pugh A: second-line options",
    "ALG-5": "5. On systemic therapy: reassess for resection with imaging every 2–3 months",
    "BSC": "Best supportive care (Child-Pugh C, or ECOG 3–4: BCLC stage D)",
    "OUTSIDE": "Outside the algorithm's population (ECOG 2, or Child-Pugh B)",
    "UNKNOWN": "Position unknown: key data missing",
}

ART_INTERPRETATION_LABELS: Final[dict[str, str]] = {
    "retreatment_may_benefit": "0–1.5 points: a further TACE may still benefit",
    "poor_prognosis": "2.5 points or more: poor prognosis with a further TACE",
    "validated_before_second_tace": "after two or more sessions: validated only for the decision "
    "before the second TACE, so no retreatment reading is given",
}


def regimen_label(key: str) -> str:
    return REGIMEN_LABELS.get(key, key)


def proposal_label(key: str) -> str:
    return PROPOSAL_LABELS.get(key, key)


def status_label(key: str) -> str:
    return STATUS_LABELS.get(key, key)
