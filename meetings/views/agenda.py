"""The meeting list, a meeting's page with its attendees and agenda, and their changes.

The attendees and the agenda are swappable regions of the meeting page (partials): an htmx change
answers with the region it changed, a plain post with a redirect to the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from cases.permissions import require
from meetings import services
from meetings.forms import (
    AddToMeetingForm,
    AgendaCasesForm,
    AttendeeForm,
    CaseSearchForm,
    MeetingForm,
    QuestionForm,
    inline_question_form,
)
from meetings.models import AgendaItem, Attendee, Meeting
from tumorboard.http import HtmxHttpRequest

MANAGE = "meetings.manage_meetings"

# --- meetings ---------------------------------------------------------------------------------


@require_GET
@require("meetings.view_meeting")
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.annotate(
        case_count=Count("items", distinct=True),
        present_count=Count("attendees", filter=Q(attendees__present=True), distinct=True),
    )
    today = timezone.localdate()
    upcoming = meetings.filter(starts_at__date__gte=today).order_by("starts_at")
    past = meetings.filter(starts_at__date__lt=today).order_by("-starts_at")
    return render(request, "meetings/meeting_list.html", {"upcoming": upcoming, "past": past})


@require(MANAGE)
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, f"Meeting of {meeting.day:%Y-%m-%d} created: add attendees and cases.")
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@require(MANAGE)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_GET
@require("meetings.view_meeting")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendees and quorum, and the agenda with each case's readiness and decision."""
    meeting = get_object_or_404(Meeting, pk=pk)
    context = {"meeting": meeting, **attendees_context(meeting), **_agenda_context(meeting)}
    context["attendee_form"] = AttendeeForm(meeting=meeting)
    return render(request, "meetings/meeting_detail.html", context)


def attendees_context(meeting: Meeting) -> dict[str, Any]:
    attendees = list(meeting.attendees.select_related("user"))
    return {"attendees": attendees, "quorum": meeting.quorum(attendees)}


def _agenda_context(meeting: Meeting) -> dict[str, Any]:
    """Agenda rows with their readiness on the meeting day: one engine run per case, constant queries."""
    items = list(meeting.items.select_related("case").with_decisions())
    rows: list[dict[str, Any]] = [
        {"item": item, "readiness": readiness, "question_form": inline_question_form(item)}
        for item, readiness in zip(items, services.agenda_readiness(meeting, items), strict=True)
    ]
    return {"rows": rows, "not_ready": sum(1 for r in rows if not r["readiness"].ready)}


def _back_to_meeting(request: HtmxHttpRequest, meeting: Meeting, partial: str | None = None) -> HttpResponse:
    if request.htmx and partial == "agenda":
        return render(
            request, "meetings/meeting_detail.html#agenda", {"meeting": meeting, **_agenda_context(meeting)}
        )
    if request.htmx and partial == "attendees":
        context = {
            "meeting": meeting,
            "attendee_form": AttendeeForm(meeting=meeting),
            **attendees_context(meeting),
        }
        return render(request, "meetings/meeting_detail.html#attendees", context)
    return redirect(f"{meeting.get_absolute_url()}#{partial or ''}")


# --- attendees --------------------------------------------------------------------------------


@require_POST
@require(MANAGE)
def attendee_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AttendeeForm(request.POST, meeting=meeting)
    if form.is_valid():
        form.save()
    else:
        messages.error(
            request,
            "Attendee not added: " + " ".join(f"{f}: {e}" for f, errs in form.errors.items() for e in errs),
        )
    return _back_to_meeting(request, meeting, "attendees")


@require_POST
@require(MANAGE)
def attendee_presence(request: HtmxHttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Mark a person present or absent (or back to not marked)."""
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.present = {"present": True, "absent": False}.get(request.POST.get("presence", ""))
    attendee.save()
    return _back_to_meeting(request, attendee.meeting, "attendees")


@require_POST
@require(MANAGE)
def attendee_remove(request: HtmxHttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.delete()
    return _back_to_meeting(request, attendee.meeting, "attendees")


# --- agenda -----------------------------------------------------------------------------------


@require(MANAGE)
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The open cases not yet on the agenda, to tick and add in one go."""
    meeting = get_object_or_404(Meeting, pk=pk)
    query = request.GET.get("q", "").strip()
    form = AgendaCasesForm(request.POST or None, meeting=meeting, query=query)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for case in form.cleaned_data["cases"]:
                AgendaItem.objects.create(meeting=meeting, case=case)
            meeting.bump_display()
        messages.success(request, f"{len(form.cleaned_data['cases'])} case(s) added to the agenda.")
        return redirect(f"{meeting.get_absolute_url()}#agenda")
    context = {"meeting": meeting, "form": form, "query": query, "search_form": CaseSearchForm(query=query)}
    return render(request, "meetings/agenda_add.html", context)


@require(MANAGE)
def agenda_add_case(request: HttpRequest, pk: int) -> HttpResponse:
    """From a case page: put this case on an upcoming meeting's agenda, with the question."""
    case = get_object_or_404(Case, pk=pk)
    form = AddToMeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        AgendaItem.objects.create(meeting=meeting, case=case, question=form.cleaned_data["question"])
        meeting.bump_display()
        messages.success(request, f"{case.label} is on the agenda of {meeting}.")
        return redirect(case)
    return render(request, "meetings/agenda_add_case.html", {"case": case, "form": form})


@require_POST
@require(MANAGE)
def agenda_move(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    item.meeting.move_item(item, -1 if request.POST.get("direction") == "up" else 1)
    return _back_to_meeting(request, item.meeting, "agenda")


@require_POST
@require(MANAGE)
def agenda_question(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    form = QuestionForm(request.POST, instance=item)
    if form.is_valid():
        form.save()
        item.meeting.bump_display()
    else:
        errors = " ".join(f"{field}: {e}" for field, errs in form.errors.items() for e in errs)
        messages.error(request, f"Question for {item.case.label} not saved. {errors}")
    return _back_to_meeting(request, item.meeting, "agenda")


@require_POST
@require(MANAGE)
def agenda_remove(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    if item.decisions.exists():
        messages.error(
            request, f"{item.case.label} has a decision recorded at this meeting: it stays on the agenda."
        )
    else:
        item.delete()
        item.meeting.renumber(list(item.meeting.items.all()))
    return _back_to_meeting(request, item.meeting, "agenda")
