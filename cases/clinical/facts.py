"""The facts of one case, as the engine reads them (CASE_FORMAT.md, hcc-case/1).

Frozen dataclasses, tuples instead of lists, and ``None`` for every value that is not recorded:
"unknown is never normal" (RULES.md, ground rules), so no field has a clinical default.
Numbers keep the form they were given in (an int stays an int), so an export is byte-stable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Patient:
    label: str | None = None
    age: int | None = None
    sex: str | None = None  # vocab.SEXES
    weight_kg: float | None = None
    ecog: int | None = None  # 0..4
    etiology: str | None = None  # vocab.ETIOLOGIES


@dataclass(frozen=True)
class LabResult:
    """One dated lab draw; it may carry only some analytes."""

    date: datetime.date
    bilirubin_mg_dl: float | None = None
    albumin_g_dl: float | None = None
    inr: float | None = None
    ast_u_l: float | None = None
    platelets_10e9_l: float | None = None
    afp_ng_ml: float | None = None
    pivka_mau_ml: float | None = None


# The analytes of a LabResult, in the format's order.
LAB_ANALYTES: tuple[str, ...] = (
    "bilirubin_mg_dl",
    "albumin_g_dl",
    "inr",
    "ast_u_l",
    "platelets_10e9_l",
    "afp_ng_ml",
    "pivka_mau_ml",
)


@dataclass(frozen=True)
class ClinicalFinding:
    """Bedside findings used by Child-Pugh."""

    date: datetime.date
    ascites: str | None = None  # vocab.ASCITES
    encephalopathy: str | None = None  # vocab.ENCEPHALOPATHY


@dataclass(frozen=True)
class Imaging:
    date: datetime.date
    nodule_count: int | None = None
    largest_cm: float | None = None
    liver_involvement_pct: float | None = None
    portal_vein_invasion: str | None = None  # vocab.PORTAL_VEIN_INVASION
    hepatic_vein_invasion: bool | None = None
    bile_duct_invasion: bool | None = None
    extrahepatic_spread: bool | None = None


@dataclass(frozen=True)
class Endoscopy:
    date: datetime.date
    varices: str | None = None  # vocab.VARICES
    varices_treated: bool | None = None


@dataclass(frozen=True)
class TaceSession:
    date: datetime.date
    technique: str | None = None  # vocab.TACE_TECHNIQUES
    response: str | None = None  # vocab.MRECIST_RESPONSES
    response_date: datetime.date | None = None
    tumor_count_after: int | None = None
    insufficient_lesion_response: bool | None = None
    new_vascular_invasion: bool | None = None
    new_extrahepatic_spread: bool | None = None


@dataclass(frozen=True)
class SystemicTherapy:
    regimen: str  # vocab.REGIMENS
    start: datetime.date
    outcome: str  # vocab.THERAPY_OUTCOMES
    end: datetime.date | None = None
    tolerated: bool | None = None  # sorafenib: >=400 mg/day on >=20 of the last 28 days


@dataclass(frozen=True)
class Contraindications:
    immunotherapy: bool | None = None
    bevacizumab: bool | None = None
    note: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    """Everything recorded about one case. ``as_of`` and ``proposal`` are not facts: they are
    passed to ``assess`` separately (see ``parse.ParsedCase`` for the document that carries them)."""

    patient: Patient = field(default_factory=Patient)
    labs: tuple[LabResult, ...] = ()
    clinical: tuple[ClinicalFinding, ...] = ()
    baseline_tumor_count: int | None = None
    imaging: tuple[Imaging, ...] = ()
    endoscopies: tuple[Endoscopy, ...] = ()
    tace_sessions: tuple[TaceSession, ...] = ()
    systemic_therapies: tuple[SystemicTherapy, ...] = ()
    contraindications: Contraindications = field(default_factory=Contraindications)

    @cached_property
    def index(self) -> FactsIndex:
        """Date-sorted records and per-analyte lab series, built once per (immutable) instance.
        Not a field: it takes no part in equality, hashing or export."""
        return FactsIndex.build(self)


# One dated value of a lab analyte.
LabPoint = tuple[datetime.date, float]
# AFP and PIVKA-II drawn on one date: (date, afp_ng_ml, pivka_mau_ml).
MarkerPair = tuple[datetime.date, float, float]


@dataclass(frozen=True)
class FactsIndex:
    """Every list sorted once by date (systemic therapies by start, ties in document order)."""

    labs: tuple[LabResult, ...]
    clinical: tuple[ClinicalFinding, ...]
    imaging: tuple[Imaging, ...]
    endoscopies: tuple[Endoscopy, ...]
    tace_sessions: tuple[TaceSession, ...]
    systemic_therapies: tuple[SystemicTherapy, ...]
    series: dict[str, tuple[LabPoint, ...]]
    marker_pairs: tuple[MarkerPair, ...]

    @staticmethod
    def build(facts: CaseFacts) -> FactsIndex:
        labs = tuple(sorted(facts.labs, key=_date))
        series: dict[str, list[LabPoint]] = {a: [] for a in LAB_ANALYTES}
        for r in labs:
            for analyte in LAB_ANALYTES:
                value = getattr(r, analyte)
                if value is not None:
                    series[analyte].append((r.date, value))
        afp = dict(series["afp_ng_ml"])
        pairs = tuple((d, afp[d], v) for d, v in series["pivka_mau_ml"] if d in afp)
        return FactsIndex(
            labs=labs,
            clinical=tuple(sorted(facts.clinical, key=_date)),
            imaging=tuple(sorted(facts.imaging, key=_date)),
            endoscopies=tuple(sorted(facts.endoscopies, key=_date)),
            tace_sessions=tuple(sorted(facts.tace_sessions, key=_date)),
            systemic_therapies=tuple(sorted(facts.systemic_therapies, key=_start)),
            series={a: tuple(points) for a, points in series.items()},
            marker_pairs=pairs,
        )


def _date(record: LabResult | ClinicalFinding | Imaging | Endoscopy | TaceSession) -> datetime.date:
    return record.date


def _start(therapy: SystemicTherapy) -> datetime.date:
    return therapy.start
