"""The meeting's lifecycle: the coordinator opens the session, closes it approving the minutes,
and appends amendments to closed minutes. A change refused because the meeting is frozen answers
409 with the reason (``answers_409`` wraps every view that changes a meeting)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.permissions import require
from meetings import services
from meetings.forms import AmendmentForm
from meetings.models import Meeting, MeetingFrozen

MANAGE = "meetings.manage_meetings"


def frozen_response(request: HttpRequest, meeting: Meeting | None, message: str) -> HttpResponse:
    response = render(request, "meetings/frozen.html", {"meeting": meeting, "message": message}, status=409)
    if request.headers.get("HX-Request") and meeting is not None:
        # htmx swaps no 4xx answer: reload the page instead, which shows why and hides the controls.
        messages.error(request, message)
        response["HX-Refresh"] = "true"
    return response


def answers_409(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose change the models refuse (``MeetingFrozen``) answers 409 with the reason."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except MeetingFrozen as refusal:
            meeting = Meeting.objects.filter(pk=int(kwargs["pk"])).first() if "pk" in kwargs else None
            return frozen_response(request, meeting, str(refusal))

    return wrapped


@require_POST
@require(MANAGE)
@answers_409
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    services.open_session(meeting, request.user)
    messages.success(request, "Session opened: mark who is present; decisions can now be signed.")
    return redirect(meeting)


@require_POST
@require(MANAGE)
@answers_409
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    services.close_meeting(meeting, request.user)
    messages.success(request, "Meeting closed and minutes approved: from now on only amendments are added.")
    return redirect("meetings:minutes", pk=pk)


@require(MANAGE)
@answers_409
def amendment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A dated note with its reason, appended to a closed meeting's minutes."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if not meeting.is_closed:
        return frozen_response(
            request, meeting, "Amendments are appended to approved minutes: the meeting is not closed yet."
        )
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend(meeting, request.user, form.cleaned_data["note"], form.cleaned_data["reason"])
        except ValidationError as problems:
            for field, errors in problems.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
        else:
            messages.success(request, "Amendment appended to the minutes.")
            return redirect("meetings:minutes", pk=pk)
    return render(request, "meetings/amendment_form.html", {"meeting": meeting, "form": form})
