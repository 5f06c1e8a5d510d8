"""`python manage.py seed_demo` — synthetic demo cases and the three demo users. Idempotent.

The cases cover the paths of the rule book (RULES.md): responding to TACE, refractory by
non-response, by new vascular invasion and by extrahepatic spread; Child-Pugh A, B and C; on
sorafenib; after atezolizumab + bevacizumab; a missing endoscopy. Dates are relative to the day
the command first runs. A case whose label exists is left as it is, so running it twice changes
nothing; users are created once and their password is set from DEMO_PASSWORD each run.

Then every demo seeder other apps register (cases/apps.py) runs: the meetings app adds its
demo meetings.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases import models as m
from cases.apps import CasesConfig
from cases.permissions import BOARD_MEMBER, COORDINATOR, VIEWER, ensure_roles

DEMO_USERS = {"demo-coordinator": COORDINATOR, "demo-member": BOARD_MEMBER, "demo-viewer": VIEWER}

GOOD_LIVER = {"bilirubin_mg_dl": 0.9, "albumin_g_dl": 3.9, "inr": 1.1, "ast_u_l": 42, "platelets_10e9_l": 150}
NO_INVASION = {
    "portal_vein_invasion": "none",
    "hepatic_vein_invasion": False,
    "bile_duct_invasion": False,
    "extrahepatic_spread": False,
}
NO_CONTRAINDICATION = {"contraindication_immunotherapy": False, "contraindication_bevacizumab": False}


def session(days_ago: int, response: str, count: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "days_ago": days_ago,
        "technique": extra.pop("technique", "ctace"),
        "response": response,
        "response_days_ago": None if response == "pending" else days_ago - 35,
        "tumor_count_after": count,
        "insufficient_lesion_response": extra.pop("insufficient", False),
        "new_vascular_invasion": extra.pop("vascular", False),
        "new_extrahepatic_spread": extra.pop("spread", False),
    }


# Each demo case: patient facts, then dated records as (days before today, values).
DEMO_CASES: list[dict[str, Any]] = [
    {
        "label": "HCC-0101",
        "story": "Responding to TACE: complete, then partial response. Stay with TACE.",
        "patient": {
            "age": 61,
            "sex": "M",
            "weight_kg": 78,
            "ecog": 0,
            "etiology": "hbv",
            "baseline_tumor_count": 2,
        },
        "labs": [
            (250, {**GOOD_LIVER, "afp_ng_ml": 210, "pivka_mau_ml": 340}),
            (20, {**GOOD_LIVER, "afp_ng_ml": 12, "pivka_mau_ml": 30}),
        ],
        "clinical": [(20, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(25, {"nodule_count": 1, "largest_cm": 2.1, "liver_involvement_pct": 5, **NO_INVASION})],
        "endoscopies": [(120, {"varices": "none", "varices_treated": None})],
        "tace": [session(240, "CR", 1), session(100, "PR", 1)],
    },
    {
        "label": "HCC-0102",
        "story": "Two stable-disease responses within six months, endoscopy done, varices banded: refractory.",
        "patient": {
            "age": 64,
            "sex": "M",
            "weight_kg": 72,
            "ecog": 0,
            "etiology": "hbv",
            "baseline_tumor_count": 3,
        },
        "labs": [
            (260, {**GOOD_LIVER, "afp_ng_ml": 60, "pivka_mau_ml": 90}),
            (120, {**GOOD_LIVER, "afp_ng_ml": 85, "pivka_mau_ml": 150}),
            (7, {**GOOD_LIVER, "afp_ng_ml": 140, "pivka_mau_ml": 260}),
        ],
        "clinical": [(7, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(17, {"nodule_count": 3, "largest_cm": 4.2, "liver_involvement_pct": 20, **NO_INVASION})],
        "endoscopies": [(60, {"varices": "small", "varices_treated": True})],
        "tace": [session(240, "PR", 3), session(150, "SD", 3), session(70, "SD", 3, technique="debtace")],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0103",
        "story": "Refractory by non-response, but no endoscopy on record: variceal work-up first.",
        "patient": {
            "age": 58,
            "sex": "F",
            "weight_kg": 64,
            "ecog": 1,
            "etiology": "hcv",
            "baseline_tumor_count": 4,
        },
        "labs": [(10, {**GOOD_LIVER, "albumin_g_dl": 3.6, "afp_ng_ml": 45, "pivka_mau_ml": 80})],
        "clinical": [(10, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(14, {"nodule_count": 4, "largest_cm": 3.5, "liver_involvement_pct": 25, **NO_INVASION})],
        "tace": [session(160, "SD", 4), session(60, "PD", 5)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0104",
        "story": "Main portal vein invasion after TACE and a kidney transplant (no immunotherapy): sorafenib left.",
        "patient": {
            "age": 67,
            "sex": "M",
            "weight_kg": 81,
            "ecog": 1,
            "etiology": "alcohol",
            "baseline_tumor_count": 2,
        },
        "labs": [(9, {**GOOD_LIVER, "bilirubin_mg_dl": 1.3, "afp_ng_ml": 950, "pivka_mau_ml": 1800})],
        "clinical": [(9, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [
            (
                12,
                {
                    "nodule_count": 2,
                    "largest_cm": 6.0,
                    "liver_involvement_pct": 30,
                    **NO_INVASION,
                    "portal_vein_invasion": "vp4",
                },
            )
        ],
        "endoscopies": [(40, {"varices": "none", "varices_treated": None})],
        "tace": [session(130, "PR", 2), session(45, "PD", 2, vascular=True)],
        "contraindications": {"contraindication_immunotherapy": True, "contraindication_bevacizumab": False},
        "note": "Kidney transplant 2019, on tacrolimus.",
    },
    {
        "label": "HCC-0105",
        "story": "Lung metastases found after the second TACE: refractory by extrahepatic spread.",
        "patient": {
            "age": 55,
            "sex": "M",
            "weight_kg": 58,
            "ecog": 0,
            "etiology": "hbv",
            "baseline_tumor_count": 2,
        },
        "labs": [(15, {**GOOD_LIVER, "afp_ng_ml": 420, "pivka_mau_ml": 600})],
        "clinical": [(15, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [
            (
                18,
                {
                    "nodule_count": 2,
                    "largest_cm": 3.0,
                    "liver_involvement_pct": 10,
                    **NO_INVASION,
                    "extrahepatic_spread": True,
                },
            )
        ],
        "endoscopies": [(90, {"varices": "large", "varices_treated": True})],
        "tace": [session(200, "PR", 2), session(80, "PR", 2, spread=True)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0106",
        "story": "Child-Pugh B8 with refractory disease: outside the algorithm's population.",
        "patient": {
            "age": 70,
            "sex": "F",
            "weight_kg": 60,
            "ecog": 1,
            "etiology": "masld",
            "baseline_tumor_count": 3,
        },
        "labs": [
            (
                8,
                {
                    "bilirubin_mg_dl": 2.2,
                    "albumin_g_dl": 3.1,
                    "inr": 1.3,
                    "ast_u_l": 70,
                    "platelets_10e9_l": 90,
                    "afp_ng_ml": 30,
                },
            )
        ],
        "clinical": [(8, {"ascites": "mild", "encephalopathy": "none"})],
        "imaging": [(20, {"nodule_count": 3, "largest_cm": 3.8, "liver_involvement_pct": 20, **NO_INVASION})],
        "endoscopies": [(50, {"varices": "small", "varices_treated": True})],
        "tace": [session(170, "SD", 3), session(75, "SD", 3)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0107",
        "story": "Decompensated after TACE (Child-Pugh C): best supportive care or transplant assessment.",
        "patient": {
            "age": 62,
            "sex": "M",
            "weight_kg": 69,
            "ecog": 2,
            "etiology": "alcohol",
            "baseline_tumor_count": 2,
        },
        "labs": [
            (
                5,
                {
                    "bilirubin_mg_dl": 3.8,
                    "albumin_g_dl": 2.5,
                    "inr": 1.9,
                    "ast_u_l": 110,
                    "platelets_10e9_l": 70,
                    "afp_ng_ml": 300,
                },
            )
        ],
        "clinical": [(5, {"ascites": "moderate_severe", "encephalopathy": "grade_1_2"})],
        "imaging": [(21, {"nodule_count": 2, "largest_cm": 5.1, "liver_involvement_pct": 20, **NO_INVASION})],
        "tace": [session(150, "PR", 2), session(60, "SD", 2)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0108",
        "story": "On sorafenib since spring (atezolizumab + bevacizumab declined): imaging clock running.",
        "patient": {
            "age": 73,
            "sex": "M",
            "weight_kg": 75,
            "ecog": 1,
            "etiology": "hcv",
            "baseline_tumor_count": 5,
        },
        "labs": [(14, {**GOOD_LIVER, "afp_ng_ml": 75})],
        "clinical": [(14, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(40, {"nodule_count": 5, "largest_cm": 4.0, "liver_involvement_pct": 30, **NO_INVASION})],
        "endoscopies": [(230, {"varices": "none", "varices_treated": None})],
        "tace": [session(400, "SD", 5), session(300, "SD", 6)],
        "therapies": [
            {"regimen": "sorafenib", "start_days_ago": 240, "outcome": "ongoing", "tolerated": True}
        ],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0109",
        "story": "Progression on atezolizumab + bevacizumab, 55 kg: lenvatinib 8 mg, sorafenib or cabozantinib.",
        "patient": {
            "age": 59,
            "sex": "F",
            "weight_kg": 55,
            "ecog": 0,
            "etiology": "hbv",
            "baseline_tumor_count": 3,
        },
        "labs": [(12, {**GOOD_LIVER, "afp_ng_ml": 310, "pivka_mau_ml": 700})],
        "clinical": [(12, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(20, {"nodule_count": 4, "largest_cm": 5.0, "liver_involvement_pct": 30, **NO_INVASION})],
        "endoscopies": [(100, {"varices": "small", "varices_treated": True})],
        "tace": [session(700, "SD", 3), session(610, "PD", 4)],
        "therapies": [
            {
                "regimen": "atezolizumab_bevacizumab",
                "start_days_ago": 560,
                "end_days_ago": 30,
                "outcome": "progression",
            }
        ],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0110",
        "story": "Progression on well-tolerated sorafenib, AFP 520: second-line agents open.",
        "patient": {
            "age": 66,
            "sex": "M",
            "weight_kg": 70,
            "ecog": 1,
            "etiology": "hbv",
            "baseline_tumor_count": 4,
        },
        "labs": [(11, {**GOOD_LIVER, "afp_ng_ml": 520, "pivka_mau_ml": 900})],
        "clinical": [(11, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(15, {"nodule_count": 6, "largest_cm": 5.5, "liver_involvement_pct": 35, **NO_INVASION})],
        "endoscopies": [(80, {"varices": "none", "varices_treated": None})],
        "tace": [session(800, "SD", 4), session(700, "PD", 6)],
        "therapies": [
            {
                "regimen": "sorafenib",
                "start_days_ago": 650,
                "end_days_ago": 40,
                "outcome": "progression",
                "tolerated": True,
            }
        ],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0111",
        "story": "Sorafenib stopped for hand-foot skin reaction: no regorafenib.",
        "patient": {
            "age": 69,
            "sex": "F",
            "weight_kg": 62,
            "ecog": 1,
            "etiology": "other",
            "baseline_tumor_count": 3,
        },
        "labs": [(9, {**GOOD_LIVER, "afp_ng_ml": 150})],
        "clinical": [(9, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(16, {"nodule_count": 4, "largest_cm": 4.4, "liver_involvement_pct": 25, **NO_INVASION})],
        "endoscopies": [(70, {"varices": "none", "varices_treated": None})],
        "tace": [session(500, "SD", 3), session(420, "SD", 4)],
        "therapies": [
            {
                "regimen": "sorafenib",
                "start_days_ago": 380,
                "end_days_ago": 320,
                "outcome": "intolerance",
                "tolerated": False,
            }
        ],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0112",
        "story": "One assessed session; the second awaits its follow-up scan: whether TACE failed is not known yet.",
        "patient": {
            "age": 57,
            "sex": "M",
            "weight_kg": 84,
            "ecog": 0,
            "etiology": "masld",
            "baseline_tumor_count": 2,
        },
        "labs": [(6, {**GOOD_LIVER, "afp_ng_ml": 25, "pivka_mau_ml": 60})],
        "clinical": [(6, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(75, {"nodule_count": 2, "largest_cm": 3.2, "liver_involvement_pct": 10, **NO_INVASION})],
        "endoscopies": [(150, {"varices": "small", "varices_treated": False})],
        "tace": [session(110, "SD", 2), session(20, "pending")],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0113",
        "story": "On atezolizumab + bevacizumab; last scan over three months ago: reassessment overdue.",
        "patient": {
            "age": 63,
            "sex": "M",
            "weight_kg": 77,
            "ecog": 0,
            "etiology": "hbv",
            "baseline_tumor_count": 3,
        },
        "labs": [(10, {**GOOD_LIVER, "afp_ng_ml": 40, "pivka_mau_ml": 95})],
        "clinical": [(10, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [
            (135, {"nodule_count": 3, "largest_cm": 3.9, "liver_involvement_pct": 15, **NO_INVASION})
        ],
        "endoscopies": [(190, {"varices": "small", "varices_treated": True})],
        "tace": [session(360, "SD", 3), session(250, "SD", 3)],
        "therapies": [{"regimen": "atezolizumab_bevacizumab", "start_days_ago": 180, "outcome": "ongoing"}],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0114",
        "story": "Refractory, but ECOG 2 after a fall: outside the algorithm's population.",
        "patient": {
            "age": 78,
            "sex": "F",
            "weight_kg": 52,
            "ecog": 2,
            "etiology": "hcv",
            "baseline_tumor_count": 2,
        },
        "labs": [(13, {**GOOD_LIVER, "afp_ng_ml": 18})],
        "clinical": [(13, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(19, {"nodule_count": 3, "largest_cm": 4.0, "liver_involvement_pct": 15, **NO_INVASION})],
        "endoscopies": [(45, {"varices": "none", "varices_treated": None})],
        "tace": [session(150, "SD", 2), session(65, "PD", 3)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0115",
        "story": "Partial responses, yet the nodule count rose twice in a row: not refractory, the board weighs a switch.",
        "patient": {
            "age": 60,
            "sex": "M",
            "weight_kg": 74,
            "ecog": 0,
            "etiology": "alcohol",
            "baseline_tumor_count": 2,
        },
        "labs": [(8, {**GOOD_LIVER, "afp_ng_ml": 95, "pivka_mau_ml": 150})],
        "clinical": [(8, {"ascites": "none", "encephalopathy": "none"})],
        "imaging": [(18, {"nodule_count": 4, "largest_cm": 3.6, "liver_involvement_pct": 15, **NO_INVASION})],
        "endoscopies": [(60, {"varices": "small", "varices_treated": True})],
        "tace": [session(240, "PR", 3), session(150, "PR", 4), session(70, "SD", 4)],
        "contraindications": NO_CONTRAINDICATION,
    },
    {
        "label": "HCC-0116",
        "story": "On lenvatinib since spring, started at Child-Pugh A5 and now B7: liver function is worse.",
        "patient": {
            "age": 67,
            "sex": "F",
            "weight_kg": 58,
            "ecog": 1,
            "etiology": "hcv",
            "baseline_tumor_count": 3,
        },
        "labs": [
            (215, {**GOOD_LIVER, "afp_ng_ml": 60, "pivka_mau_ml": 90}),
            (
                7,
                {
                    **GOOD_LIVER,
                    "bilirubin_mg_dl": 2.2,
                    "albumin_g_dl": 3.2,
                    "afp_ng_ml": 85,
                    "pivka_mau_ml": 120,
                },
            ),
        ],
        "clinical": [
            (215, {"ascites": "none", "encephalopathy": "none"}),
            (7, {"ascites": "none", "encephalopathy": "none"}),
        ],
        "imaging": [(30, {"nodule_count": 3, "largest_cm": 4.5, "liver_involvement_pct": 20, **NO_INVASION})],
        "endoscopies": [(90, {"varices": "none", "varices_treated": None})],
        "tace": [session(560, "PR", 3), session(470, "SD", 3), session(380, "SD", 3)],
        "therapies": [{"regimen": "lenvatinib", "start_days_ago": 210, "outcome": "ongoing"}],
        "contraindications": NO_CONTRAINDICATION,
    },
]


# The demo's administrator: staff (may open /admin/), a coordinator, with every admin permission for
# the cases and the meetings apps, and none for users or groups (granting roles stays a superuser's).
DEMO_ADMIN = "demo-admin"
ADMIN_APPS = ("cases", "meetings")


def seed_admin(password: str) -> User:
    user, _ = User.objects.get_or_create(username=DEMO_ADMIN)
    user.set_password(password)
    user.is_staff = True
    user.is_superuser = False
    user.save()
    user.groups.set([Group.objects.get(name=COORDINATOR)])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    return user


class Command(BaseCommand):
    help = "Load synthetic demo cases and the demo users (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        created = 0
        with transaction.atomic():
            ensure_roles(Group, Permission)  # present after migrate; restored if a test flushed them
            for spec in DEMO_CASES:
                if not m.Case.objects.filter(label=spec["label"]).exists():
                    create_case(spec, today)
                    created += 1
            for username, role in DEMO_USERS.items():
                user, _ = User.objects.get_or_create(username=username)
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
            seed_admin(settings.DEMO_PASSWORD)
        self.stdout.write(
            f"Demo data: {created} case(s) created, {len(DEMO_CASES) - created} already present."
        )
        # What other apps add on top of the demo cases (the meetings app: its demo meetings).
        for seed in cast(CasesConfig, apps.get_app_config("cases")).demo_seeders:
            seed(self.stdout)


def create_case(spec: dict[str, Any], today: datetime.date) -> m.Case:
    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    def ago_or_none(days: int | None) -> datetime.date | None:
        """An optional date: no response read yet, a therapy not ended."""
        return None if days is None else ago(days)

    case = m.Case.objects.create(
        label=spec["label"],
        contraindication_note=spec.get("note", ""),
        **spec["patient"],
        **spec.get("contraindications", {}),
    )
    for days, values in spec.get("labs", []):
        m.LabResult.objects.create(case=case, date=ago(days), **values)
    for days, values in spec.get("clinical", []):
        m.ClinicalFinding.objects.create(case=case, date=ago(days), **values)
    for days, values in spec.get("imaging", []):
        m.Imaging.objects.create(case=case, date=ago(days), **values)
    for days, values in spec.get("endoscopies", []):
        m.Endoscopy.objects.create(case=case, date=ago(days), **values)
    for values in spec.get("tace", []):
        values = dict(values)
        m.TaceSession.objects.create(
            case=case,
            date=ago(values.pop("days_ago")),
            response_date=ago_or_none(values.pop("response_days_ago")),
            **values,
        )
    for values in spec.get("therapies", []):
        values = dict(values)
        m.SystemicTherapy.objects.create(
            case=case,
            start=ago(values.pop("start_days_ago")),
            end=ago_or_none(values.pop("end_days_ago", None)),
            **values,
        )
    return case
