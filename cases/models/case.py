from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases.models.versioning import Versioned
from cases.validators import PlausibleRange


class Sex(models.TextChoices):
    M = "M", "Male"
    F = "F", "Female"
    X = "X", "Other / not stated"


class Etiology(models.TextChoices):
    HBV = "hbv", "Hepatitis B"
    HCV = "hcv", "Hepatitis C"
    ALCOHOL = "alcohol", "Alcohol"
    MASLD = "masld", "MASLD"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


def yes_no_unknown(verbose_name: str, help_text: str = "") -> models.BooleanField[bool | None, bool | None]:
    """A finding the rules depend on: yes, no, or not recorded (NULL) — never defaulted to "no"."""
    return models.BooleanField(verbose_name, null=True, blank=True, default=None, help_text=help_text)


class Case(Versioned):
    """One patient discussed by the board, known only by a pseudonymous label."""

    label = models.CharField(
        max_length=40, unique=True, help_text="Pseudonymous label shown on every screen (never a name)."
    )
    age = models.PositiveSmallIntegerField(null=True, blank=True, validators=[PlausibleRange("age")])
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    weight_kg = models.FloatField(
        "weight (kg)", null=True, blank=True, validators=[PlausibleRange("weight_kg")]
    )
    ecog = models.PositiveSmallIntegerField(
        "ECOG performance status", null=True, blank=True, validators=[PlausibleRange("ecog")]
    )
    etiology = models.CharField(max_length=10, choices=Etiology.choices, blank=True)
    baseline_tumor_count = models.PositiveSmallIntegerField(
        "nodules before the first TACE",
        null=True,
        blank=True,
        validators=[PlausibleRange("baseline_tumor_count")],
    )
    contraindication_immunotherapy = yes_no_unknown(
        "contraindication to immunotherapy", "e.g. organ transplant, active autoimmune disease"
    )
    contraindication_bevacizumab = yes_no_unknown(
        "contraindication to bevacizumab", "e.g. recent bleeding, uncontrolled hypertension"
    )
    contraindication_note = models.TextField("contraindication note", blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])
