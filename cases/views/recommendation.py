"""The recommendation view: the algorithm with the patient's position, the ranked options with their
reasons, every flag, and the check of a proposed plan."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cases.adapters import with_records
from cases.assessing import assess_case
from cases.charts import algorithm_diagram, timeline
from cases.clinical.vocab import PROPOSALS
from cases.forms.case import ProposalForm
from cases.permissions import require
from tumorboard.http import HtmxHttpRequest


@require_GET
@require("view_case")
def recommendation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The algorithm with the patient's position, the ranked options and every flag; `?proposal=` checks a plan."""
    case = get_object_or_404(with_records(), pk=pk)
    proposal = request.GET.get("proposal") if request.GET.get("proposal") in PROPOSALS else None
    assessed = assess_case(case, proposal=proposal)
    context = {
        "case": case,
        "summary": assessed.summary,
        "proposal": proposal,
        "proposal_form": ProposalForm(proposal=proposal),
        "diagram": algorithm_diagram(assessed.assessment),
        "timeline": timeline(assessed.facts, assessed.as_of),
    }
    template = "cases/recommendation.html#plan-check" if request.htmx else "cases/recommendation.html"
    return render(request, template, context)
