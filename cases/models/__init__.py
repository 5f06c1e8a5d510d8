"""The tumor board's data: a case and its dated records (every one history-tracked). The meetings
that discuss a case are the meetings app's."""

from cases.models.case import Case, Etiology, LabelSuffix, Sex, Status, WorklistVersion
from cases.models.records import (
    Ascites,
    ClinicalFinding,
    Encephalopathy,
    Endoscopy,
    Imaging,
    LabResult,
    PortalVeinInvasion,
    Regimen,
    Response,
    SystemicTherapy,
    TaceSession,
    TaceTechnique,
    TherapyOutcome,
    Varices,
)

__all__ = [
    "Ascites",
    "Case",
    "ClinicalFinding",
    "Encephalopathy",
    "Endoscopy",
    "Etiology",
    "Imaging",
    "LabResult",
    "LabelSuffix",
    "PortalVeinInvasion",
    "Regimen",
    "Response",
    "Sex",
    "Status",
    "SystemicTherapy",
    "TaceSession",
    "TaceTechnique",
    "TherapyOutcome",
    "Varices",
    "WorklistVersion",
]
