"""FHIR in and out: the Bundle of a stored case, and the upload on the new-case page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from cases.adapters import with_records
from cases.permissions import require
from cases.views.api import as_of_from
from interop.forms import FhirUploadForm
from interop.services import case_fhir, import_bundle


@require_GET
@require("view_case")
def case_bundle(request: HttpRequest, pk: int) -> JsonResponse:
    """`?as_of=YYYY-MM-DD` as the assessment API; the Bundle is validated before it is sent."""
    case = get_object_or_404(with_records(), pk=pk)
    as_of, problems = as_of_from(request)
    if problems:
        return JsonResponse({"errors": problems}, status=400)
    bundle = case_fhir(case, as_of)
    return JsonResponse(
        bundle, content_type="application/fhir+json", json_dumps_params={"ensure_ascii": False}
    )


@require_POST
@require("add_case")
def upload(request: HttpRequest) -> HttpResponse:
    """Create a case from an uploaded Bundle and open its page, or list every problem on the new-case
    page (nothing is saved then)."""
    form = FhirUploadForm(request.POST, request.FILES)
    if form.is_valid():
        case, problems = import_bundle(form.cleaned_data["bundle"], form.cleaned_data["label"] or None)
    else:
        # Named as the case form's errors are (cases/views/case_form.py): "field: message".
        case, problems = None, [f"{field}: {e}" for field, errors in form.errors.items() for e in errors]
    if case is not None:
        messages.success(request, f"Case {case.label} created from the FHIR Bundle.")
        return redirect(case)
    messages.error(request, "The FHIR Bundle was not imported; nothing was saved.")
    for problem in problems:
        messages.error(request, problem)
    return redirect("cases:create")
