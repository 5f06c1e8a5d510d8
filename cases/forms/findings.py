"""The "current findings" part of the case form, and how its changes are saved.

The edit page shows, next to the patient's details, the latest labs, clinical findings, imaging and
endoscopy, each as a block with its date. A block's changes mean the same thing in the live preview
and on Save:

- same date, other values → that record is corrected;
- another date → a new record on that date (the earlier one stays in the history of the case);
- date cleared → the preview shows the case *without* that record (a what-if: "no endoscopy"),
  and Save refuses, because records are deleted from the case page, where it is explicit.

The input names are the case-format names (`bilirubin_mg_dl`, `portal_vein_invasion`, ...), with
`labs_date`, `clinical_date`, `imaging_date` and `endoscopy_date` for the dates (the kinds and
their blocks are described in cases/record_kinds.py). The preview lays the changes over the stored
case's facts in cases/adapters.py (`overlay`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.db import transaction

from cases import models as m
from cases.adapters import RecordChange, model_values
from cases.concurrency import MAX_VERSION
from cases.forms.fields import clinical_formfield
from cases.models.records import DatedRecord
from cases.models.versioning import StaleEdit
from cases.record_kinds import CASE_FORM_KINDS, CaseFormBlock, RecordKind
from cases.validators import not_in_future


@dataclass(frozen=True, kw_only=True)
class BlockHeading:
    """A block's heading as the case form's template shows it."""

    kind: str  # the kind's facts key (the fieldset is `block-<kind>`)
    title: str


def _block(kind: RecordKind) -> CaseFormBlock:
    assert kind.case_form is not None  # only the case form's kinds come here
    return kind.case_form


def _dated_model(kind: RecordKind) -> type[DatedRecord]:
    assert issubclass(kind.model, DatedRecord)  # every block has a date: only dated kinds come here
    return kind.model


class FindingsForm(forms.Form):
    """Latest findings, one block per kind of dated record, prefilled from the stored case."""

    def __init__(self, *args: Any, case: m.Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous: dict[str, Any] = {}  # the record each block shows, by facts key
        self.error_labels: dict[str, str] = {}  # how an error names a field where its label is ambiguous
        self.dates: dict[str, set[datetime.date]] = {}  # dates that already hold a record, per kind
        for kind in CASE_FORM_KINDS:
            key = kind.facts_key
            # The version of the record this block was filled from: a stale save is refused.
            self.fields[f"{key}_version"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_VERSION
            )
            # Checked as the record's own date is (not in the future, not before 1900): a date the
            # model would refuse must be a message here, never an error at save.
            self.fields[_block(kind).date_input] = forms.DateField(
                label="Date",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                validators=[not_in_future],
            )
            self.error_labels[_block(kind).date_input] = f"{_block(kind).title} — date"
            for name in kind.finding_fields:
                field = clinical_formfield(kind.model._meta.get_field(name), required=False)
                assert field is not None
                self.fields[name] = field
            records = list(getattr(case, kind.related_name).all()) if case and case.pk else []
            latest = records[-1] if records else None
            self.previous[key] = latest
            self.dates[key] = {record.date for record in records}
            self.fields[f"{key}_version"].required = latest is not None
            if latest is not None:
                self.initial[f"{key}_version"] = latest.version
                self.initial[_block(kind).date_input] = latest.date
                for name in kind.finding_fields:
                    self.initial[name] = getattr(latest, name)

    def block_fields(self) -> list[tuple[BlockHeading, list[forms.BoundField]]]:
        """Bound fields grouped by block, for the template."""
        return [
            (
                BlockHeading(kind=kind.facts_key, title=_block(kind).title),
                [self[f"{kind.facts_key}_version"], self[_block(kind).date_input]]
                + [self[name] for name in kind.finding_fields],
            )
            for kind in CASE_FORM_KINDS
        ]

    def _block_values(self, kind: RecordKind) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in kind.finding_fields}

    def _stored_values(self, kind: RecordKind) -> dict[str, Any]:
        previous = self.previous[kind.facts_key]
        return {name: getattr(previous, name) if previous else None for name in kind.finding_fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for kind in CASE_FORM_KINDS:
            date_input, previous = _block(kind).date_input, self.previous[kind.facts_key]
            has_values = any(cleaned.get(name) not in (None, "") for name in kind.finding_fields)
            refused = date_input in self.errors  # a date typed but refused has its message already
            if has_values and cleaned.get(date_input) is None and previous is None and not refused:
                self.add_error(date_input, "enter the date of these findings")
            date, taken = cleaned.get(date_input), self.dates[kind.facts_key]
            if date is not None and date != (previous.date if previous else None) and date in taken:
                # Moving the block onto an older record's date would overwrite that record unseen.
                self.add_error(
                    date_input,
                    f"there is already a record of this kind on {date}; edit it on the case page",
                )
        return cleaned

    def changes(self) -> list[RecordChange]:
        """What the form changes, block by block (call after is_valid())."""
        result = []
        for kind in CASE_FORM_KINDS:
            date = self.cleaned_data.get(_block(kind).date_input)
            values = self._block_values(kind)
            previous = self.previous[kind.facts_key]
            previous_date = previous.date if previous else None
            blank = all(v in (None, "") for v in values.values())
            change = partial(RecordChange, kind=kind, values=values, previous_date=previous_date)
            if date is None:
                if previous is not None:
                    result.append(change(action="remove", date=None))
            elif date == previous_date:
                if values != self._stored_values(kind):
                    version = self.cleaned_data.get(f"{kind.facts_key}_version")
                    result.append(change(action="update", date=date, version=version))
            elif not blank or _block(kind).date_alone_is_a_finding:
                result.append(change(action="add", date=date))
        return result

    def refuse_removals(self, changes: list[RecordChange]) -> bool:
        """Save never deletes a record (the case page does, explicitly): a cleared date is refused."""
        for change in changes:
            if change.action == "remove":
                date_input = _block(change.kind).date_input
                self.add_error(
                    date_input,
                    f"an empty date only previews the case without the record of "
                    f"{change.previous_date}; to remove that record, delete it on the case page.",
                )
                return True
        return False


@transaction.atomic
def save_changes(case: m.Case, changes: list[RecordChange]) -> None:
    """Write the form's finding changes to the case's records (removal is refused earlier)."""
    for change in changes:
        model = _dated_model(change.kind)
        if change.action == "update":
            # A correction of the record the form showed: its date and version came with the form.
            assert change.previous_date is not None and change.version is not None
            record = model._default_manager.filter(case=case, date=change.previous_date).first()
            if record is None:
                raise StaleEdit(None)  # deleted meanwhile
            record.version = change.version
        else:
            assert change.date is not None  # a new record: on the date typed (a removal was refused)
            existing = model._default_manager.filter(case=case, date=change.date).first()
            if existing is not None:
                raise StaleEdit(existing)  # saved by someone else since the form was read
            record = model(case=case, date=change.date)
        for name, value in model_values(model, change.values).items():
            setattr(record, name, value)
        record.save()
