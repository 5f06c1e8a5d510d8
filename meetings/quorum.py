"""Quorum of a meeting, from the specialties of the attendees marked present (plain Python)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A multidisciplinary HCC board needs the liver physician (hepatology or medical oncology), the
# interventional radiologist who does the TACE, and the surgeon who judges resection and transplant.
QUORUM_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hepatology or oncology", ("hepatology", "oncology")),
    ("Interventional radiology", ("interventional_radiology",)),
    ("Surgery", ("surgery",)),
)


@dataclass(frozen=True, kw_only=True)
class QuorumPart:
    label: str
    met: bool


@dataclass(frozen=True, kw_only=True)
class Quorum:
    parts: tuple[QuorumPart, ...]

    @property
    def met(self) -> bool:
        return all(part.met for part in self.parts)

    @property
    def lacking(self) -> tuple[str, ...]:
        return tuple(part.label for part in self.parts if not part.met)

    @property
    def text(self) -> str:
        if self.met:
            return "Hepatology or oncology, interventional radiology and surgery are present."
        return "Nobody is marked present for " + " and ".join(self.lacking).lower() + "."


def quorum(present_specialties: Iterable[str]) -> Quorum:
    """Quorum from the specialties of the attendees marked present (not-yet-marked counts as absent)."""
    present = set(present_specialties)
    return Quorum(
        parts=tuple(QuorumPart(label=label, met=bool(present & set(group))) for label, group in QUORUM_GROUPS)
    )
