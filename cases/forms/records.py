"""One form per kind of dated record (cases/record_kinds.py), made from the kind's model and fields."""

from __future__ import annotations

from django import forms
from django.forms import modelform_factory

from cases.concurrency import VersionedForm
from cases.forms.fields import clinical_formfield
from cases.models.records import CaseRecord
from cases.record_kinds import RecordKind


class RecordForm(VersionedForm[CaseRecord]):
    """Base of the record forms: the instance arrives with its case already set."""

    def _post_clean(self) -> None:
        super()._post_clean()
        # The case is not a form field, so Django skips the one-per-date constraint; check it here
        # so a duplicate date is a form error rather than a failed save.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # Django's, not in django-stubs


def record_form_class(kind: RecordKind) -> type[forms.ModelForm[CaseRecord]]:
    """The ModelForm for one kind of dated record."""
    return modelform_factory(
        kind.model,
        form=RecordForm,
        fields=list(kind.fields),
        # Django leaves out a field whose callback returns None; django-stubs' callback type has no None.
        formfield_callback=clinical_formfield,  # type: ignore[arg-type]
    )
