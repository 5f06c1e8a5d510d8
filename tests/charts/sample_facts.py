"""Facts the chart tests draw: built directly, no database."""

from __future__ import annotations

import datetime

from cases.clinical.facts import (
    CaseFacts,
    ClinicalFinding,
    Contraindications,
    Endoscopy,
    Imaging,
    LabResult,
    Patient,
    TaceSession,
)

D = datetime.date.fromisoformat
AS_OF = D("2026-11-27")


def refractory_facts(
    *, bilirubin: float = 1.0, albumin: float = 3.9, inr: float = 1.1, ascites: str = "none"
) -> CaseFacts:
    """Two SD responses within six months after a PR: TACE-refractory, Child-Pugh A by default."""
    return CaseFacts(
        patient=Patient(label="T", age=64, sex="M", weight_kg=72, ecog=0, etiology="hbv"),
        labs=(
            LabResult(D("2026-03-20"), afp_ng_ml=40, pivka_mau_ml=60),
            LabResult(D("2026-06-20"), afp_ng_ml=70),
            LabResult(
                D("2026-11-20"),
                bilirubin_mg_dl=bilirubin,
                albumin_g_dl=albumin,
                inr=inr,
                ast_u_l=40,
                platelets_10e9_l=140,
                afp_ng_ml=85,
                pivka_mau_ml=120,
            ),
        ),
        clinical=(ClinicalFinding(D("2026-11-20"), ascites=ascites, encephalopathy="none"),),
        baseline_tumor_count=3,
        imaging=(
            Imaging(
                D("2026-11-10"),
                nodule_count=3,
                largest_cm=4.2,
                liver_involvement_pct=20,
                portal_vein_invasion="none",
                hepatic_vein_invasion=False,
                bile_duct_invasion=False,
                extrahepatic_spread=False,
            ),
        ),
        endoscopies=(Endoscopy(D("2026-08-01"), varices="small", varices_treated=True),),
        tace_sessions=(
            TaceSession(D("2026-04-01"), "ctace", "PR", D("2026-05-10"), 3, False, False, False),
            TaceSession(D("2026-07-01"), "ctace", "SD", D("2026-08-05"), 3, False, False, False),
            TaceSession(D("2026-09-15"), "debtace", "PD", D("2026-10-20"), 3, False, False, False),
        ),
        contraindications=Contraindications(immunotherapy=False, bevacizumab=False),
    )
