"""Hostile and broken input posted to every form and htmx endpoint, as a signed-in coordinator.

Generated data — wrong types, huge numbers, NaN/inf strings, unicode, empty and very long text,
dates far in the past and future — must never cause a server error, never save part of a record,
and a refusal always says which field was wrong.
"""

import datetime
import re
import string

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import models as m
from cases.forms.case import CaseForm
from cases.forms.findings import FindingsForm
from cases.record_kinds import RECORD_KINDS
from meetings.models import AgendaItem, Attendee, Decision, FollowUpAction, Meeting
from tests.conftest import signed_in
from tests.factories import CaseFactory, LabFactory, user_with_role
from tests.meetings.factories import sample_meeting
from tests.test_permission_matrix import POLICY
from tests.url_samples import sample_url

# Every endpoint a coordinator may POST to (the access table says which).
POST_ENDPOINTS = sorted(name for name, codes in POLICY.items() if codes["POST"][2] != 405)

FIELD_NAMES = sorted(
    set(CaseForm.base_fields)
    | set(FindingsForm().fields)
    | {name for kind in RECORD_KINDS for name in kind.fields}
    | {
        "title",
        "starts_at",
        "location",
        "video_link",
        "question",
        "plan",
        "plan_other",
        "rationale",
        "deviation_reason",
        "deviation_note",
        "dissent",
        "next_review",
        "acknowledge_stop_flags",
        "user",
        "specialty",
        "presence",
        "direction",
        "item",
        "cases",
        "meeting",
        "version",
        "kind",
        "proposal",
    }
)

FUTURE = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()

hostile_text = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "NaN",
            "nan",
            "inf",
            "-Infinity",
            "1e309",
            "-1",
            "0",
            "99999999999999999999",
            "3,9",
            "２",
            "true",
            "null",
            "None",
            "0001-01-01",
            "9999-12-31",
            "2026-02-30",
            "<script>x</script>",
            "'; DROP TABLE cases_case; --",
            "\u202e\u0000",
            # issue 11: future and ancient dates, decimal commas, 20-digit numbers, look-alikes
            FUTURE,
            "2999-01-01",
            "1899-12-31",
            "0001-01-01T00:00",
            "1,5",
            "0,5",
            "1.234,5",
            "1,500",
            "12345678901234567890",
            "-99999999999999999999",
            "2147483648",
            "9223372036854775808",
            "²",
            "НСС-0102",
            "HCC\u200b-0102",
            "HCC\u2011 0102",
            "\u202eHCC-0102",
            "Kim Min-jun 1958-03-02",
            "HCC-1234567",
            "x" * 2001,
            "y" * 100_000,
        ]
    ),
    st.text(alphabet=string.printable + "éß中😀", max_size=40),
    st.text(min_size=3000, max_size=3500),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)


def database_state() -> tuple:
    """What a partial save would change: row counts and version sums of every editable table."""
    models = [
        m.Case,
        m.LabResult,
        m.ClinicalFinding,
        m.Imaging,
        m.Endoscopy,
        m.TaceSession,
        m.SystemicTherapy,
        Meeting,
        Attendee,
        AgendaItem,
        Decision,
        FollowUpAction,
    ]
    state = [model.objects.count() for model in models]
    state += [sum(model.objects.values_list("version", flat=True)) for model in models[:7]]
    state += list(m.Case.objects.order_by("pk").values_list("label", "ecog", "weight_kg"))
    state += list(AgendaItem.objects.order_by("pk").values_list("question", "position"))
    return tuple(state)


@pytest.mark.django_db
@pytest.mark.parametrize("name", POST_ENDPOINTS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELD_NAMES), hostile_text, min_size=1, max_size=8))
def test_hostile_posts_never_fail_or_half_save(name: str, data: dict[str, str]) -> None:
    if not m.Case.objects.filter(pk=1).exists():
        case = CaseFactory(pk=1)
        LabFactory(case=case, pk=1)
        sample_meeting(case)
    client: Client = signed_in(
        User.objects.get(username="hostile")
        if User.objects.filter(username="hostile").exists()
        else user_with_role("hostile", "coordinator")
    )
    before = database_state()
    response = client.post(sample_url(name), data, follow=True)
    assert response.status_code < 500
    html = response.content.decode()
    refused = response.status_code >= 400 or any(
        marker in html for marker in ("is-invalid", "alert-danger", "Cannot assess", 'id="edit-conflict"')
    )
    if refused:
        assert database_state() == before, "a refused post changed the database"
    if response.status_code < 400 and refused:
        invalid = re.findall(r'class="[^"]*is-invalid[^"]*"|id="error_\d+_id_[a-z_0-9]+"', html)
        alerts = re.findall(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</div>', html, re.S)
        # A message names its field by the label shown ("Albumin (g/dL): …", "Latest labs — date: …").
        named = any(re.search(r"[\w)]: ", alert) for alert in alerts)
        assert invalid or named or "Cannot assess" in html or 'id="edit-conflict"' in html, (
            "an error that does not say which field it is about"
        )
