from django import template

from interop.forms import FhirUploadForm

register = template.Library()


@register.simple_tag
def fhir_upload_form() -> FhirUploadForm:
    """An empty upload form for the section interop adds to the new-case page (cases/apps.py)."""
    return FhirUploadForm()
