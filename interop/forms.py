from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms

from interop.fhir_import import MAX_BYTES


class FhirUploadForm(forms.Form):
    """A FHIR R4 Bundle from the hospital's EHR (or our own export) to create a case from."""

    bundle = forms.FileField(
        label="FHIR Bundle (JSON)", error_messages={"required": "choose the FHIR Bundle file to import."}
    )
    label = forms.CharField(
        label="Case label", max_length=40, required=False, help_text="Only when the Bundle carries none."
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_bundle(self) -> bytes:
        upload = self.cleaned_data["bundle"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // 1_000_000} MB.")
        return bytes(upload.read())
