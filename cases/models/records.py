"""Dated records of a case. Each mirrors one list of the case exchange format (CASE_FORMAT.md)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.clinical.facts import LAB_ANALYTES
from cases.models.case import Case, yes_no_unknown
from cases.models.versioning import Versioned
from cases.validators import PlausibleRange, not_in_future


class Ascites(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE_SEVERE = "moderate_severe", "Moderate to severe"


class Encephalopathy(models.TextChoices):
    NONE = "none", "None"
    GRADE_1_2 = "grade_1_2", "Grade 1–2"
    GRADE_3_4 = "grade_3_4", "Grade 3–4"


class PortalVeinInvasion(models.TextChoices):
    NONE = "none", "None"
    VP1 = "vp1", "Vp1 (beyond second-order branches)"
    VP2 = "vp2", "Vp2 (second-order branch)"
    VP3 = "vp3", "Vp3 (first-order branch)"
    VP4 = "vp4", "Vp4 (main trunk or contralateral)"


class Varices(models.TextChoices):
    NONE = "none", "None"
    SMALL = "small", "Small"
    LARGE = "large", "Large"


class TaceTechnique(models.TextChoices):
    CTACE = "ctace", "Conventional (cTACE)"
    DEBTACE = "debtace", "Drug-eluting beads (DEB-TACE)"


class Response(models.TextChoices):
    CR = "CR", "CR — complete response"
    PR = "PR", "PR — partial response"
    SD = "SD", "SD — stable disease"
    PD = "PD", "PD — progressive disease"
    NE = "NE", "NE — not evaluable"
    PENDING = "pending", "Pending"


class Regimen(models.TextChoices):
    ATEZOLIZUMAB_BEVACIZUMAB = "atezolizumab_bevacizumab", "Atezolizumab + bevacizumab"
    DURVALUMAB_TREMELIMUMAB = "durvalumab_tremelimumab", "Durvalumab + tremelimumab"
    LENVATINIB = "lenvatinib", "Lenvatinib"
    SORAFENIB = "sorafenib", "Sorafenib"
    REGORAFENIB = "regorafenib", "Regorafenib"
    CABOZANTINIB = "cabozantinib", "Cabozantinib"
    PEMBROLIZUMAB = "pembrolizumab", "Pembrolizumab"
    RAMUCIRUMAB = "ramucirumab", "Ramucirumab"
    OTHER = "other", "Other"


class TherapyOutcome(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    PROGRESSION = "progression", "Ended: progression"
    INTOLERANCE = "intolerance", "Ended: intolerance"
    STOPPED = "stopped", "Ended: other reason"


def measurement(verbose_name: str, field: str) -> models.FloatField[float | None, float | None]:
    """An optional measured value with its plausible range (absent on a given date = not recorded)."""
    return models.FloatField(verbose_name, null=True, blank=True, validators=[PlausibleRange(field)])


def count(verbose_name: str, field: str) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, validators=[PlausibleRange(field)]
    )


class CaseRecord(Versioned):
    """A record of one case: each kind of cases/record_kinds.py (each names its `related_name`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta:
        abstract = True


class DatedRecord(CaseRecord):
    """A finding of one case on one date. Saving always validates (nothing half-checked reaches the table)."""

    date = models.DateField(validators=[not_in_future])

    class Meta:
        abstract = True
        ordering = ["date"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        touch_case(self.case_id)


def touch_case(case_id: int) -> None:
    """Mark the case as active now (the case list's "last activity"), without a history entry."""
    Case.objects.filter(pk=case_id).update(updated_at=timezone.now())


def one_per_date(model: str) -> list[models.BaseConstraint]:
    # CASE_FORMAT.md: two records of the same kind on one date are an error.
    return [
        models.UniqueConstraint(
            fields=["case", "date"],
            name=f"{model}_one_per_case_and_date",
            violation_error_message="This case already has a record of this kind on that date: edit that one.",
        )
    ]


class LabResult(DatedRecord):
    """Laboratory values drawn on one date; any analyte may be absent."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="labs")
    bilirubin_mg_dl = measurement("total bilirubin (mg/dL)", "bilirubin_mg_dl")
    albumin_g_dl = measurement("albumin (g/dL)", "albumin_g_dl")
    inr = measurement("INR", "inr")
    ast_u_l = measurement("AST (U/L)", "ast_u_l")
    platelets_10e9_l = measurement("platelets (×10⁹/L)", "platelets_10e9_l")
    afp_ng_ml = measurement("AFP (ng/mL)", "afp_ng_ml")
    pivka_mau_ml = measurement("PIVKA-II (mAU/mL)", "pivka_mau_ml")
    history = HistoricalRecords()

    # The fields of the case format's record, in its order (CASE_FORMAT.md).
    FORMAT_FIELDS = LAB_ANALYTES

    class Meta(DatedRecord.Meta):
        verbose_name = "lab result"
        constraints = one_per_date("lab")

    def __str__(self) -> str:
        return f"Labs {self.date}"

    def clean(self) -> None:
        if all(getattr(self, name) is None for name in self.FORMAT_FIELDS):
            raise ValidationError(f"{', '.join(self.FORMAT_FIELDS)}: enter at least one lab value.")


class ClinicalFinding(DatedRecord):
    """Bedside findings that enter Child-Pugh."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clinical_findings")
    ascites = models.CharField(max_length=16, choices=Ascites.choices, blank=True)
    encephalopathy = models.CharField(max_length=10, choices=Encephalopathy.choices, blank=True)
    history = HistoricalRecords()

    FORMAT_FIELDS = ("ascites", "encephalopathy")

    class Meta(DatedRecord.Meta):
        verbose_name = "clinical finding"
        constraints = one_per_date("clinical")

    def __str__(self) -> str:
        return f"Clinical {self.date}"


class Imaging(DatedRecord):
    """A cross-sectional imaging study (CT or MRI) and what it showed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="imaging")
    nodule_count = count("number of nodules", "nodule_count")
    largest_cm = measurement("largest nodule (cm)", "largest_cm")
    liver_involvement_pct = measurement("liver involvement (%)", "liver_involvement_pct")
    portal_vein_invasion = models.CharField(max_length=4, choices=PortalVeinInvasion.choices, blank=True)
    hepatic_vein_invasion = yes_no_unknown("hepatic vein invasion")
    bile_duct_invasion = yes_no_unknown("bile duct invasion")
    extrahepatic_spread = yes_no_unknown("extrahepatic spread")
    history = HistoricalRecords()

    FORMAT_FIELDS = (
        "nodule_count",
        "largest_cm",
        "liver_involvement_pct",
        "portal_vein_invasion",
        "hepatic_vein_invasion",
        "bile_duct_invasion",
        "extrahepatic_spread",
    )

    class Meta(DatedRecord.Meta):
        verbose_name = "imaging study"
        verbose_name_plural = "imaging studies"
        constraints = one_per_date("imaging")

    def __str__(self) -> str:
        return f"Imaging {self.date}"


class Endoscopy(DatedRecord):
    """An upper GI endoscopy: varices and whether they were treated (band ligation or beta-blocker)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="endoscopies")
    varices = models.CharField(max_length=5, choices=Varices.choices, blank=True)
    varices_treated = yes_no_unknown("varices treated")
    history = HistoricalRecords()

    FORMAT_FIELDS = ("varices", "varices_treated")

    class Meta(DatedRecord.Meta):
        verbose_name_plural = "endoscopies"
        constraints = one_per_date("endoscopy")

    def __str__(self) -> str:
        return f"Endoscopy {self.date}"


