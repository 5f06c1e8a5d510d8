"""What the meetings add to the case list (the worklist): each case's next meeting."""

from __future__ import annotations

from typing import Any

from django.db.models import DateTimeField, Min, OuterRef, Subquery
from django.utils import timezone

from meetings.models import AgendaItem


def with_next_meeting(cases: Any) -> Any:
    """Annotate `next_meeting`: the start of the earliest meeting from now on with the case on its agenda.

    One correlated sub-select over the indexed agenda (case, meeting) pairs, evaluated only for the
    rows of the page shown, so the list's query count does not grow with the cases."""
    upcoming = (
        AgendaItem.objects.filter(case=OuterRef("pk"), meeting__starts_at__gte=timezone.now())
        .order_by()
        .values("case")
        .annotate(first=Min("meeting__starts_at"))
        .values("first")
    )
    return cases.annotate(next_meeting=Subquery(upcoming, output_field=DateTimeField()))
