"""The minutes of a meeting: one template for the page, the printout and the PDF."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.permissions import require
from meetings.models import Decision, Meeting
from meetings.views.agenda import attendees_context

PDF_BASE_URL = "http://minutes.tumorboard.invalid/"


def _minutes_context(meeting: Meeting) -> dict[str, Any]:
    decisions = Decision.objects.select_related("signed_by").prefetch_related("actions__owner")
    items = list(meeting.items.select_related("case").with_decisions(in_force=decisions))
    rows: list[dict[str, Any]] = [
        {"item": item, "decision": item.signed_decision, "draft": item.draft_decision} for item in items
    ]
    signed = [r["decision"] for r in rows if r["decision"]]
    return {
        "meeting": meeting,
        "rows": rows,
        "signed_count": len(signed),
        "concordant_count": sum(1 for d in signed if not d.deviates),
        "generated_at": timezone.localtime(),
        "amendments": list(meeting.amendments.select_related("made_by")),
        **attendees_context(meeting),
    }


@require_GET
@require("meetings.view_meeting")
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Marked DRAFT until the coordinator closes the meeting; then with the approval and amendments."""
    meeting = get_object_or_404(Meeting.objects.select_related("opened_by", "closed_by"), pk=pk)
    return render(request, "meetings/minutes.html", _minutes_context(meeting))


@require_GET
@require("meetings.view_meeting")
def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes page as a PDF, rendered by WeasyPrint from the same template."""
    # Imported here: WeasyPrint needs Pango, and a missing system library must not stop the app.
    from weasyprint import HTML

    # The stylesheet is shared with the screen: WeasyPrint would log every screen-only property
    # it skips, and its progress, on each PDF. Keep real errors only.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)

    meeting = get_object_or_404(Meeting.objects.select_related("opened_by", "closed_by"), pk=pk)
    html = render_to_string(
        "meetings/minutes.html", {**_minutes_context(meeting), "pdf": True}, request=request
    )
    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    draft = "" if meeting.is_closed else "draft-"
    response["Content-Disposition"] = f'inline; filename="{draft}minutes-{meeting.day:%Y-%m-%d}.pdf"'
    return response


def _static_fetcher() -> Any:
    """WeasyPrint may read the app's own static files (the stylesheet), from disk; nothing else."""
    from django.contrib.staticfiles import finders
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")

    class StaticOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url.removeprefix(prefix) if url.startswith(prefix) else ""
            path = finders.find(name) if name and ".." not in name.split("/") else None
            if not path:
                raise ValueError(f"the minutes load only the app's own static files, not {url}")
            with open(path, "rb") as file:
                return URLFetcherResponse(url, file.read(), {"Content-Type": "text/css; charset=utf-8"})

    return StaticOnly()