class TaceSession(DatedRecord):
    """One TACE session and the mRECIST response seen on its follow-up imaging."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tace_sessions")
    technique = models.CharField(max_length=7, choices=TaceTechnique.choices, blank=True)
    response = models.CharField("response (mRECIST)", max_length=7, choices=Response.choices, blank=True)
    response_date = models.DateField(null=True, blank=True, validators=[not_in_future])
    tumor_count_after = count("nodules after", "tumor_count_after")
    insufficient_lesion_response = yes_no_unknown("≥50% of treated lesions insufficient")
    new_vascular_invasion = yes_no_unknown("new vascular invasion")
    new_extrahepatic_spread = yes_no_unknown("new extrahepatic spread")
    history = HistoricalRecords()

    FORMAT_FIELDS = (
        "technique",
        "response",
        "response_date",
        "tumor_count_after",
        "insufficient_lesion_response",
        "new_vascular_invasion",
        "new_extrahepatic_spread",
    )

    class Meta(DatedRecord.Meta):
        verbose_name = "TACE session"
        constraints = one_per_date("tace")

    def __str__(self) -> str:
        return f"TACE {self.date}"

    def clean(self) -> None:
        if self.response_date and self.date and self.response_date < self.date:
            raise ValidationError({"response_date": "The response cannot be dated before the session."})


class SystemicTherapy(CaseRecord):
    """A line of systemic therapy: regimen, dates and how it ended."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="systemic_therapies")
    regimen = models.CharField(max_length=24, choices=Regimen.choices)
    start = models.DateField(validators=[not_in_future])
    end = models.DateField(null=True, blank=True, validators=[not_in_future])
    outcome = models.CharField(max_length=11, choices=TherapyOutcome.choices)
    tolerated = yes_no_unknown(
        "tolerated", "For sorafenib: at least 400 mg/day on at least 20 of the last 28 days."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name_plural = "systemic therapies"

    def __str__(self) -> str:
        return f"{self.get_regimen_display()} from {self.start}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end and self.start and self.end < self.start:
            errors["end"] = "The therapy cannot end before it started."
        if self.outcome == TherapyOutcome.ONGOING and self.end:
            errors["end"] = "An ongoing therapy has no end date."
        if self.outcome == TherapyOutcome.ONGOING and self.case_id:
            others = SystemicTherapy.objects.filter(case_id=self.case_id, outcome=TherapyOutcome.ONGOING)
            if others.exclude(pk=self.pk).exists():
                errors["outcome"] = "Another therapy is already ongoing: end it first."
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        touch_case(self.case_id)
