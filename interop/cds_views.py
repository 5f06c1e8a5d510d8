"""CDS Hooks 2.0 endpoints: discovery and the patient-view service (interop/cds_hooks.py).

Not behind the app's sign-in: the EHR authenticates with its signed JWT instead, and without a
configured EHR both answer 404 (the service is off)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from interop import cds_hooks

MAX_REQUEST_BYTES = 5_000_000


def _service_on() -> None:
    if not cds_hooks.ehrs():
        raise Http404("CDS Hooks is not configured")


@login_not_required
@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    _service_on()
    return JsonResponse(cds_hooks.discovery())


def _audience(request: HttpRequest, service_id: str) -> str:
    """The service's own URL, as the EHR names it in `aud` (CDS_HOOKS_BASE_URL behind a proxy)."""
    from django.conf import settings

    path = reverse("interop:cds_service", args=[service_id])
    base = getattr(settings, "CDS_HOOKS_BASE_URL", "") or f"{request.scheme}://{request.get_host()}"
    return base.rstrip("/") + path


@login_not_required
@csrf_exempt  # no cookies: the EHR's JWT authenticates each request
@require_POST
def service(request: HttpRequest, service_id: str) -> JsonResponse:
    _service_on()
    if service_id != cds_hooks.SERVICE_ID:
        raise Http404("no such CDS service")
    try:
        claims = cds_hooks.verify(request.headers.get("Authorization", ""), _audience(request, service_id))
    except cds_hooks.Unauthorized as refused:
        return JsonResponse({"error": f"unauthorized: {refused}"}, status=401)
    if len(request.body) > MAX_REQUEST_BYTES:
        return JsonResponse({"error": "request too large"}, status=413)
    try:
        hook = json.loads(request.body)
    except ValueError:
        return JsonResponse({"error": "the request is not JSON"}, status=400)
    if not isinstance(hook, dict) or hook.get("hook") != "patient-view":
        return JsonResponse({"error": "this service answers the patient-view hook"}, status=400)
    try:
        resources = cds_hooks.gather(hook, claims["iss"])
    except cds_hooks.Unavailable as missing:
        return JsonResponse({"error": str(missing)}, status=412)
    case = cds_hooks.known_case(resources)
    link = request.build_absolute_uri(reverse("cases:recommendation", args=[case.pk])) if case else None
    return JsonResponse(
        {"cards": cds_hooks.cards(resources, link)}, json_dumps_params={"ensure_ascii": False}
    )
