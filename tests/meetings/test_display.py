"""The room's display: what it shows, the coordinator's controls, and the cheap polling endpoint."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases import models as m
from meetings.models import Meeting
from tests.factories import CaseFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, refractory_case, responding_case

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def agenda(n: int) -> Meeting:
    meeting = MeetingFactory()
    for _ in range(n):
        AgendaItemFactory(meeting=meeting, case=refractory_case())
    return meeting


def version(meeting: Meeting) -> int:
    return Meeting.objects.get(pk=meeting.pk).display_version


def test_display_shows_the_current_case_with_scores_algorithm_timeline_options_and_flags(
    viewer_client: Client,
) -> None:
    meeting = MeetingFactory()
    item = AgendaItemFactory(
        meeting=meeting, case=refractory_case(endoscopy=False), question="Endoscopy first?"
    )
    AgendaItemFactory(meeting=meeting)
    html = viewer_client.get(f"/meetings/{meeting.pk}/present/").content.decode()
    assert '<body class="display-mode"' in html
    assert f'id="display-case-label">{item.case.label}<' in html
    assert "Endoscopy first?" in html and "Case 1 of 2" in html
    assert 'data-score="child_pugh">A5<' in html
    assert 'id="display-algorithm"' in html and 'aria-current="step"' in html  # the lit position
    assert 'id="display-timeline"' in html
    assert 'data-regimen="atezolizumab_bevacizumab" data-status="needs_workup"' in html
    assert 'data-flag="OPT-AB-EGD"' in html
    # It polls; a viewer has no controls.
    assert re.search(rf'hx-get="/meetings/{meeting.pk}/present/poll/\?v=\d+" hx-trigger="every 1s"', html)
    assert 'data-step="next"' not in html and "<nav" not in html


def test_display_shows_labels_only(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=refractory_case(label="HCC-9001"))
    html = coordinator_client.get(f"/meetings/{meeting.pk}/present/").content.decode()
    assert "HCC-9001" in html
    # The case model holds no name; the display shows the label, age, sex, ECOG and etiology only.
    assert {f.name for f in m.Case._meta.get_fields()} & {
        "name",
        "first_name",
        "last_name",
        "surname",
    } == set()


def test_coordinator_controls_and_keyboard_script(coordinator_client: Client) -> None:
    meeting = agenda(2)
    html = coordinator_client.get(f"/meetings/{meeting.pk}/present/").content.decode()
    assert 'data-step="next"' in html and 'data-step="previous"' in html
    assert '<script src="/static/js/meeting-display.js"></script>' in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag  # CSP: no inline script
    assert " style=" not in html and "<style" not in html


def test_poll_answers_204_until_the_coordinator_moves(
    coordinator_client: Client, viewer_client: Client
) -> None:
    meeting = agenda(3)
    _first, second, _ = meeting.items.all()
    poll = f"/meetings/{meeting.pk}/present/poll/"
    v = version(meeting)
    assert viewer_client.get(poll, {"v": v}, headers=HTMX).status_code == 204
    assert coordinator_client.post(f"/meetings/{meeting.pk}/present/go/", {"step": "next"}).status_code == 302
    response = viewer_client.get(poll, {"v": v}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="display-stage"')
    assert f'id="display-case-label">{second.case.label}<' in html
    assert f"?v={version(meeting)}" in html  # the next poll asks about the new version
    assert viewer_client.get(poll, {"v": version(meeting)}, headers=HTMX).status_code == 204


def test_next_previous_and_jump(coordinator_client: Client) -> None:
    meeting = agenda(3)
    first, second, third = meeting.items.all()
    go = f"/meetings/{meeting.pk}/present/go/"

    def current() -> int | None:
        return Meeting.objects.get(pk=meeting.pk).current_item_id

    coordinator_client.post(go, {"step": "previous"})
    assert current() in (None, first.pk)  # already at the start
    coordinator_client.post(go, {"item": third.pk})
    assert current() == third.pk
    response = coordinator_client.post(go, {"step": "next"}, headers=HTMX)
    assert current() == third.pk  # stays at the end
    assert f'id="display-case-label">{third.case.label}<' in response.content.decode()
    coordinator_client.post(go, {"step": "previous"})
    assert current() == second.pk
    other = AgendaItemFactory()
    assert coordinator_client.post(go, {"item": other.pk}).status_code == 404  # not this meeting's item


def test_only_the_coordinator_moves_the_display(member_client: Client) -> None:
    meeting = agenda(2)
    assert member_client.post(f"/meetings/{meeting.pk}/present/go/", {"step": "next"}).status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).current_item_id is None


def test_a_changed_question_or_order_reaches_the_displays(coordinator_client: Client) -> None:
    meeting = agenda(2)
    first = meeting.items.first()
    v = version(meeting)
    coordinator_client.post(
        f"/meetings/{meeting.pk}/agenda/{first.pk}/question/", {"question": "New question"}
    )
    assert version(meeting) == v + 1


def test_empty_agenda(viewer_client: Client) -> None:
    meeting = MeetingFactory()
    html = viewer_client.get(f"/meetings/{meeting.pk}/present/").content.decode()
    assert "No case on the agenda yet." in html


def _queries(client: Client, url: str, **params: object) -> int:
    client.get(url, params, headers=HTMX)  # warm: first-request work (e.g. content types) is not counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, headers=HTMX)
    assert response.status_code in (200, 204)
    return len(queries)


@pytest.mark.parametrize("small, large", [(5, 30)])
def test_display_and_poll_run_constant_queries(coordinator_client: Client, small: int, large: int) -> None:
    counts = {}
    for n in (small, large):
        meeting = agenda(n)
        meeting.show(list(meeting.items.all())[-1])  # the last case: nothing depends on its place
        present = f"/meetings/{meeting.pk}/present/"
        counts[n] = (
            _queries(coordinator_client, present),
            _queries(coordinator_client, present + "poll/", v=version(meeting)),  # unchanged
            _queries(coordinator_client, present + "poll/", v=-1),  # changed: the new stage
        )
    assert counts[small] == counts[large]


def test_unchanged_poll_reads_one_row(coordinator_client: Client) -> None:
    """Apart from the sign-in bookkeeping every request pays (session, user, session renewal),
    an unchanged poll is a single indexed read of the meeting's version."""
    meeting = agenda(3)
    url = f"/meetings/{meeting.pk}/present/poll/?v={version(meeting)}"
    with CaptureQueriesContext(connection) as queries:
        assert coordinator_client.get(url).status_code == 204
    own = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "auth_user" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert len(own) == 1 and "display_version" in own[0]


def test_unchanged_poll_does_not_run_the_engine(
    coordinator_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = agenda(1)
    import cases.assessing as assessing  # the one place that runs the engine

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine ran for an unchanged poll")

    monkeypatch.setattr(assessing, "assess", refuse)
    response = coordinator_client.get(f"/meetings/{meeting.pk}/present/poll/", {"v": version(meeting)})
    assert response.status_code == 204 and response.content == b""


def test_display_follows_a_case_without_tace(viewer_client: Client) -> None:
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=CaseFactory())  # nothing recorded: unknown, never normal
    AgendaItemFactory(meeting=meeting, case=responding_case())
    html = viewer_client.get(f"/meetings/{meeting.pk}/present/").content.decode()
    assert "cannot compute" in html
