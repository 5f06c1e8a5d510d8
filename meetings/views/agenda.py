"""The meeting list, a meeting's page with its attendees and agenda, and their changes.

Once a decision of the meeting is signed, or the meeting is closed, its date, attendance and agenda
are frozen: every change here answers 409 with the reason (the models refuse it as well).

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
from meetings.models import SIGNED_MESSAGE, AgendaItem, Attendee, Meeting, MeetingStatus
from meetings.views.lifecycle import answers_409, frozen_response
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
    # A closed meeting is past, whatever its date says.
    upcoming = (
        meetings.filter(starts_at__date__gte=today).exclude(status=MeetingStatus.CLOSED).order_by("starts_at")
    )
    past = meetings.filter(Q(starts_at__date__lt=today) | Q(status=MeetingStatus.CLOSED)).order_by(
        "-starts_at"
    )
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
@answers_409
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Title, place and date; after the first signed decision the date no longer moves."""
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting.refuse_if_closed()
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.moves_date() and meeting.has_signed_decision():
        return frozen_response(request, meeting, SIGNED_MESSAGE)
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
    context["frozen"] = meeting.frozen_reason()
    return render(request, "meetings/meeting_detail.html", context)


def attendees_context(meeting: Meeting) -> dict[str, Any]:
    attendees = list(meeting.attendees.select_related("user"))
    return {
        "attendees": attendees,
        "quorum": meeting.quorum(attendees),
        "attendance_frozen": meeting.frozen_reason(),
    }


def _agenda_context(meeting: Meeting) -> dict[str, Any]:
    """Agenda rows with their readiness on the meeting day: one engine run per case, constant queries.
    ``agenda_frozen``: whether the controls that change the agenda are left out."""
    items = list(meeting.items.select_related("case").with_decisions())
    rows: list[dict[str, Any]] = [
        {"item": item, "readiness": readiness, "question_form": inline_question_form(item)}
        for item, readiness in zip(items, services.agenda_readiness(meeting, items), strict=True)
    ]
    frozen = meeting.is_closed or any(item.signed_decision for item in items)
    return {
        "rows": rows,
        "not_ready": sum(1 for r in rows if not r["readiness"].ready),
        "agenda_frozen": frozen,
    }


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
@answers_409
def attendee_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting.refuse_if_frozen()
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
@answers_409
def attendee_presence(request: HtmxHttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Mark a person present or absent (or back to not marked)."""
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.present = {"present": True, "absent": False}.get(request.POST.get("presence", ""))
    attendee.save()  # refused (409) once the attendance is frozen
    return _back_to_meeting(request, attendee.meeting, "attendees")


@require_POST
@require(MANAGE)
@answers_409
def attendee_remove(request: HtmxHttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.delete()  # refused (409) once the attendance is frozen
    return _back_to_meeting(request, attendee.meeting, "attendees")


# --- agenda -----------------------------------------------------------------------------------


@require(MANAGE)
@answers_409
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The open cases not yet on the agenda, to tick and add in one go."""
    meeting = get_object_or_404(Meeting, pk=pk)
    meeting.refuse_if_frozen()
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
@answers_409
def agenda_move(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    item.meeting.refuse_if_frozen()
    item.meeting.move_item(item, -1 if request.POST.get("direction") == "up" else 1)
    return _back_to_meeting(request, item.meeting, "agenda")


@require_POST
@require(MANAGE)
@answers_409
def agenda_question(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    item.meeting.refuse_if_frozen()
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
@answers_409
def agenda_remove(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    item.meeting.refuse_if_frozen()
    if item.decisions.exists():
        messages.error(
            request, f"{item.case.label} has a decision recorded at this meeting: it stays on the agenda."
        )
    else:
        item.delete()
        item.meeting.renumber(list(item.meeting.items.all()))
    return _back_to_meeting(request, item.meeting, "agenda")
