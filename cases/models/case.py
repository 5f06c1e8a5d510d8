from __future__ import annotations

from collections.abc import Collection

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cases.models.versioning import Versioned
from cases.validators import LABEL_MAX, NOTE_MAX, PlausibleRange, normalise_label, pseudonymous_label


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


WORKLIST_FIELDS = [
    "assessed_rule_set",
    "assessed_on",
    "verdict",
    "verdict_label",
    "verdict_tone",
    "bclc_stage",
    "child_pugh_points",
    "child_pugh_label",
    "child_pugh_date",
    "top_option",
    "top_option_status",
    "stop_flags",
    "warning_flags",
    "weigh_switch",
    "reassessment_due",
    "inputs_current_until",
]


class Case(Versioned):
    """One patient discussed by the board, known only by a pseudonymous label."""

    label = models.CharField(
        max_length=LABEL_MAX,
        unique=True,
        validators=[pseudonymous_label],
        help_text="Pseudonymous label shown on every screen (never a name).",
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
    contraindication_note = models.TextField(
        "contraindication note", blank=True, max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The worklist's summary of the assessment (cases/worklist.py): written after every save of the
    # case or one of its records, and again when the rule set changes, so the case list sorts and
    # filters on stored, indexed columns instead of running the engine per row. Never edited by hand.
    # Each sort of the list has an index in its exact order (Meta.indexes), so its first page is read
    # from the index at any number of cases, in either direction (docs/performance.md).
    assessed_rule_set = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    assessed_on = models.DateField(null=True, blank=True, editable=False)
    verdict = models.CharField("TACE verdict", max_length=20, blank=True, editable=False)
    verdict_label = models.CharField(max_length=80, blank=True, editable=False)
    verdict_tone = models.CharField(max_length=10, blank=True, editable=False)
    bclc_stage = models.CharField("BCLC", max_length=2, blank=True, editable=False)
    child_pugh_points = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    child_pugh_label = models.CharField(max_length=40, blank=True, editable=False)
    child_pugh_date = models.DateField(null=True, blank=True, editable=False)
    top_option = models.CharField(max_length=40, blank=True, editable=False)
    top_option_status = models.CharField(max_length=20, blank=True, editable=False)
    stop_flags = models.PositiveSmallIntegerField(default=0, editable=False)
    warning_flags = models.PositiveSmallIntegerField(default=0, editable=False)
    weigh_switch = models.BooleanField(default=False, editable=False)
    reassessment_due = models.DateField(null=True, blank=True, editable=False)
    inputs_current_until = models.DateField(null=True, blank=True, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=WORKLIST_FIELDS)

    class Meta:
        ordering = ["label"]
        indexes = [  # one per sort of the worklist (cases/worklist.py SORTS), tie broken by label
            models.Index(fields=["verdict", "label"], name="case_by_verdict"),
            models.Index(fields=["bclc_stage", "label"], name="case_by_bclc"),
            models.Index(fields=["child_pugh_points", "label"], name="case_by_child_pugh"),
            models.Index(fields=["top_option", "label"], name="case_by_top_option"),
            models.Index(fields=["-stop_flags", "-warning_flags", "label"], name="case_by_flags"),
            models.Index(fields=["reassessment_due", "label"], name="case_by_reassessment"),
        ]
        constraints = [
            # Labels that differ only in case are one patient's label twice (the model normalises
            # look-alike characters before saving; validators keep labels ASCII, so lower = casefold).
            models.UniqueConstraint(
                Lower("label"),
                name="case_label_unique_ignoring_case",
                violation_error_message="A case with this label already exists (labels are compared "
                "ignoring case, spaces and look-alike characters).",
            )
        ]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Normalised before anything checks it: the stored label is the one the checks saw.
        if isinstance(self.label, str):
            self.label = normalise_label(self.label)
        super().clean_fields(exclude=exclude)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def labelled(cls, label: str) -> models.QuerySet[Case]:
        """The cases with this label, ignoring case: read from the index of the unique constraint
        (LOWER(label)); `label__iexact` compares UPPER(label) and reads every case."""
        return cls.objects.alias(label_key=Lower("label")).filter(label_key=label.lower())

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])


class WorklistVersion(models.Model):
    """One row whose number moves whenever anything the worklist shows may have changed: a case, one
    of its records, its stored summary, or what other apps show in the list's columns (meetings:
    the next meeting). The rendered list is cached under this number (cases/caching.py), so a change
    saved through any app server is never answered with the list from before it."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"worklist version {self.version}"

    @classmethod
    def bump(cls, **kwargs: object) -> None:
        """Move the number (a signal receiver: any sender, any arguments)."""
        if cls.objects.filter(pk=1).update(version=models.F("version") + 1) == 0:
            cls.objects.get_or_create(pk=1)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0


class LabelSuffix(models.Model):
    """A case's label, upper-cased, from each of its characters on ("HCC-07", "CC-07", …, "7").

    A label contains the searched text exactly when one of its suffixes starts with it, and the
    suffixes starting with a text are one range of a B-tree ordered by bytes (migration 0010): the
    worklist's search costs the same at 100 or 1,000,000 cases (cases/worklist.py `label_contains`). A
    trigram index did not: labels share their letters and numbering ("HCC-2024-"), so the trigrams of
    a label typed from its start are in nearly every row (docs/performance.md).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    suffix = models.CharField(max_length=LABEL_MAX)

    def __str__(self) -> str:
        return self.suffix

    @staticmethod
    def of(label: str) -> list[str]:
        upper = label.upper()
        return [upper[start:] for start in range(len(upper))]

    @classmethod
    def sync(cls, case: Case) -> None:
        """Make the stored suffixes those of the case's label (one query when they already are)."""
        wanted = cls.of(case.label)
        if sorted(cls.objects.filter(case=case).values_list("suffix", flat=True)) == sorted(wanted):
            return
        cls.objects.filter(case=case).delete()
        LabelSuffix.objects.bulk_create([LabelSuffix(case=case, suffix=suffix) for suffix in wanted])
