"""The "current findings" part of the case form, and how its unsaved values meet the stored case.

The edit page shows, next to the patient's details, the latest labs, clinical findings, imaging and
endoscopy, each as a block with its date. A block's changes mean the same thing in the live preview
and on Save:

- same date, other values → that record is corrected;
- another date → a new record on that date (the earlier one stays in the history of the case);
- date cleared → the preview shows the case *without* that record (a what-if: "no endoscopy"),
  and Save refuses, because records are deleted from the case page, where it is explicit.

The input names are the case-format names (`bilirubin_mg_dl`, `portal_vein_invasion`, ...), with
`labs_date`, `clinical_date`, `imaging_date` and `endoscopy_date` for the dates.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models, transaction

from cases import models as m
from cases.adapters import CLINICAL_FIELDS, ENDOSCOPY_FIELDS, IMAGING_FIELDS, LAB_FIELDS
from cases.clinical import facts as f
from cases.forms.case import clinical_formfield
from cases.models.versioning import StaleEdit


@dataclass(frozen=True)
class Block:
    kind: str  # the CaseFacts attribute
    date_field: str
    model: type[models.Model]
    fields: tuple[str, ...]
    fact: type
    title: str


BLOCKS = (
    Block("labs", "labs_date", m.LabResult, LAB_FIELDS, f.LabResult, "Latest labs"),
    Block("clinical", "clinical_date", m.ClinicalFinding, CLINICAL_FIELDS, f.ClinicalFinding, "Clinical findings"),
    Block("imaging", "imaging_date", m.Imaging, IMAGING_FIELDS, f.Imaging, "Latest imaging"),
    Block("endoscopies", "endoscopy_date", m.Endoscopy, ENDOSCOPY_FIELDS, f.Endoscopy, "Latest endoscopy"),
)
RELATED_NAME = {"labs": "labs", "clinical": "clinical_findings", "imaging": "imaging", "endoscopies": "endoscopies"}


@dataclass(frozen=True)
class Change:
    block: Block
    action: str  # "update" | "add" | "remove"
    date: datetime.date | None
    values: dict[str, Any]
    previous_date: datetime.date | None
    version: int | None = None  # the version of the shown record the form was read at


class FindingsForm(forms.Form):
    """Latest findings, one block per kind of dated record, prefilled from the stored case."""

    def __init__(self, *args: Any, case: m.Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous: dict[str, Any] = {}
        self.dates: dict[str, set[datetime.date]] = {}  # dates that already hold a record, per kind
        for block in BLOCKS:
            # The version of the record this block was filled from: a stale save is refused.
            self.fields[f"{block.kind}_version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1
            )
            self.fields[block.date_field] = forms.DateField(
                label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
            for name in block.fields:
                field = clinical_formfield(block.model._meta.get_field(name), required=False)
                assert field is not None
                self.fields[name] = field
            records = list(getattr(case, RELATED_NAME[block.kind]).all()) if case and case.pk else []
            latest = records[-1] if records else None
            self.previous[block.kind] = latest
            self.dates[block.kind] = {record.date for record in records}
            self.fields[f"{block.kind}_version"].required = latest is not None
            if latest is not None:
                self.initial[f"{block.kind}_version"] = latest.version
                self.initial[block.date_field] = latest.date
                for name in block.fields:
                    self.initial[name] = getattr(latest, name)

    def block_fields(self) -> list[tuple[Block, list[forms.BoundField]]]:
        """Bound fields grouped by block, for the template."""
        return [
            (b, [self[f"{b.kind}_version"], self[b.date_field], *(self[name] for name in b.fields)]) for b in BLOCKS
        ]

    def _block_values(self, block: Block) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in block.fields}

    def _stored_values(self, block: Block) -> dict[str, Any]:
        previous = self.previous[block.kind]
        return {name: getattr(previous, name) if previous else None for name in block.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for block in BLOCKS:
            has_values = any(cleaned.get(name) not in (None, "") for name in block.fields)
            if has_values and cleaned.get(block.date_field) is None and self.previous[block.kind] is None:
                self.add_error(block.date_field, f"{block.date_field}: enter the date of these findings")
            date, previous = cleaned.get(block.date_field), self.previous[block.kind]
            if date is not None and date != (previous.date if previous else None) and date in self.dates[block.kind]:
                # Moving the block onto an older record's date would overwrite that record unseen.
                self.add_error(
                    block.date_field,
                    f"{block.date_field}: there is already a record of this kind on {date}; edit it on the case page",
                )
        return cleaned

    def changes(self) -> list[Change]:
        """What the form changes, block by block (call after is_valid())."""
        result = []
        for block in BLOCKS:
            date = self.cleaned_data.get(block.date_field)
            values = self._block_values(block)
            previous = self.previous[block.kind]
            previous_date = previous.date if previous else None
            blank = all(v in (None, "") for v in values.values())
            if date is None:
                if previous is not None:
                    result.append(Change(block, "remove", None, values, previous_date))
            elif date == previous_date:
                if values != self._stored_values(block):
                    version = self.cleaned_data.get(f"{block.kind}_version")
                    result.append(Change(block, "update", date, values, previous_date, version))
            elif not blank or block.kind == "endoscopies":
                result.append(Change(block, "add", date, values, previous_date))
        return result


def overlay(facts: f.CaseFacts, patient: dict[str, Any], contraindications: dict[str, Any],
            baseline_tumor_count: int | None, changes: list[Change]) -> f.CaseFacts:
    """The stored case's facts with the form's unsaved values laid over them (nothing is saved)."""
    replaced: dict[str, Any] = {
        "patient": dataclasses.replace(facts.patient, **patient),
        "contraindications": dataclasses.replace(facts.contraindications, **contraindications),
        "baseline_tumor_count": baseline_tumor_count,
    }
    for change in changes:
        records = getattr(facts, change.block.kind)
        drop = {change.previous_date} if change.action in ("update", "remove") else {change.date}
        kept = tuple(r for r in records if r.date not in drop)
        if change.action != "remove":
            values = {k: (None if v == "" else v) for k, v in change.values.items()}
            kept += (change.block.fact(date=change.date, **values),)
        replaced[change.block.kind] = kept
    return dataclasses.replace(facts, **replaced)


@transaction.atomic
def save_changes(case: m.Case, changes: list[Change]) -> None:
    """Write the form's finding changes to the case's records (removal is refused earlier)."""
    for change in changes:
        model = change.block.model
        values = {k: ("" if v is None and isinstance(model._meta.get_field(k), models.CharField) else v)
                  for k, v in change.values.items()}
        if change.action == "update":
            record = model.objects.filter(case=case, date=change.previous_date).first()
            if record is None:
                raise StaleEdit(None)  # deleted meanwhile
            record.version = change.version
        else:
            existing = model.objects.filter(case=case, date=change.date).first()
            if existing is not None:
                raise StaleEdit(existing)  # saved by someone else since the form was read
            record = model(case=case, date=change.date)
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
