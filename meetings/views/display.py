"""The room's display: the full-screen stage for the projector, its cheap poll, and the
coordinator's controls that move every open display along the agenda."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.charts import algorithm_diagram, timeline
from cases.permissions import require
from meetings import services
from meetings.models import AgendaItem, Meeting
from tumorboard.http import HtmxHttpRequest

DISPLAY_TIMELINE_WIDTH = 680  # user units (the case page draws 1200)


@require_GET
@require("meetings.view_meeting")
def meeting_present(request: HttpRequest, pk: int) -> HttpResponse:
    """Full-screen view for the projector. It polls and follows the coordinator's current item."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/present.html", _stage_context(meeting))


@require_GET
@require("meetings.view_meeting")
def meeting_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """204 while the display shows the latest version (one indexed read, no engine run);
    otherwise the new stage. A poll is the screen's doing, not the user's: it does not count as
    activity, so an unattended display still signs out after the idle limit."""
    request.keeps_session_idle = True  # type: ignore[attr-defined]  # read by SessionRenewalMiddleware
    version = Meeting.objects.filter(pk=pk).values_list("display_version", flat=True).first()
    if version is None:
        raise Http404("No such meeting")
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/present.html#stage", _stage_context(meeting))


@require_POST
@require("meetings.manage_meetings")
def meeting_go(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The coordinator's controls: next, previous, or a given agenda item."""
    meeting = get_object_or_404(Meeting, pk=pk)
    step, item = request.POST.get("step"), request.POST.get("item", "")
    if item.isascii() and item.isdigit() and len(item) < 19:  # "²" is a digit to isdigit(), not to int()
        meeting.show(get_object_or_404(AgendaItem, pk=int(item), meeting=meeting))
    elif step in ("next", "previous"):
        meeting.step(1 if step == "next" else -1)
    if request.htmx:
        meeting.refresh_from_db()
        return render(request, "meetings/present.html#stage", _stage_context(meeting))
    return redirect("meetings:present", pk=meeting.pk)


def _stage_context(meeting: Meeting) -> dict[str, Any]:
    """What the displays show: the current case assessed today. Constant queries for any agenda."""
    items = list(meeting.items.select_related("case"))
    item = meeting.shown_item(items)
    context: dict[str, Any] = {
        "meeting": meeting,
        "items": items,
        "item": item,
        "version": meeting.display_version,
    }
    if item is None:
        return context
    assessed = services.assessment_for(services.stored_case(item.case_id))
    summary = assessed.summary
    context.update(
        number=items.index(item) + 1,
        summary=summary,
        # One line per option the board can act on; the closed ones grouped, so a Child-Pugh C
        # patient's eight contraindications do not push the flags off the screen.
        options=[o for o in summary.options if o.status not in ("not_indicated", "contraindicated")],
        contraindicated=[o.label for o in summary.options if o.status == "contraindicated"],
        not_indicated=[o.label for o in summary.options if o.status == "not_indicated"],
        # A narrower picture than the case page's: the same labels read larger from the back of the room.
        timeline=timeline(
            assessed.facts, assessed.assessment.as_of, dom_id="display-timeline", width=DISPLAY_TIMELINE_WIDTH
        ),
        diagram=algorithm_diagram(assessed.assessment, dom_id="display-algorithm"),
        decision=item.signed_decision,
    )
    return context
