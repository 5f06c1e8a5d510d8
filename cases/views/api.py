"""JSON API: the engine's assessment of a stored case, in the hcc-assessment/1 format."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from cases.adapters import with_records
from cases.assessing import assess_case
from cases.clinical.vocab import PROPOSALS
from cases.permissions import require
from cases.validators import not_in_future


def as_of_from(request: HttpRequest) -> tuple[datetime.date | None, list[str]]:
    """The `?as_of=YYYY-MM-DD` day (None: today), with the same bounds as a finding's date
    (not after today, not before 1900), or why it is refused."""
    text = request.GET.get("as_of")
    if not text:
        return None, []
    try:
        as_of = datetime.date.fromisoformat(text)
        not_in_future(as_of)
    except ValueError:
        return None, [f"as_of: {text[:20]!r} is not a date (YYYY-MM-DD)"]
    except ValidationError as error:
        return None, [f"as_of: {error.messages[0]}"]
    return as_of, []


@require_GET
@require("view_case")
def case_assessment(request: HttpRequest, pk: int) -> JsonResponse:
    """`?proposal=KEY` checks a plan (RULES.md §7); `?as_of=YYYY-MM-DD` assesses as of that day (default today)."""
    case = get_object_or_404(with_records(), pk=pk)
    as_of, problems = as_of_from(request)
    proposal = request.GET.get("proposal") or None
    if proposal is not None and proposal not in PROPOSALS:
        problems.append(f"proposal: {proposal!r} is not one of {', '.join(PROPOSALS)}")
    if problems:
        return JsonResponse({"errors": problems}, status=400)
    assessment = assess_case(case, as_of=as_of, proposal=proposal).assessment
    return JsonResponse(assessment.to_dict(), json_dumps_params={"ensure_ascii": False})
