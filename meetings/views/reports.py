"""Across meetings: the follow-up list (open actions of decisions in force and due ALG-5
reassessments) and the monthly concordance report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.clinical.labels import regimen_label
from cases.models import Case, Status
from cases.permissions import require
from meetings import services
from meetings.charts import share_chart
from meetings.followup import followup_rows
from meetings.models import AgendaItem, Decision, DeviationReason, FollowUpAction
from meetings.report import monthly_concordance


@require_GET
@require("meetings.view_meeting")
def followup(request: HttpRequest) -> HttpResponse:
    """Open follow-up actions of the decisions in force and due ALG-5 reassessments, overdue first."""
    today = timezone.localdate()
    actions = FollowUpAction.objects.filter(
        done_at__isnull=True, decision__in=Decision.objects.in_force()
    ).select_related("owner", "decision__case", "decision__agenda_item")
    on_therapy = Case.objects.filter(status=Status.OPEN, systemic_therapies__outcome="ongoing").distinct()
    clocks = [
        (case, clock, regimen_label(regimen or "other"))
        for case, clock, regimen in services.reassessment_clocks(services.stored_cases(on_therapy), today)
    ]
    return render(
        request, "meetings/followup.html", {"rows": followup_rows(actions, clocks, today), "today": today}
    )


@require_POST
@require("meetings.record_decision")
def action_done(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(FollowUpAction.objects.select_related("decision"), pk=action_pk)
    if not action.decision.is_signed:
        messages.error(request, "Only an action of a signed decision is marked done.")
    elif action.done_at is None:
        action.mark_done(request.user)
        messages.success(request, f"Done: {action.description}.")
    return redirect("meetings:followup")


@require_GET
@require("meetings.view_meeting")
def concordance_report(request: HttpRequest) -> HttpResponse:
    """Per month of meeting: cases discussed, decisions signed, share concordant, deviation reasons.
    Only signed decisions count: a case is discussed when the board signed a decision on it (an
    upcoming meeting's agenda, or a draft, is not counted)."""
    in_force = Decision.objects.in_force()
    discussed = AgendaItem.objects.filter(decisions__in=in_force).values_list("meeting__starts_at", "case_id")
    signed = in_force.values_list("agenda_item__meeting__starts_at", "concordance", "deviation_reason")
    local = timezone.localdate
    months = monthly_concordance(
        [(local(when), case) for when, case in discussed],
        [(local(when), c, r) for when, c, r in signed],
        dict(DeviationReason.choices),
    )
    return render(request, "meetings/concordance.html", {"months": months, "chart": share_chart(months)})
