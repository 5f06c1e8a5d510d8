"""The case form: the patient, the nodule count before TACE and the contraindications."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from cases import models as m
from cases.clinical.labels import PROPOSAL_LABELS
from cases.clinical.vocab import PROPOSALS
from cases.concurrency import VersionedForm
from cases.forms.fields import YesNoUnknown, clinical_formfield
from cases.validators import label_problem, normalise_label


class CaseForm(VersionedForm[m.Case]):
    class Meta:
        model = m.Case
        fields = [
            "label",
            "age",
            "sex",
            "weight_kg",
            "ecog",
            "etiology",
            "baseline_tumor_count",
            "contraindication_immunotherapy",
            "contraindication_bevacizumab",
            "contraindication_note",
            "status",
        ]
        field_classes = {
            "contraindication_immunotherapy": YesNoUnknown,
            "contraindication_bevacizumab": YesNoUnknown,
        }
        widgets = {"contraindication_note": forms.Textarea(attrs={"rows": 2})}
        # Numbers read as on the findings (decimal comma, messages with the label and unit).
        formfield_callback = clinical_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_label(self) -> str:
        """The label as it will be stored (normalised), refused if another case has it in any case or
        look-alike spelling; the database's constraint holds the same rule."""
        label = normalise_label(self.cleaned_data.get("label") or "")
        problem = label_problem(label)
        if problem:
            raise forms.ValidationError(problem)
        others = m.Case.objects.exclude(pk=self.instance.pk) if self.instance.pk else m.Case.objects.all()
        if others.filter(label__iexact=label).exists():
            raise forms.ValidationError(
                f"a case labelled {label!r} already exists (case and look-alikes ignored)"
            )
        return label

    def patient_fields(self) -> list[forms.BoundField]:
        """The short patient fields, laid out in columns; the note gets the full width below them."""
        return [field for field in self.visible_fields() if field.name != "contraindication_note"]


class CaseFilterForm(forms.Form):
    """The case list's search: part of a label, and a status (open by default, or all)."""

    q = forms.CharField(
        label="Search by label",
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": "Search by label"}),
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[*m.Status.choices, ("all", "All")])

    def __init__(self, *, query: str, status: str) -> None:
        # Shown, never validated: the list reads the query string itself. The inputs keep the ids q and status.
        super().__init__(initial={"q": query, "status": status}, auto_id="%s")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_class = "visually-hidden"


class ProposalForm(forms.Form):
    """The plan the board proposes, checked against the options and flags on the recommendation view."""

    proposal = forms.ChoiceField(
        label="The board proposes",
        required=False,
        choices=[("", "— no plan proposed —"), *((key, PROPOSAL_LABELS[key]) for key in PROPOSALS)],
    )

    def __init__(self, *, proposal: str | None) -> None:
        super().__init__(initial={"proposal": proposal or ""}, auto_id="%s")
        self.helper = FormHelper()
        self.helper.form_tag = False
