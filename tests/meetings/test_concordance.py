"""Concordance report: per month, cases discussed, decisions signed, share concordant, reasons."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from meetings import services
from meetings.charts import share_chart
from meetings.report import MONTH_NAMES, monthly_concordance
from tests.meetings.factories import (
    NO_QUORUM_REASON,
    AgendaItemFactory,
    MeetingFactory,
    refractory_case,
    signed_decision,
)

REASONS = {
    "patient_preference": "Patient preference",
    "comorbidity": "Comorbidity",
    "trial_enrolment": "Trial enrolment",
    "other": "Other",
}


def test_monthly_aggregation() -> None:
    jan, feb = datetime.date(2026, 1, 14), datetime.date(2026, 2, 3)
    months = monthly_concordance(
        [(jan, 1), (jan, 2), (datetime.date(2026, 1, 28), 1), (feb, 3)],
        [
            (jan, "concordant", ""),
            (jan, "deviating", "comorbidity"),
            (jan, "deviating", "comorbidity"),
            (jan, "concordant", ""),
        ],
        REASONS,
    )
    assert [(r.label, r.cases_discussed, r.signed, r.concordant) for r in months] == [
        ("Jan 2026", 2, 4, 2),
        ("Feb 2026", 1, 0, 0),
    ]
    assert months[0].share == 0.5 and months[0].share_text == "50 %"
    assert months[0].reasons == (("Comorbidity", 2),)
    assert months[1].share is None and months[1].share_text == "no decision signed"  # unknown, not 0 %


def test_chart_geometry() -> None:
    months = monthly_concordance(
        [(datetime.date(2026, 3, 1), 1)], [(datetime.date(2026, 3, 1), "concordant", "")], REASONS
    )
    chart = share_chart(months)
    assert chart is not None
    bar = chart.bars[0]
    assert bar.height == chart.plot_bottom - chart.plot_top  # 100 %
    assert share_chart([]) is None


@pytest.mark.django_db
def test_report_page(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    meeting = MeetingFactory()
    first, second = (AgendaItemFactory(meeting=meeting, case=refractory_case()) for _ in range(2))
    follows = signed_decision(first, member)
    signed_decision(
        second,
        member,
        "other",
        plan_other="SIRT",
        deviation_reason="trial_enrolment",
    )
    # A corrected decision counts once, as corrected.
    correction = services.start_correction(follows, member)
    correction.save()
    services.sign(correction, member, quorum_reason=NO_QUORUM_REASON)
    html = viewer_client.get("/reports/concordance/").content.decode()
    month = timezone.localdate(meeting.starts_at).strftime("%Y-%m")
    row = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[:5] == [
        f"{MONTH_NAMES[int(month[5:]) - 1]}" + f" {month[:4]}",
        "2",
        "2",
        "1 (50 %)",
        "1",
    ]
    assert "Trial enrolment: 1" in row
    assert '<svg class="cc-svg"' in html and 'class="cc-bar"' in html
    assert " style=" not in html and "<style" not in html and "<script" not in html.split("</main>")[0]
